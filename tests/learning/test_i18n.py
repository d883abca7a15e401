"""Each person reads the product in their own language and time: their choice, else their
browser's, else the company's default; emails in the language of whom they are for; times
in the reader's zone, also across a change of daylight saving."""

import datetime as dt
import re

import pytest

from cohorts import services as cohorts
from feedback import services as feedback
from feedback.models import Reply
from learning.db import connection
from learning.people.models import Person, Role


def lang(page):
    return re.search(r'<html lang="([^"]+)">', page).group(1)


@pytest.mark.parametrize(
    ("accept", "default", "expected"),
    [
        ("pl-PL,pl;q=0.9,en;q=0.8", "en", "pl"),
        ("de-DE,de;q=0.9", "en", "en"),  # a language the product does not speak
        ("de-DE,de;q=0.9", "pl", "pl"),  # then the company's default
        ("en-GB,en;q=0.9", "pl", "en"),
        ("", "pl", "pl"),
    ],
)
def test_before_signing_in_the_browsers_language_else_the_companys(app, accept, default, expected):
    app.config["BABEL_DEFAULT_LOCALE"] = default
    page = app.test_client().get("/sign-in", headers={"Accept-Language": accept} if accept else {})
    assert lang(page.text) == expected


def test_a_persons_own_choice_wins_and_an_unknown_one_falls_back(app, make_person, sign_in):
    chose = make_person(locale="pl")
    unknown = make_person(locale="xx-YY")
    english = {"Accept-Language": "en"}
    assert lang(sign_in(chose).get("/account", headers=english).text) == "pl"
    assert lang(sign_in(unknown).get("/account", headers=english).text) == "en"
    assert lang(sign_in(unknown).get("/account", headers={"Accept-Language": "pl"}).text) == "pl"


def test_choosing_a_language_and_a_time_zone_on_the_account_page(app, make_person, sign_in):
    person = make_person()
    client = sign_in(person)
    choice = {"language": "pl", "time_zone": "Europe/Warsaw"}
    response = client.post("/account/language-and-time", data=choice)
    assert response.status_code == 303
    page = client.get("/account", headers={"Accept-Language": "en"}).text
    assert lang(page) == "pl" and "Zapisano. Twoja strefa czasowa to Europe/Warsaw." in page
    assert '<option selected value="pl">Polski</option>' in page
    bad = client.post("/account/language-and-time", data={"language": "xx", "time_zone": "UTC"})
    assert bad.status_code == 422
    assert 'value="xx"' not in bad.text
    with app.app_context(), connection():
        saved = Person.get_by_id(person.id)
    assert (saved.locale, saved.time_zone) == ("pl", "Europe/Warsaw")
    # Back to the browser's language.
    client.post("/account/language-and-time", data={"language": "", "time_zone": "UTC"})
    assert lang(client.get("/account", headers={"Accept-Language": "en"}).text) == "en"


def test_one_event_emails_each_person_in_their_own_language(
    app, cohort, manager, make_person, run_jobs, inbox
):
    polish = make_person("ola@example.com", "Ola Nowak", locale="pl")
    english = make_person("sam@example.com", "Sam Reed", locale="en")
    with app.test_request_context(headers={"Accept-Language": "en"}), connection():
        for person in (polish, english):
            cohorts.add_member(manager, cohort, person)
    run_jobs()
    [ola] = inbox.to(polish.email)
    [sam] = inbox.to(english.email)
    assert ola["Subject"] == f"Dołączono Cię do grupy {cohort.name}"
    assert "Cześć Ola," in inbox.text(ola) and "Poznaj swoją grupę" in inbox.text(ola)
    assert sam["Subject"] == f"You have joined {cohort.name}"
    assert "Hello Sam," in inbox.text(sam) and "Meet your cohort" in inbox.text(sam)


@pytest.mark.parametrize(
    ("moment", "warsaw", "new_york"),
    [
        # New York is on summer time from 8 March, Warsaw from 29 March 2026.
        ("2026-03-20 12:00", "20 mar, 13:00", "20 Mar, 08:00"),
        ("2026-03-30 12:00", "30 mar, 14:00", "30 Mar, 08:00"),
    ],
)
def test_the_same_reply_at_the_time_of_each_reader(
    app, cohort, team, make_person, sign_in, moment, warsaw, new_york
):
    with app.app_context(), connection():
        thread = feedback.start_thread(cohort, team[0], "question", "When?", "Now")
        reply = feedback.reply(thread, team[1], body="Then")
        Reply.update(created_at=dt.datetime.fromisoformat(moment)).where(
            Reply.id == reply.id
        ).execute()
        Person.update(time_zone="Europe/Warsaw", locale="pl").where(
            Person.id == team[2].id
        ).execute()
        Person.update(time_zone="America/New_York", locale="en").where(
            Person.id == team[3].id
        ).execute()
    shown = {}
    for who in (team[2], team[3]):
        page = sign_in(who).get(f"/threads/{thread.id}").text
        shown[who.id] = re.search(
            rf'id="reply-{reply.id}-by".*?<time datetime="{moment.replace(" ", "T")}:00Z"'
            r' title="[^"]*">([^<]*)</time>',
            page,
            re.S,
        ).group(1)
    assert shown == {team[2].id: warsaw, team[3].id: new_york}


def test_what_is_wrong_with_an_address_is_said_in_the_readers_language(app, make_person, sign_in):
    """email_validator explains in English only; its reasons reach a Polish admin in Polish."""
    admin = make_person("ada@example.com", "Ada", (Role.MEMBER, Role.ADMIN), locale="pl")
    page = sign_in(admin).post("/people/invite", data={"people": "nope\nkim@\n"})
    assert "Brakuje znaku @." in page.text and "Po znaku @ nic nie ma." in page.text
    assert "@-sign" not in page.text


def test_a_company_sign_in_left_unnamed_is_named_in_the_readers_language(app):
    app.config.update(OIDC_ISSUER="https://id.example.com")
    page = app.test_client().get("/sign-in", headers={"Accept-Language": "pl"}).text
    assert "Zaloguj się przez konto firmowe" in page
