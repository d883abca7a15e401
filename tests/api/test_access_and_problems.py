"""Every kind of token sees what its person may see on the pages, and every bad request is
a problem-details answer, never a 500, with nothing half-written."""

import pytest

from cohorts.models import Program
from learning.db import connection
from learning.people.models import Role

PROBLEM = "application/problem+json"


def problem_of(response, status):
    assert response.status_code == status, response.text
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_a_missing_wrong_or_revoked_token_is_401(app, api, member, make_token, member_client):
    for token in (None, "lcp_wrong", "nonsense"):
        problem_of(api("GET", "/programs", token)[2], 401)
    token = make_token(member, "read:programs")
    assert api("GET", "/programs", token)[0] == 200
    page = member_client.get("/account/api-tokens")
    assert "Integration" in page.text
    from learning.api.models import ApiToken

    with app.app_context(), connection():
        token_id = ApiToken.get().id
    member_client.post(f"/api-tokens/{token_id}/revoke")
    response = api("GET", "/programs", token)[2]
    problem_of(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_scope_the_token_lacks_is_403_and_a_scope_beyond_the_person_cannot_be_had(
    app, api, member, manager, make_token
):
    token = make_token(manager, "read:programs")
    body = problem_of(api("POST", "/programs", token, {"name": "x"})[2], 403)
    assert "write:programs" in body["detail"]
    from learning.errors import Refused

    with pytest.raises(Refused):
        make_token(member, "write:programs")
    with pytest.raises(Refused):
        make_token(member, "read:participation")


def test_members_see_only_their_cohorts_and_others_are_404(
    app, api, cohort, team, make_person, make_token, manager
):
    outsider = make_person()
    inside, outside = make_token(team[0], "read:programs"), make_token(outsider, "read:programs")
    assert [c["id"] for c in api("GET", "/cohorts", inside)[1]["data"]] == [cohort.id]
    assert api("GET", "/cohorts", outside)[1]["data"] == []
    assert api("GET", "/programs", outside)[1]["data"] == []
    problem_of(api("GET", f"/cohorts/{cohort.id}", outside)[2], 404)
    problem_of(api("GET", f"/cohorts/{cohort.id}/memberships", outside)[2], 404)
    problem_of(api("GET", f"/programs/{cohort.program_id}", outside)[2], 404)
    members = api("GET", f"/cohorts/{cohort.id}/memberships", inside)[1]["data"]
    assert {m["person_id"] for m in members} == {p.id for p in team}


def test_a_service_token_acts_with_its_roles_and_belongs_to_no_cohort(
    app, api, admin, cohort, make_token
):
    token = make_token(admin, "read:programs", "read:people", roles=["hr"])
    # HR does not run programs: no cohorts, no programs, and no conversations anywhere.
    assert api("GET", "/cohorts", token)[1]["data"] == []
    people = api("GET", "/people", token)[1]["data"]
    assert people and all(p["email"] for p in people)
    from learning.errors import Refused

    with pytest.raises(Refused):
        make_token(admin, "write:kudos", roles=["hr"])


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 422),
        (b"name=x", "application/x-www-form-urlencoded", 415),
        (b'{"name": "x", "starts_on": "soon", "ends_on": "2027-01-01"}', "application/json", 422),
        (
            b'{"name": 5, "starts_on": "2027-01-01", "ends_on": "2027-02-01"}',
            "application/json",
            422,
        ),
        (
            b'{"name": "x", "starts_on": "2027-01-01", "ends_on": "2027-02-01", "owner": 1}',
            "application/json",
            422,
        ),
        (
            b'{"name": "x", "starts_on": "2027-03-01", "ends_on": "2027-02-01"}',
            "application/json",
            422,
        ),
        (b'{"name": "' + b"x" * 70_000 + b'"}', "application/json", 413),
    ],
)
def test_bad_bodies_are_problems_and_write_nothing(
    app, client, manager, make_token, data, content_type, status
):
    token = make_token(manager, "write:programs")
    response = client.post("/api/v1/programs", data=data, content_type=content_type, csrf=False,
                           headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    body = problem_of(response, status)
    if status == 422 and b"{" in data[:1]:
        assert body["errors"]
    with app.app_context(), connection():
        assert Program.select().count() == 0


def test_unknown_routes_methods_and_cursors_are_problems(api, manager, make_token):
    token = make_token(manager, "read:programs")
    problem_of(api("GET", "/nothing", token)[2], 404)
    problem_of(api("DELETE", "/programs", token)[2], 405)
    problem_of(api("GET", "/programs?cursor=abc", token)[2], 422)
    problem_of(api("GET", "/programs?limit=0", token)[2], 422)


def test_enrolling_someone_unknown_enrols_nobody(app, api, manager, program, make_person,
                                                make_token):  # fmt: skip
    token = make_token(manager, "write:enrolments")
    ada = make_person("ada@example.com")
    body = problem_of(
        api(
            "POST",
            f"/programs/{program.id}/participants",
            token,
            {"person_ids": [ada.id], "emails": ["nobody@example.com"]},
        )[2],
        422,
    )
    assert body["errors"] == [{"loc": ["emails"], "msg": "nobody@example.com"}]
    from cohorts.models import Participant

    with app.app_context(), connection():
        assert Participant.select().where(Participant.program == program.id).count() == 0


def test_enrolling_ids_no_database_can_hold_is_a_problem_not_an_error(
    app, api, manager, program, make_person, make_token
):
    """Schemathesis found it: an id past 2^63 reached SQLite, which refused it with a 500."""
    token = make_token(manager, "write:enrolments")
    ada = make_person("ada@example.com")
    for wrong in (2**70, 2**31, 0, -5):
        body = problem_of(api("POST", f"/programs/{program.id}/participants", token,
                              {"person_ids": [ada.id, wrong]})[2], 422)  # fmt: skip
        assert body["errors"][0]["loc"][:2] == ["person_ids", 1], body
    from cohorts.models import Participant

    with app.app_context(), connection():
        assert Participant.select().where(Participant.program == program.id).count() == 0


def test_rate_limits_count_per_token_with_retry_after(app, api, manager, make_token):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    first, second = (
        make_token(manager, "read:programs"),
        make_token(manager, "read:programs", name="Second"),
    )
    for _ in range(3):
        assert api("GET", "/programs", first)[0] == 200
    response = api("GET", "/programs", first)[2]
    problem_of(response, 429)
    assert int(response.headers["Retry-After"]) > 0
    assert api("GET", "/programs", second)[0] == 200


def test_paging_is_stable_under_inserts_and_etags_spare_unchanged_pages(
    app, api, manager, make_token
):
    token = make_token(manager, "read:programs", "write:programs")
    for n in range(3):
        api("POST", "/programs", token, {"name": f"P{n}", "starts_on": "2027-01-01",
                                          "ends_on": "2027-02-01"})  # fmt: skip
    status, first, response = api("GET", "/programs?limit=2", token)
    assert [p["name"] for p in first["data"]] == ["P0", "P1"] and first["has_more"]
    assert 'rel="next"' in response.headers["Link"]
    api("POST", "/programs", token, {"name": "P3", "starts_on": "2027-01-01",
                                      "ends_on": "2027-02-01"})  # fmt: skip
    rest = api("GET", f"/programs?limit=2&cursor={first['next_cursor']}", token)[1]
    assert [p["name"] for p in rest["data"]] == ["P2", "P3"] and not rest["has_more"]
    etag = api("GET", "/programs", token)[2].headers["ETag"]
    assert api("GET", "/programs", token, headers={"If-None-Match": etag})[0] == 304
    since = first["data"][1]["updated_at"]
    later = api("GET", f"/programs?updated_since={since}", token)[1]["data"]
    assert [p["name"] for p in later] == ["P1", "P2", "P3"]


def test_hr_reads_participation_with_small_groups_hidden(app, api, make_person, cohort,
                                                        make_token):  # fmt: skip
    hr = make_person(roles=(Role.MEMBER, Role.HR))
    token = make_token(hr, "read:participation")
    app.config["REPORT_MIN_GROUP"] = 50
    body = api("GET", "/participation?grouping=department", token)[1]
    assert body["min_group"] == 50
    assert body["rows"] and all(r["suppressed"] for r in body["rows"])
    assert all(v is None for r in body["rows"] for v in r["values"].values())


def test_lists_cost_the_same_few_queries_whatever_their_size(
    app, api, manager, make_person, make_token, count_queries
):
    token = make_token(manager, "read:programs", "write:programs", "read:people")
    new = {"starts_on": "2027-01-01", "ends_on": "2027-02-01"}

    def cost():
        return {path: count_queries(lambda path=path: api("GET", path, token))
                for path in ("/programs", "/people", "/cohorts")}  # fmt: skip

    api("POST", "/programs", token, {"name": "First", **new})
    few = cost()
    for n in range(15):
        api("POST", "/programs", token, {"name": f"P{n}", **new})
        make_person()
    many = cost()
    assert few == many
    assert max(many.values()) <= 10, many


def test_a_request_the_server_cannot_read_is_a_documented_problem(client, api, manager,
                                                                   make_token):  # fmt: skip
    token = make_token(manager, "read:programs", "write:programs")
    problem_of(api("GET", "/programs?cursor=%00", token)[2], 400)
    # A NUL written in JSON (\u0000), which PostgreSQL cannot store: refused, nothing made.
    new = {"name": "Night\u0000shift", "starts_on": "2027-01-04", "ends_on": "2027-02-26"}
    problem_of(api("POST", "/programs", token, new)[2], 400)
    assert Program.select().count() == 0
    doc = client.get("/api/v1/openapi.json").get_json()
    assert "400" in doc["paths"]["/api/v1/programs"]["get"]["responses"]
