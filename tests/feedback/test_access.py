"""Every feedback route, for every kind of visitor: the table must name them all."""

import pytest

from cohorts.models import Membership
from feedback.models import Reaction, Reply, Report, Thread
from learning.people.models import Role
from tests.routes import routes
from tests.routes import urls as route_urls

OUTSIDERS = {"other cohort": 404, "hr": 404, "ld_manager": 404, "admin": 404, "anonymous": 302}
TABLE = {
    ("feedback.threads", "GET"): {**OUTSIDERS, "member": 200, "facilitator": 200},
    ("feedback.start_thread", "GET"): {**OUTSIDERS, "member": 200},
    ("feedback.start_thread", "POST"): OUTSIDERS,
    ("feedback.show", "GET"): {**OUTSIDERS, "member": 200, "facilitator": 200},
    ("feedback.reply", "POST"): OUTSIDERS,
    ("feedback.new_replies", "GET"): {**OUTSIDERS, "member": 200},
    ("feedback.react", "POST"): OUTSIDERS,
    ("feedback.accept", "POST"): {**OUTSIDERS, "member": 403},
    ("feedback.helpful", "POST"): {**OUTSIDERS, "member": 403},
    ("feedback.edit_thread", "GET"): {**OUTSIDERS, "member": 403},
    ("feedback.edit_thread", "POST"): {**OUTSIDERS, "member": 403},
    ("feedback.edit_reply", "GET"): {**OUTSIDERS, "member": 403},
    ("feedback.edit_reply", "POST"): {**OUTSIDERS, "member": 403},
    ("feedback.remove_thread", "POST"): {**OUTSIDERS, "member": 403},
    ("feedback.remove_reply", "POST"): {**OUTSIDERS, "member": 403},
    ("feedback.report", "GET"): {**OUTSIDERS, "member": 200},
    ("feedback.report", "POST"): OUTSIDERS,
    ("feedback.moderation", "GET"): {**OUTSIDERS, "member": 404, "facilitator": 200},
    ("feedback.moderate", "POST"): {**OUTSIDERS, "member": 404},
    ("feedback.restore", "POST"): {**OUTSIDERS, "member": 404},
    ("feedback.pin", "POST"): {**OUTSIDERS, "member": 404},
    ("feedback.preview", "POST"): {"anonymous": 302, "member": 200},
    ("feedback.find", "GET"): {"anonymous": 302, "member": 200, "hr": 200},
    ("polls.index", "GET"): {**OUTSIDERS, "member": 200, "facilitator": 200},
    ("polls.who_starts", "POST"): {**OUTSIDERS, "member": 403},
    ("polls.start", "GET"): {**OUTSIDERS, "member": 200},
    ("polls.start", "POST"): OUTSIDERS,
    ("polls.show", "GET"): {**OUTSIDERS, "member": 200, "facilitator": 200},
    ("polls.results", "GET"): {**OUTSIDERS, "member": 200},
    ("polls.vote", "POST"): OUTSIDERS,
    ("polls.close", "POST"): {**OUTSIDERS, "member": 403},
    ("polls.stop", "POST"): {**OUTSIDERS, "member": 403},
}


@pytest.fixture
def world(app, cohort, team, sign_in, make_person, form_cohorts, manager):
    from feedback import moderation, services
    from feedback.polls import services as polls
    from learning.db import connection

    facilitator = Membership.get(
        Membership.cohort == cohort, Membership.role == "facilitator"
    ).person
    author, member = [p for p in team if p.id != facilitator.id][:2]
    outsiders = [make_person(time_zone="Asia/Tokyo") for _ in range(5)]
    form_cohorts(outsiders)
    with app.app_context(), connection():
        thread = services.start_thread(cohort, author, "share_work", "Deck", "Look")
        item = services.reply(thread, author, worked="Self review")
        moderation.report(member, thread, "test")
        poll = polls.start_poll(cohort, author, "Which day?", ["Monday", "Friday"])
    clients = {
        "anonymous": app.test_client(),
        "member": sign_in(member),
        "facilitator": sign_in(facilitator),
        "other cohort": sign_in(outsiders[0]),
        "hr": sign_in(make_person(roles=(Role.MEMBER, Role.HR))),
        "ld_manager": sign_in(manager),
        "admin": sign_in(make_person(roles=(Role.MEMBER, Role.ADMIN))),
    }
    ids = {"cohort_id": cohort.id, "thread_id": thread.id, "reply_id": item.id,
           "report_id": Report.get().id, "action": "hide", "poll_id": poll.id}  # fmt: skip
    return clients, ids, thread


def test_the_table_names_every_feedback_route(app):
    assert routes(app, "feedback") | routes(app, "polls") == set(TABLE)


def test_every_feedback_route_answers_every_visitor_as_the_table_says(app, world):
    clients, ids, thread = world
    urls = route_urls(app, {endpoint for endpoint, _ in TABLE}, ids)
    data = {"kind": "thanks", "body": "x", "title": "x", "reason": "x", "parent_id": "0"}
    for (endpoint, method), answers in TABLE.items():
        for who, status in answers.items():
            client = clients[who]
            url = urls[endpoint]
            response = client.get(url) if method == "GET" else client.post(url, data=data)
            assert response.status_code == status, (endpoint, method, who)
    assert Reply.select().count() == 1 and Reaction.select().count() == 0
    assert Thread.get_by_id(thread.id).hidden_at is None and not Thread.get_by_id(thread.id).pinned
