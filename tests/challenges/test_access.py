"""Every challenge route, for every kind of visitor: the table must name them all."""

import pytest

from challenges.models import Challenge, CheckIn, HiddenBoard
from learning.people.models import Role
from tests.routes import routes
from tests.routes import urls as route_urls

OUTSIDERS = {"other cohort": 404, "hr": 404, "anonymous": 302}
MANAGERS = {"ld_manager": 200, "admin": 200}
NOT_MEMBERS = {"ld_manager": 404, "admin": 404}
TABLE = {
    ("challenges.program", "GET"): {
        **MANAGERS, "member": 403, "facilitator": 403, "hr": 403, "anonymous": 302,
    },
    ("challenges.new_for_program", "GET"): {**MANAGERS, "member": 403, "anonymous": 302},
    ("challenges.new_for_program", "POST"): {
        "ld_manager": 422, "member": 403, "facilitator": 403, "hr": 403, "anonymous": 302,
    },
    ("challenges.new_for_cohort", "GET"): {
        **OUTSIDERS, **MANAGERS, "member": 404, "facilitator": 200,
    },
    ("challenges.new_for_cohort", "POST"): {
        **OUTSIDERS, "ld_manager": 422, "member": 404, "facilitator": 422,
    },
    ("challenges.edit", "GET"): {**OUTSIDERS, **MANAGERS, "member": 404, "facilitator": 404},
    ("challenges.edit", "POST"): {
        **OUTSIDERS, "ld_manager": 422, "admin": 422, "member": 404, "facilitator": 404,
    },
    ("challenges.show", "GET"): {**OUTSIDERS, **MANAGERS, "member": 200, "facilitator": 200},
    ("challenges.progress_bar", "GET"): {**OUTSIDERS, **MANAGERS, "member": 200},
    ("challenges.check_in", "POST"): {**OUTSIDERS, **NOT_MEMBERS},
    ("challenges.edit_check_in", "GET"): {
        **OUTSIDERS, **NOT_MEMBERS, "member": 404, "author": 200,
    },
    ("challenges.edit_check_in", "POST"): {**OUTSIDERS, **NOT_MEMBERS, "member": 404},
    ("challenges.delete_check_in", "POST"): {**OUTSIDERS, **NOT_MEMBERS, "member": 404},
    ("challenges.mine", "GET"): {"anonymous": 302, "member": 200, "hr": 200},
    ("challenges.away", "POST"): {"anonymous": 302},
    ("challenges.numbers", "POST"): {"anonymous": 302},
    ("challenges.board", "GET"): {**OUTSIDERS, **MANAGERS, "member": 200, "facilitator": 200},
    ("challenges.hide_board", "POST"): {**OUTSIDERS, "member": 404},
}  # fmt: skip


@pytest.fixture
def world(app, cohort, team, sign_in, make_person, form_cohorts, manager, facilitator,
          set_challenge, check_in):  # fmt: skip
    author, member = [p for p in team if p.id != facilitator.id][:2]
    outsiders = [make_person() for _ in range(5)]
    form_cohorts(outsiders)
    challenge = set_challenge(target=100)
    entry = check_in(author, challenge, cohort)
    clients = {
        "anonymous": app.test_client(),
        "member": sign_in(member),
        "author": sign_in(author),
        "facilitator": sign_in(facilitator),
        "other cohort": sign_in(outsiders[0]),
        "hr": sign_in(make_person(roles=(Role.MEMBER, Role.HR))),
        "ld_manager": sign_in(manager),
        "admin": sign_in(make_person(roles=(Role.MEMBER, Role.ADMIN))),
    }
    ids = {"cohort_id": cohort.id, "challenge_id": challenge.id, "check_in_id": entry.id,
           "program_id": cohort.program_id}  # fmt: skip
    return clients, ids


def test_the_table_names_every_challenge_route(app):
    assert routes(app, "challenges") == set(TABLE)


def test_every_challenge_route_answers_every_visitor_as_the_table_says(app, world):
    clients, ids = world
    urls = route_urls(app, {endpoint for endpoint, _ in TABLE}, ids)
    # Form data that changes nothing: an invalid challenge, an unknown status.
    data = {"title": "", "hidden": "1", "week": "never", "c1-status": "maybe"}
    for (endpoint, method), answers in TABLE.items():
        for who, status in answers.items():
            url = urls[endpoint]
            client = clients[who]
            response = client.get(url) if method == "GET" else client.post(url, data=data)
            assert response.status_code == status, (endpoint, method, who)
    # Nobody outside reached anything: one challenge, one unchanged check-in, boards on.
    assert Challenge.select().count() == 1
    assert [(c.status, c.edited_at) for c in CheckIn.select()] == [("done", None)]
    assert HiddenBoard.select().count() == 0
