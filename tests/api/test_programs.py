"""Programs, cohorts and enrolments through the API, as the pages allow them."""

from cohorts.models import Participant
from learning.audit.models import AuditEntry
from learning.db import connection


def test_an_ld_token_creates_a_program_and_enrols_people(
    app, api, manager, make_person, make_token
):
    token = make_token(manager, "read:programs", "write:programs", "write:enrolments")
    ada = make_person("ada@example.com")
    status, body, response = api(
        "POST",
        "/programs",
        token,
        {"name": "Negotiation", "starts_on": "2027-01-04", "ends_on": "2027-02-26"},
    )
    assert status == 201, body
    assert response.headers["Location"].endswith(f"/api/v1/programs/{body['id']}")
    status, enrolled, _ = api(
        "POST", f"/programs/{body['id']}/participants", token, {"emails": ["ADA@example.com"]}
    )
    assert (status, enrolled) == (200, {"program_id": body["id"], "enrolled": 1})
    with app.app_context(), connection():
        assert Participant.get().person_id == ada.id
        audited = [(e.action, e.details()) for e in AuditEntry.select().order_by(AuditEntry.id)]
    assert ("api_program_created", ["token: Integration"]) in audited
    status, page, _ = api("GET", "/programs", token)
    assert [p["name"] for p in page["data"]] == ["Negotiation"]


def test_the_document_and_its_reference_describe_every_route(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    operation = doc["paths"]["/api/v1/programs"]["post"]
    assert "write:programs" in operation["description"]
    assert "application/problem+json" in operation["responses"]["422"]["content"]
    page = client.get("/api/v1/reference")
    assert page.status_code == 200
    assert "POST /api/v1/programs/{program_id}/participants" in page.text


def test_a_member_gives_kudos_once_per_idempotency_key_and_the_receiver_is_told(
    app, api, cohort, team, make_token
):
    from learning.notify.models import Notification
    from learning.recognition.models import Kudos

    token = make_token(team[0], "write:kudos")
    values = api("GET", "/values", token)[1]["data"]
    body = {"receiver_id": team[1].id, "value_id": values[0]["id"], "message": "Thanks!"}
    again = {"Idempotency-Key": "kudos-1"}
    first = api("POST", f"/cohorts/{cohort.id}/kudos", token, body, headers=dict(again))
    second = api("POST", f"/cohorts/{cohort.id}/kudos", token, body, headers=dict(again))
    assert (first[0], second[0]) == (201, 200)
    assert first[1]["id"] == second[1]["id"]
    with app.app_context(), connection():
        assert Kudos.select().count() == 1
        assert Notification.select().where(Notification.person == team[1].id).count() == 1


def test_a_token_stops_working_when_its_person_leaves(app, api, member, make_token):
    from learning.people.models import Person

    token = make_token(member, "read:programs")
    assert api("GET", "/programs", token)[0] == 200
    with app.app_context(), connection():
        Person.update(is_active=False).where(Person.id == member.id).execute()
    assert api("GET", "/programs", token)[0] == 401
