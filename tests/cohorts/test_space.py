"""The cohort space: who may see it, what it shows, its feed, and membership changes."""

import pytest

from cohorts import access, queries
from cohorts import services as cohorts
from cohorts.models import Membership, MembershipRequest
from learning import ledger
from learning.db import atomic, connection
from learning.ledger import Activity
from learning.people.models import Role

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.fixture
def people(app, make_person, sign_in, cohort, team, form_cohorts, manager):
    """Clients for each kind of visitor of `cohort`."""
    facilitator = Membership.get(
        Membership.cohort == cohort, Membership.role == "facilitator"
    ).person
    member = next(p for p in team if p.id != facilitator.id)
    outsiders = [make_person(time_zone="Asia/Tokyo") for _ in range(5)]
    [other] = [c for c in form_cohorts(outsiders) if c.id != cohort.id]
    return {
        "anonymous": app.test_client(),
        "member": sign_in(member),
        "facilitator": sign_in(facilitator),
        "other cohort": sign_in(outsiders[0]),
        "ld_manager": sign_in(manager),
        "hr": sign_in(make_person(roles=(Role.MEMBER, Role.HR))),
        "admin": sign_in(make_person(roles=(Role.MEMBER, Role.ADMIN))),
        "_member": member,
        "_other": other,
    }


def test_the_space_shows_members_facilitator_guidelines_and_the_feed(people, cohort, team):
    page = people["member"].get(f"/cohorts/{cohort.id}").text
    assert "<h1>" + cohort.name + "</h1>" in page
    assert "Leading with curiosity" in page and "Be specific." in page
    assert page.count("local time") == 6 and "Facilitator" in page
    assert page.count("joined the cohort") == 6
    assert 'hx-trigger="every 10s, feed-changed from:body' in page


def test_new_activity_arrives_through_the_poll_and_nothing_new_answers_204(
    app, people, cohort, team
):
    client = people["member"]
    newest = Activity.select().order_by(Activity.id.desc()).first().id
    assert client.get(f"/cohorts/{cohort.id}/feed?after={newest}", headers=HTMX).status_code == 204
    with app.app_context(), connection():
        ledger.record(team[3], "left", cohort_id=cohort.id)
    fresh = client.get(f"/cohorts/{cohort.id}/feed?after={newest}", headers=HTMX)
    assert fresh.status_code == 200 and "left the cohort" in fresh.text
    assert 'hx-swap-oob="true"' in fresh.text and f"after={newest + 1}" in fresh.text


def _flood(app, cohort, actor, count):
    with app.app_context(), connection(), atomic():
        for _ in range(count):
            ledger.record(actor, "joined", cohort_id=cohort.id)


def test_show_more_pages_back_through_the_feed(app, people, cohort, team):
    _flood(app, cohort, team[0], 30)
    page = people["member"].get(f"/cohorts/{cohort.id}").text
    assert page.count('class="feed-item"') == 20 and "Show more" in page
    oldest_shown = (
        Activity.select()
        .where(Activity.cohort_id == cohort.id)
        .order_by(Activity.id.desc())
        .offset(19)
        .first()
        .id
    )
    more = people["member"].get(f"/cohorts/{cohort.id}/feed?before={oldest_shown}", headers=HTMX)
    assert more.text.count('class="feed-item"') == 16 and "Show more" not in more.text
    full = people["member"].get(f"/cohorts/{cohort.id}/feed?before={oldest_shown}")
    assert "<h1>Earlier activity in" in full.text


def test_the_space_does_a_constant_number_of_queries(
    app, people, cohort, make_person, count_queries, manager
):
    client = people["member"]
    small = count_queries(lambda: client.get(f"/cohorts/{cohort.id}"))
    with app.app_context(), connection():
        for _ in range(6):
            cohorts.add_member(manager, cohort, make_person(), notify=False)
    _flood(app, cohort, people["_member"], 10_000)
    assert count_queries(lambda: client.get(f"/cohorts/{cohort.id}")) == small


def test_home_lists_my_cohorts_with_what_is_new_since_my_last_visit(app, people, cohort, team):
    client = people["member"]
    client.get(f"/cohorts/{cohort.id}")
    assert "Nothing new since your last visit" in client.get("/").text
    with app.app_context(), connection():
        ledger.record(team[4], "left", cohort_id=cohort.id)
        ledger.record(team[5], "left", cohort_id=cohort.id)
    home = client.get("/").text
    assert cohort.name in home and "2 new since your last visit" in home
    # A busy cohort: counted up to a hundred, not through its whole ledger.
    _flood(app, cohort, team[4], 120)
    assert "More than 99 new since your last visit" in client.get("/").text
    client.get(f"/cohorts/{cohort.id}")
    assert "Nothing new since your last visit" in client.get("/").text


def test_home_does_a_constant_number_of_queries(app, people, cohort, team, count_queries):
    client = people["member"]
    few = count_queries(lambda: client.get("/"))
    _flood(app, cohort, team[1], 50)
    assert count_queries(lambda: client.get("/")) == few


def test_leaving_asks_for_confirmation_then_is_recorded(people, cohort):
    client, member = people["member"], people["_member"]
    confirm = client.get(f"/cohorts/{cohort.id}/leave")
    assert "Leave " + cohort.name + "?" in confirm.text
    assert Membership.select().where(Membership.person == member).count() == 1
    assert client.post(f"/cohorts/{cohort.id}/leave").status_code == 303
    assert (
        not Membership.select()
        .where(Membership.person == member, Membership.cohort == cohort)
        .exists()
    )
    assert Activity.select().where(Activity.actor == member, Activity.kind == "left").exists()
    assert client.get(f"/cohorts/{cohort.id}").status_code == 404


def test_a_move_request_reaches_the_facilitator_who_moves_the_member(people, cohort):
    member, other = people["_member"], people["_other"]
    empty = people["member"].post(f"/cohorts/{cohort.id}/move-request", data={"reason": ""})
    assert empty.status_code == 422 and "Tell the facilitator why" in empty.text
    people["member"].post(f"/cohorts/{cohort.id}/move-request", data={"reason": "I work nights"})
    space = people["facilitator"].get(f"/cohorts/{cohort.id}").text
    assert "I work nights" in space
    ask = MembershipRequest.get(MembershipRequest.person == member)
    assert "I work nights" in people["ld_manager"].get(f"/programs/{cohort.program_id}").text
    response = people["facilitator"].post(
        f"/cohorts/{cohort.id}/requests/{ask.id}/move", data={"target_id": other.id}
    )
    assert response.status_code == 303
    assert Membership.get(Membership.person == member).cohort_id == other.id
    assert MembershipRequest.get_by_id(ask.id).status == "moved"


def test_ld_can_remove_a_member(people, cohort):
    member = people["_member"]
    response = people["ld_manager"].post(f"/cohorts/{cohort.id}/members/{member.id}/remove")
    assert response.status_code == 303
    assert (
        not Membership.select()
        .where(Membership.person == member, Membership.cohort == cohort)
        .exists()
    )


def test_a_request_reads_the_members_once_until_it_changes_a_membership(
    app, cohort, team, count_queries
):
    """Access, facilitation and the form after a post all ask for the members: one query,
    kept for the rest of the request (a POST too) until the request writes a membership."""
    with app.test_request_context(method="POST"), connection():
        first = queries.members(cohort)
        again = count_queries(lambda: [access.membership_of(p, cohort) for p in team])
        assert again == 0 and len(first) == len(team)
        leaver = next(m for m in first if m.role == "member")
        cohorts.leave(leaver.person, cohort)
        after = queries.members(cohort)
        assert leaver.person_id not in [m.person_id for m in after]
        assert access.membership_of(leaver.person, cohort) is None
