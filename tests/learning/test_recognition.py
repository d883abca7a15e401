"""Kudos between cohort peers and milestones the platform celebrates: given once, shown in
the feed and on profiles, told to the people they are about, never to the wrong people."""

import datetime as dt

import pytest

from cohorts import kudos as cohort_kudos
from cohorts.tasks import celebrate_dates
from feedback import services as feedback
from learning import ledger
from learning.db import atomic, connection, utcnow
from learning.ledger import Activity
from learning.notify.models import Notification
from learning.people.models import Preferences
from learning.recognition import milestones
from learning.recognition.models import Cheer, CompanyValue, Kudos, Milestone

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}
TOKEN = "0123456789abcdef0123456789abcdef"


def value_id(name="Curiosity"):
    return CompanyValue.get(CompanyValue.name == name).id


@pytest.fixture
def shared_work(app, cohort, team):
    """team[0] shares work; team[1] gives feedback on it."""
    with app.app_context(), connection():
        thread = feedback.start_thread(cohort, team[0], "share_work", "My deck", "Thoughts?")
        given = feedback.reply(thread, team[1], worked="Clear story", try_next="Shorter intro")
    return thread, given


# Kudos


def test_a_member_thanks_a_peer_for_their_feedback_and_everyone_in_the_cohort_sees_it(
    app, cohort, team, sign_in, shared_work
):
    thread, given = shared_work
    giver, receiver = sign_in(team[0]), team[1]
    form = giver.get(f"/cohorts/{cohort.id}/kudos?to={receiver.id}&about=reply:{given.id}")
    assert form.status_code == 200 and "For their reply" in form.text
    response = giver.post(
        f"/cohorts/{cohort.id}/kudos",
        data={"receiver": receiver.id, "value": value_id(), "message": "Made my deck better",
              "about": f"reply:{given.id}", "token": TOKEN},
    )  # fmt: skip
    assert response.status_code == 303
    kudos = Kudos.get()
    assert kudos.link == f"/threads/{thread.id}?start={given.id}#reply-{given.id}"
    space = sign_in(team[3]).get(f"/cohorts/{cohort.id}").text
    assert (
        f'gave <a href="/cohorts/{cohort.id}/people/{receiver.id}">{receiver.display_name}</a>'
        in space
    )
    assert "kudos for <strong>Curiosity</strong>: “Made my deck better”" in space
    profile = sign_in(team[3]).get(f"/cohorts/{cohort.id}/people/{receiver.id}").text
    assert "“Made my deck better”" in profile and team[0].display_name in profile
    notice = Notification.get(Notification.person == receiver, Notification.kind == "kudos")
    assert notice.link == kudos.link and notice.place == cohort.name
    assert Activity.get(Activity.kind == "kudos_given").target_id == receiver.id


def test_the_same_kudos_sent_twice_is_recorded_once(app, cohort, team, sign_in):
    client = sign_in(team[0])
    data = {"receiver": team[1].id, "value": value_id(), "message": "", "token": TOKEN}
    assert client.post(f"/cohorts/{cohort.id}/kudos", data=data).status_code == 303
    assert client.post(f"/cohorts/{cohort.id}/kudos", data=data).status_code == 303
    assert Kudos.select().count() == 1
    assert Notification.select().where(Notification.kind == "kudos").count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"receiver": "self"}, "Kudos are for someone else"),
        ({"receiver": "outsider"}, "Choose someone in this cohort."),
        ({"receiver": "0"}, "Choose who you want to thank."),
        ({"value": ""}, "Choose one of the company&#39;s values."),
        ({"value": "archived"}, "Choose one of the company&#39;s values."),
        ({"message": "x" * 281}, "Keep it under 280 characters."),
        ({"about": "reply:999999"}, "That contribution is not theirs, or it is gone."),
        ({"about": "thread:1"}, "That contribution cannot be thanked for."),
    ],
)
def test_bad_kudos_are_refused_next_to_the_field_keeping_what_was_typed(
    app, cohort, team, sign_in, make_person, form_cohorts, change, message
):
    outsider = make_person()
    form_cohorts([outsider] + [make_person() for _ in range(4)])
    with app.app_context(), connection():
        CompanyValue.update(archived_at=utcnow()).where(CompanyValue.name == "Courage").execute()
    data = {"receiver": team[1].id, "value": value_id(), "message": "Thank you kindly",
            "token": TOKEN, **change}  # fmt: skip
    data["receiver"] = {"self": team[0].id, "outsider": outsider.id}.get(
        data["receiver"], data["receiver"]
    )
    if data["value"] == "archived":
        data["value"] = value_id("Courage")
    response = sign_in(team[0]).post(f"/cohorts/{cohort.id}/kudos", data=data, headers=HTMX)
    assert response.status_code == 422
    assert message in response.text
    assert (data["message"] if len(data["message"]) < 100 else "x" * 281) in response.text
    assert Kudos.select().count() == 0


def test_kudos_for_someone_elses_contribution_is_refused(app, cohort, team, sign_in, shared_work):
    _, given = shared_work  # by team[1]
    response = sign_in(team[0]).post(
        f"/cohorts/{cohort.id}/kudos",
        data={"receiver": team[2].id, "value": value_id(), "about": f"reply:{given.id}",
              "token": TOKEN},
    )  # fmt: skip
    assert response.status_code == 422 and "not theirs" in response.text
    assert Kudos.select().count() == 0


def test_a_reply_offers_kudos_to_its_author_but_not_to_oneself(cohort, team, sign_in, shared_work):
    thread, given = shared_work
    page = sign_in(team[0]).get(f"/threads/{thread.id}").text
    assert f"about=reply:{given.id}" in page
    assert f"about=reply:{given.id}" not in sign_in(team[1]).get(f"/threads/{thread.id}").text


# Milestones


def test_a_first_reply_is_celebrated_once_in_the_feed_and_told_to_its_author(
    app, cohort, team, sign_in
):
    with app.app_context(), connection():
        thread = feedback.start_thread(cohort, team[0], "question", "Q?", "B")
        first = feedback.reply(thread, team[1], "An answer")
        feedback.reply(thread, team[1], "Another")
    [milestone] = Milestone.select().where(Milestone.kind == "first_reply")
    assert milestone.text == (
        f"{team[1].display_name} wrote their first reply. "
        "Every good conversation needs a second voice."
    )
    assert milestone.link == f"/threads/{thread.id}?start={first.id}#reply-{first.id}"
    notices = Notification.select().where(Notification.kind == "milestone",
                                          Notification.person == team[1])  # fmt: skip
    assert [n.text for n in notices] == [milestone.text]
    assert milestone.text in sign_in(team[4]).get(f"/cohorts/{cohort.id}").text


def test_five_pieces_of_feedback_marked_helpful_are_celebrated_once(app, cohort, team):
    with app.app_context(), connection():
        for n in range(6):
            thread = feedback.start_thread(cohort, team[0], "share_work", f"Work {n}", "B")
            given = feedback.reply(thread, team[1], worked="Good")
            feedback.mark_helpful(team[0], given)
            reached = Milestone.select().where(Milestone.kind == "helpful_5").count()
            assert reached == (1 if n >= 4 else 0)
    assert Milestone.get(Milestone.kind == "helpful_5").person_id == team[1].id


def test_a_person_who_opts_out_is_celebrated_privately(app, cohort, team, sign_in):
    with app.app_context(), connection():
        Preferences.update(celebrate_me=False).where(Preferences.person == team[0]).execute()
        feedback.start_thread(cohort, team[0], "question", "Q?", "B")
    milestone = Milestone.get(Milestone.kind == "first_thread")
    assert not milestone.public
    assert Activity.select().where(Activity.kind == "celebrated").count() == 0
    assert milestone.text not in sign_in(team[1]).get(f"/cohorts/{cohort.id}").text
    assert Notification.get(Notification.kind == "milestone").person_id == team[0].id


def test_cohorts_are_celebrated_a_month_in_and_halfway_through_their_program_once(
    app, cohort, team, program
):
    start = utcnow()
    today = start.date()
    with app.app_context(), connection():
        # Published now; the program runs from 10 days ago to 50 days ahead.
        program.starts_on, program.ends_on = today - dt.timedelta(10), today + dt.timedelta(50)
        program.save()
        halfway = dt.datetime.combine(today + dt.timedelta(days=20), dt.time(0, 5))
        month = start + dt.timedelta(days=30, hours=1)
        assert celebrate_dates(start) == 0
        assert celebrate_dates(halfway - dt.timedelta(hours=1)) == 0
        assert celebrate_dates(halfway) == 1
        assert celebrate_dates(halfway + dt.timedelta(hours=1)) == 0  # the next hourly run
        assert celebrate_dates(month) == 1
        assert celebrate_dates(month + dt.timedelta(days=3)) == 0
    kinds = {m.kind: m for m in Milestone.select()}
    assert set(kinds) == {"halfway", "month_together"}
    assert kinds["halfway"].text == (
        f"{cohort.name} is halfway through {program.name}. Look how far you have come together!"
    )
    told = Notification.select().where(Notification.kind == "milestone")
    assert sorted(n.person_id for n in told) == sorted([p.id for p in team] * 2)


def test_members_cheer_a_celebration_and_can_take_it_back(app, cohort, team, sign_in):
    with app.app_context(), connection():
        feedback.start_thread(cohort, team[0], "question", "Q?", "B")
    milestone = Milestone.get()
    url = f"/cohorts/{cohort.id}/celebrations/{milestone.id}/cheer"
    first, second = sign_in(team[1]), sign_in(team[2])
    assert first.post(url, data={"kind": "cheer"}, headers=HTMX).status_code == 200
    response = second.post(url, data={"kind": "cheer"}, headers=HTMX)
    assert '"true">🎉 Cheer 2</button>' in response.text.replace("\n", "")
    assert first.post(url, data={"kind": "cheer"}).status_code == 303  # again: taken back
    assert Cheer.select().count() == 1
    assert first.post(url, data={"kind": "boo"}).status_code == 400


def test_nobody_outside_the_cohort_cheers_or_sees_a_private_celebration(
    app, cohort, team, sign_in, make_person, form_cohorts
):
    outsiders = [make_person() for _ in range(5)]
    form_cohorts(outsiders)
    with app.app_context(), connection():
        Preferences.update(celebrate_me=False).where(Preferences.person == team[0]).execute()
        feedback.start_thread(cohort, team[0], "question", "Q?", "B")
    private = Milestone.get()
    url = f"/cohorts/{cohort.id}/celebrations/{private.id}/cheer"
    assert sign_in(outsiders[0]).post(url, data={"kind": "cheer"}).status_code == 404
    assert sign_in(team[1]).post(url, data={"kind": "cheer"}).status_code == 404  # private
    assert Cheer.select().count() == 0


def test_an_admin_rewords_a_celebration_and_bad_placeholders_are_explained(
    app, cohort, team, admin_client
):
    bad = admin_client.post(
        "/admin/recognition/celebrations",
        data={"first_reply": "Hooray {person}!", "first_thread": "New words for {name}"},
        headers=HTMX,
    )
    assert bad.status_code == 422
    assert "“{person}” is not a placeholder here; use {name}." in bad.text
    assert "Hooray {person}!" in bad.text and "New words for {name}" in bad.text
    with app.app_context(), connection():
        assert milestones.templates()["first_thread"]["en"][0] != "New words for {name}"
    good = admin_client.post(
        "/admin/recognition/celebrations", data={"first_reply": "Hooray for {name}!"}
    )
    assert good.status_code == 303
    with app.app_context(), connection():
        thread = feedback.start_thread(cohort, team[0], "question", "Q?", "B")
        feedback.reply(thread, team[1], "A")
    assert Milestone.get(Milestone.kind == "first_reply").text == (
        f"Hooray for {team[1].display_name}!"
    )
    # Emptied, the built-in words come back.
    admin_client.post("/admin/recognition/celebrations", data={"first_reply": ""})
    with app.app_context(), connection():
        assert milestones.templates()["first_reply"]["en"][0].startswith("{name} wrote their")


def test_admins_manage_the_values_and_names_stay_unique(admin_client, member_client):
    assert (
        admin_client.post("/admin/recognition/values", data={"name": "Candour"}).status_code == 303
    )
    clash = admin_client.post("/admin/recognition/values", data={"name": "candour"}, headers=HTMX)
    assert clash.status_code == 422 and "already a value called" in clash.text
    candour = CompanyValue.get(CompanyValue.name == "Candour")
    renamed = admin_client.post(
        f"/admin/recognition/values/{candour.id}",
        data={"name": "Candor", "description": "Says it kindly"},
    )
    assert renamed.status_code == 303
    admin_client.post(f"/admin/recognition/values/{candour.id}/archive", data={"archived": "1"})
    assert CompanyValue.get_by_id(candour.id).archived_at is not None
    assert "Candor" in admin_client.get("/admin/recognition/").text
    assert member_client.get("/admin/recognition/").status_code == 403
    assert member_client.post("/admin/recognition/values", data={"name": "X"}).status_code == 403


@pytest.mark.parametrize("kind", ["replied", "feedback_given", "thread_started"])
def test_milestone_rules_fire_exactly_once_under_concurrent_events(cohort, team, kind, at_once):
    """Eight writers record the same person's first contribution at the same moment."""

    def write(_):
        with atomic():
            ledger.record(team[2], kind, cohort_id=cohort.id)

    assert at_once(write, range(8)) == []
    assert Activity.select().where(Activity.kind == kind).count() == 8
    assert Milestone.select().count() == 1
    assert Activity.select().where(Activity.kind == "celebrated").count() == 1
    assert Notification.select().where(Notification.kind == "milestone").count() == 1


def test_the_cohort_space_does_a_constant_number_of_queries_with_kudos_and_celebrations(
    app, cohort, team, sign_in, count_queries
):
    client = sign_in(team[0])

    def thank(n):
        with app.app_context(), connection():
            for i in range(n):
                giver, receiver = team[i % 6], team[(i + 1) % 6]
                cohort_kudos.give_kudos(giver, cohort, receiver.id, value_id(), f"Thanks {i}",
                                   f"{i:032x}")  # fmt: skip
                thread = feedback.start_thread(cohort, giver, "question", f"Q{i}", "B")
                feedback.reply(thread, receiver, "A")

    thank(2)
    few = count_queries(lambda: client.get(f"/cohorts/{cohort.id}"))
    thank(8)
    assert count_queries(lambda: client.get(f"/cohorts/{cohort.id}")) == few
