"""Every program and cohort route, for every kind of visitor: the table must name them all."""

import datetime

import pytest

from cohorts import services as cohorts
from cohorts.meetings.models import Meeting
from cohorts.models import Membership, MembershipRequest, PeopleImport
from learning.db import connection
from learning.people.models import Role
from tests.routes import routes
from tests.routes import urls as route_urls

VISITORS = ["anonymous", "member", "facilitator", "other cohort", "hr", "ld_manager", "admin"]
NOT_LD = {"member": 403, "facilitator": 403, "other cohort": 403, "hr": 403, "anonymous": 302}
HIDDEN = {"other cohort": 404, "hr": 404, "anonymous": 302}
SEES = {**HIDDEN, "member": 200, "facilitator": 200, "ld_manager": 200, "admin": 200}
OWN = {**HIDDEN, "member": 200, "facilitator": 200, "ld_manager": 404, "admin": 404}
# (endpoint, method) -> the answers that must hold; the behaviour of allowed visitors is
# tested with each feature. GETs list every visitor.
TABLE = {
    ("programs.index", "GET"): {**NOT_LD, "ld_manager": 200, "admin": 200},
    ("programs.new", "GET"): {**NOT_LD, "ld_manager": 200, "admin": 200},
    ("programs.new", "POST"): NOT_LD,
    ("programs.show", "GET"): {**NOT_LD, "ld_manager": 200, "admin": 200},
    ("programs.edit", "GET"): {**NOT_LD, "ld_manager": 200, "admin": 200},
    ("programs.edit", "POST"): NOT_LD,
    ("programs.upload", "GET"): {**NOT_LD, "ld_manager": 200, "admin": 200},
    ("programs.upload", "POST"): NOT_LD,
    ("programs.import_status", "GET"): {**NOT_LD, "ld_manager": 200, "admin": 200},
    ("programs.start_import", "POST"): NOT_LD,
    ("programs.builder", "GET"): {**NOT_LD, "ld_manager": 200, "admin": 200},
    ("programs.builder", "POST"): NOT_LD,
    ("programs.move_draft_member", "POST"): NOT_LD,
    ("programs.rename", "POST"): NOT_LD,
    ("programs.lock", "POST"): NOT_LD,
    ("programs.facilitator", "POST"): NOT_LD,
    ("programs.publish", "POST"): NOT_LD,
    ("programs.late_joiner", "GET"): {**NOT_LD, "ld_manager": 200, "admin": 200},
    ("programs.late_joiner", "POST"): NOT_LD,
    ("programs.analytics", "GET"): {**NOT_LD, "ld_manager": 200, "admin": 200},
    ("cohorts.show", "GET"): SEES,
    ("cohorts.feed", "GET"): SEES,
    ("cohorts.leave", "GET"): OWN,
    ("cohorts.leave", "POST"): {**HIDDEN, "ld_manager": 404, "admin": 404},
    ("cohorts.move_request", "GET"): OWN,
    ("cohorts.move_request", "POST"): {**HIDDEN, "ld_manager": 404, "admin": 404},
    ("cohorts.move_member", "POST"): {**HIDDEN, "member": 404},
    ("cohorts.decline", "POST"): {**HIDDEN, "member": 404},
    ("cohorts.remove", "POST"): {**HIDDEN, "member": 403, "facilitator": 403},
    ("cohorts.kudos", "GET"): OWN,
    ("cohorts.kudos", "POST"): {**HIDDEN, "ld_manager": 404, "admin": 404},
    ("cohorts.person", "GET"): SEES,
    ("cohorts.cheer", "POST"): {**HIDDEN, "ld_manager": 404, "admin": 404},
    # Its own facilitator and L&D only: members do not learn it exists.
    ("cohorts.health", "GET"): {**HIDDEN, "member": 404, "facilitator": 200, "ld_manager": 200,
                                "admin": 200},
    ("cohorts.channels", "GET"): {**HIDDEN, "member": 404, "facilitator": 200,
                                  "ld_manager": 200, "admin": 200},
    ("cohorts.channels", "POST"): {**HIDDEN, "member": 404},
    # Sessions: every member sees them; the facilitator and L&D schedule them.
    ("meetings.index", "GET"): SEES,
    ("meetings.index", "POST"): {**HIDDEN, "member": 404, "facilitator": 422},
    ("meetings.download", "GET"): SEES,
    ("meetings.edit", "GET"): {**HIDDEN, "member": 404, "facilitator": 200, "ld_manager": 200,
                               "admin": 200},
    ("meetings.edit", "POST"): {**HIDDEN, "member": 404, "facilitator": 422},
    ("meetings.cancel", "POST"): {**HIDDEN, "member": 404},
}  # fmt: skip


@pytest.fixture
def visitors(app, make_person, sign_in, cohort, team, form_cohorts, manager, program):
    facilitator = Membership.get(
        Membership.cohort == cohort, Membership.role == "facilitator"
    ).person
    member = next(p for p in team if p.id != facilitator.id)
    outsiders = [make_person(time_zone="Asia/Tokyo") for _ in range(5)]
    form_cohorts(outsiders)
    with app.app_context(), connection():
        ask = cohorts.ask_to_move(member, cohort, "Nights")
    upload = PeopleImport.create(program=program, uploaded_by=manager)
    meeting = Meeting.create(cohort=cohort, title="Call", starts_at=datetime.datetime(2030, 1, 1))
    clients = {
        "anonymous": app.test_client(),
        "member": sign_in(member),
        "facilitator": sign_in(facilitator),
        "other cohort": sign_in(outsiders[0]),
        "hr": sign_in(make_person(roles=(Role.MEMBER, Role.HR))),
        "ld_manager": sign_in(manager),
        "admin": sign_in(make_person(roles=(Role.MEMBER, Role.ADMIN))),
    }
    ids = {
        "program_id": program.id, "cohort_id": cohort.id, "import_id": upload.id,
        "request_id": ask.id, "person_id": member.id, "milestone_id": 1,
        "meeting_id": meeting.id,
    }  # fmt: skip
    return clients, ids, member, ask


def test_the_table_names_every_program_and_cohort_route(app):
    assert routes(app, "programs", "cohorts", "meetings") == set(TABLE)


def test_every_route_answers_every_visitor_as_the_table_says(app, visitors):
    clients, ids, member, ask = visitors
    urls = route_urls(app, {endpoint for endpoint, _ in TABLE}, ids)
    for (endpoint, method), answers in TABLE.items():
        for who, status in answers.items():
            client = clients[who]
            response = (
                client.get(urls[endpoint]) if method == "GET" else client.post(urls[endpoint])
            )
            assert response.status_code == status, (endpoint, method, who)
    # None of the refused actions changed anything.
    assert Membership.select().where(Membership.person == member).count() == 1
    assert MembershipRequest.get_by_id(ask.id).status == "open"
    assert Meeting.get().cancelled_at is None
