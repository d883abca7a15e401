"""Every API route, asked with every kind of token: each answers as the table says. Personal
tokens carry every scope their person may hold; service tokens act as HR or L&D."""

import pytest

from learning.api import access
from learning.api import services as tokens
from learning.db import connection
from learning.people.models import Person
from tests.routes import routes, urls

KINDS = ("none", "member", "manager", "hr", "admin", "service_hr", "service_ld")
API = ("cohorts_api", "challenges_api", "platform_api")
NOBODY = {"none": 401}
# Reads of the demo member's cohort: its members and those who run programs (L&D, admins)
# see it; HR and service tokens without L&D's role do not know it exists.
COHORT_READ = {**NOBODY, "member": 200, "manager": 200, "hr": 404, "admin": 200,
               "service_hr": 404, "service_ld": 200}  # fmt: skip
# Writes for those who run programs: an empty body is invalid for those who may write
# (422); a missing scope is refused before the body is read (403).
LD_WRITE = {**NOBODY, "member": 403, "manager": 422, "hr": 403, "admin": 422,
            "service_hr": 403, "service_ld": 422}  # fmt: skip
STAFF_READ = {**NOBODY, "member": 403, "manager": 200, "hr": 200, "admin": 200,
              "service_hr": 200, "service_ld": 200}  # fmt: skip
TABLE = {
    ("cohorts_api.programs", "GET"): {**COHORT_READ, "hr": 200, "service_hr": 200},
    ("cohorts_api.program", "GET"): COHORT_READ,
    ("cohorts_api.create_program", "POST"): LD_WRITE,
    ("cohorts_api.enrol", "POST"): LD_WRITE,
    ("cohorts_api.cohorts", "GET"): {**COHORT_READ, "hr": 200, "service_hr": 200},
    ("cohorts_api.cohort", "GET"): COHORT_READ,
    ("cohorts_api.memberships", "GET"): COHORT_READ,
    ("cohorts_api.add_membership", "POST"): LD_WRITE,
    # Kudos are a member's own, in their own cohort (the demo's staff are in it too; an
    # outsider's 404 is in test_access_and_problems.py); service tokens speak for nobody.
    ("cohorts_api.give_kudos", "POST"): {**NOBODY, "member": 422, "manager": 422, "hr": 422,
                                         "admin": 422, "service_hr": 403, "service_ld": 403},
    ("challenges_api.challenges", "GET"): COHORT_READ,
    ("challenges_api.challenge_progress", "GET"): COHORT_READ,
    ("platform_api.people", "GET"): STAFF_READ,
    ("platform_api.person", "GET"): STAFF_READ,
    ("platform_api.values", "GET"): {**NOBODY, "member": 200, "manager": 200, "hr": 200,
                                     "admin": 200, "service_hr": 403, "service_ld": 403},
    ("platform_api.participation_figures", "GET"): {
        **NOBODY, "member": 403, "manager": 403, "hr": 200, "admin": 403, "service_hr": 200,
        "service_ld": 403},
    ("platform_api.audit", "GET"): {**NOBODY, "member": 403, "manager": 403, "hr": 403,
                                    "admin": 200, "service_hr": 403, "service_ld": 403},
}  # fmt: skip


def test_the_table_names_every_api_route(app):
    assert routes(app, *API) == set(TABLE)


@pytest.mark.timeout(300)
def test_every_api_route_answers_every_kind_of_token_as_the_table_says(app, demo, client):
    made = {"none": ""}
    with app.app_context(), connection():
        for kind in ("member", "manager", "hr", "admin"):
            person = Person.get(Person.email == f"{kind}@demo.test")
            made[kind] = tokens.make_personal(person, "All", access.grantable(person))[1]
        admin = Person.get(Person.email == "admin@demo.test")
        for kind, role in (("service_hr", "hr"), ("service_ld", "ld_manager")):
            made[kind] = tokens.make_service(admin, kind, [role],
                                             access.service_scopes([role]))[1]  # fmt: skip
    ids = {"program_id": demo.cohort.program_id, "cohort_id": demo.cohort.id,
           "challenge_id": demo.challenge.id, "person_id": demo.member.id}  # fmt: skip
    addresses = urls(app, {endpoint for endpoint, _ in TABLE}, ids)
    wrong = {}
    for (endpoint, method), answers in TABLE.items():
        for kind, status in answers.items():
            headers = {"Authorization": f"Bearer {made[kind]}"} if made[kind] else {}
            response = client.open(addresses[endpoint], method=method, headers=headers,
                                   json={} if method == "POST" else None)  # fmt: skip
            if response.status_code != status:
                wrong[endpoint, kind] = (response.status_code, response.get_json())
    assert {k: v[0] for k, v in wrong.items()} == {}
