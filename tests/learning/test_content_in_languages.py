"""Company content in each reader's language: a value's name and meaning, a program's
guidelines and a celebration's words have a Polish version where the company wrote one;
each reader sees theirs, else the company's own (English here), in pages, notices and
digests alike, and a page reads no more for it."""

import pytest

from feedback import services as feedback
from learning.db import connection
from learning.notify.models import Notification
from learning.people.models import Person, Preferences
from learning.recognition.models import CompanyValue, Milestone, ValueVersion

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.fixture
def polish(app, team):
    """team[1] and team[3] read Polish; the others read the company's English."""
    with app.app_context(), connection():
        Person.update(locale="pl").where(Person.id.in_([team[1].id, team[3].id])).execute()
        return Person.get_by_id(team[1].id), Person.get_by_id(team[3].id)


def test_the_suggested_values_have_polish_names_from_the_start(app):
    with app.app_context(), connection():
        courage = CompanyValue.get(CompanyValue.name == "Courage")
        version = ValueVersion.get(ValueVersion.value == courage, ValueVersion.locale == "pl")
    assert version.name == "Odwaga" and version.description.startswith("Próbuje nowego")


def test_an_admin_names_a_value_in_polish_and_each_reader_sees_their_own(
    app, cohort, team, polish, admin_client, sign_in, run_jobs, inbox
):
    form = admin_client.get("/admin/recognition/").text
    assert "Name (English)" in form and "Name (Polski)" in form
    assert "What it means (Polski)" in form
    added = admin_client.post(
        "/admin/recognition/values",
        data={"name": "Candour", "description": "Says what they think.", "name_pl": "Szczerość",
              "description_pl": "Mówi, co myśli.", "token": "a" * 32},
    )  # fmt: skip
    assert added.status_code == 303
    candour = CompanyValue.get(CompanyValue.name == "Candour")
    polish_reader, other_polish = polish
    with connection():  # their notice's email goes now, whatever the hour
        Preferences.update(quiet_from=0, quiet_until=0, working_days="0123456").execute()
    # The kudos form speaks each reader's language.
    form = sign_in(polish_reader).get(f"/cohorts/{cohort.id}/kudos").text
    assert "Szczerość" in form and "Mówi, co myśli." in form and ">Candour<" not in form
    assert ">Candour<" in sign_in(team[0]).get(f"/cohorts/{cohort.id}/kudos").text
    given = sign_in(team[0]).post(
        f"/cohorts/{cohort.id}/kudos",
        data={"receiver": polish_reader.id, "value": candour.id, "message": "", "token": "b" * 32},
    )
    assert given.status_code == 303
    # The feed, the receiver's profile, their notice and its email: Polish for Polish readers.
    assert "<strong>Szczerość</strong>" in sign_in(other_polish).get(f"/cohorts/{cohort.id}").text
    assert "<strong>Candour</strong>" in sign_in(team[2]).get(f"/cohorts/{cohort.id}").text
    profile = f"/cohorts/{cohort.id}/people/{polish_reader.id}"
    assert "<strong>Szczerość</strong>" in sign_in(other_polish).get(profile).text
    assert "<strong>Candour</strong>" in sign_in(team[2]).get(profile).text
    notice = Notification.get(Notification.person == polish_reader)
    assert "Szczerość" in notice.text and "Candour" not in notice.text
    run_jobs()
    [mail] = [m for m in inbox.to(polish_reader.email) if m["Subject"] == notice.text]
    assert "Szczerość" in inbox.text(mail)
    # The receiver's digest names it in Polish too.
    digest = sign_in(polish_reader).get("/digest").text
    assert "Szczerość" in digest and "Candour" not in digest


def test_a_value_left_without_a_polish_name_reads_in_the_companys_language(
    app, cohort, polish, admin_client, sign_in
):
    admin_client.post(
        "/admin/recognition/values",
        data={"name": "Candour", "description": "Says what they think.", "token": "a" * 32},
    )
    form = sign_in(polish[0]).get(f"/cohorts/{cohort.id}/kudos").text
    assert ">Candour<" in form and "Says what they think." in form


def test_a_polish_name_too_long_is_explained_beside_it_and_nothing_typed_is_lost(admin_client):
    response = admin_client.post(
        "/admin/recognition/values",
        data={"name": "Candour", "name_pl": "S" * 41, "description_pl": "Mówi, co myśli.",
              "token": "a" * 32},
        headers=HTMX,
    )  # fmt: skip
    assert response.status_code == 422
    assert 'id="name_pl-error"' in response.text
    assert "Keep the name under 40 characters." in response.text
    assert "S" * 41 in response.text and "Mówi, co myśli." in response.text
    assert not CompanyValue.select().where(CompanyValue.name == "Candour").exists()


def test_a_programs_guidelines_in_polish_are_what_polish_members_read(
    app, cohort, team, polish, manager_client, sign_in
):
    page = f"/programs/{cohort.program_id}/edit"
    form = manager_client.get(page).text
    assert "Community guidelines (English)" in form and "Community guidelines (Polski)" in form
    data = {"name": "Leading with curiosity", "starts_on": "2026-12-01", "ends_on": "2027-01-31",
            "cohort_size": "6", "guidelines": "Be kind.\nBe specific.",
            "guidelines_pl": "Bądź życzliwy.\nMów konkretnie."}  # fmt: skip
    assert manager_client.post(page, data=data).status_code == 303
    assert "Bądź życzliwy." in manager_client.get(page).text  # kept for the next change
    space = sign_in(polish[0]).get(f"/cohorts/{cohort.id}").text
    assert "<li>Bądź życzliwy.</li>" in space and "Be kind." not in space
    assert "<li>Be kind.</li>" in sign_in(team[0]).get(f"/cohorts/{cohort.id}").text
    # Emptied, the Polish version is gone: Polish members read the company's own.
    assert manager_client.post(page, data={**data, "guidelines_pl": ""}).status_code == 303
    assert "<li>Be kind.</li>" in sign_in(polish[0]).get(f"/cohorts/{cohort.id}").text


def test_a_new_programs_suggested_guidelines_come_in_each_language(manager_client):
    form = manager_client.get("/programs/new").text
    assert "Be generous: share work in progress" in form
    assert "Dziel się" in form  # the Polish box starts from the Polish suggestion


def test_celebrations_speak_each_readers_language_with_the_words_the_company_chose(
    app, cohort, team, polish, admin_client, sign_in
):
    form = admin_client.get("/admin/recognition/celebrations").text
    assert ">A person's first reply (Polski)</label>" in form
    saved = admin_client.post(
        "/admin/recognition/celebrations",
        data={"first_reply_pl": "Brawo, {name}: pierwsza odpowiedź!"},
    )
    assert saved.status_code == 303
    with app.app_context(), connection():
        thread = feedback.start_thread(cohort, team[0], "question", "Q?", "B")
        feedback.reply(thread, polish[0], "A")
    name = polish[0].display_name
    polish_space = sign_in(polish[1]).get(f"/cohorts/{cohort.id}").text
    assert f"Brawo, {name}: pierwsza odpowiedź!" in polish_space
    english_space = sign_in(team[2]).get(f"/cohorts/{cohort.id}").text
    assert f"{name} wrote their first reply." in english_space
    # The built-in Polish words where the company wrote none: a first thread.
    assert f"{team[0].display_name}: pierwszy wątek." in polish_space
    notice = Notification.get(Notification.person == polish[0], Notification.kind == "milestone")
    assert notice.text == f"Brawo, {name}: pierwsza odpowiedź!"
    profile = sign_in(polish[1]).get(f"/cohorts/{cohort.id}/people/{polish[0].id}").text
    assert f"Brawo, {name}: pierwsza odpowiedź!" in profile
    assert f"Brawo, {name}: pierwsza odpowiedź!" in sign_in(polish[1]).get("/digest").text
    assert f"{name} wrote their first reply." in sign_in(team[2]).get("/digest").text
    assert Milestone.get(Milestone.kind == "first_reply").text.startswith(name)


def test_a_polish_reader_costs_the_cohort_space_no_more_queries(
    app, cohort, team, polish, sign_in, count_queries
):
    with app.app_context(), connection():
        thread = feedback.start_thread(cohort, team[0], "question", "Q?", "B")
        feedback.reply(thread, polish[0], "A")
    english, polish_client = sign_in(team[2]), sign_in(polish[1])
    space = f"/cohorts/{cohort.id}"
    english.get(space), polish_client.get(space)  # first visits write
    read_english = count_queries(lambda: english.get(space))
    read_polish = count_queries(lambda: polish_client.get(space))
    assert read_polish == read_english <= 10
