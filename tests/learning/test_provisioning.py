"""Provisioning by SCIM 2.0: scim2-tester runs against the live app over HTTP; an Entra-style
and an Okta-style sequence (create, change the manager, deactivate) show in our pages; bad
requests get RFC 7644's error bodies; tokens are named, shown once, revoked, audited."""

import pytest
from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from cohorts import forming, platform
from cohorts import services as cohort_services
from cohorts.models import Cohort, Membership, Participant, Program
from learning.audit.models import AuditEntry
from learning.db import connection
from learning.ledger import Activity
from learning.people.models import Person
from learning.scim import services as scim
from learning.scim.models import ScimToken

SCIM = "application/scim+json"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


@pytest.fixture
def token(app, admin):
    with app.app_context(), connection():
        return scim.make_token(admin, "Entra ID")[1]


@pytest.fixture
def directory(client, token):
    """Requests as the directory makes them: the token, SCIM's JSON."""

    def send(method, path, body=None, token=token):
        headers = {"Authorization": f"Bearer {token}", "Accept": SCIM}
        return client.open(f"/scim/v2{path}", method=method, json=body, headers=headers)

    return send


def new_user(email, name, **extra):
    return {"schemas": [USER, ENTERPRISE], "userName": email, "displayName": name,
            "emails": [{"value": email, "primary": True, "type": "work"}], "active": True,
            **extra}  # fmt: skip


def test_scim2_tester_finds_the_service_compliant(live_server, token):
    headers = {"Authorization": f"Bearer {token}"}
    with Client(base_url=f"{live_server}/scim/v2", headers=headers) as http:
        client = SyncSCIMClient(http)
        client.discover()
        results = check_server(client)
    passing = (Status.SUCCESS, Status.COMPLIANT, Status.ACCEPTABLE, Status.SKIPPED)
    failed = [r for r in results if r.status not in passing]
    assert len(results) > 20
    assert failed == [], [(r.title, r.status, r.reason) for r in failed]


def test_an_entra_style_sequence_shows_in_our_pages(app, directory, admin_client):
    boss = directory("POST", "/Users", new_user("boss@acme.test", "Bo Boss", externalId="e-1"))
    assert boss.status_code == 201, boss.text
    made = directory("POST", "/Users", new_user(
        "ola@acme.test", "Ola Nowak", externalId="e-2",
        **{ENTERPRISE: {"department": "Finance"}}))  # fmt: skip
    assert made.status_code == 201
    ola = made.json["id"]
    # Entra's own spelling: "Replace" capitalised, "False" a string, paths it likes.
    changed = directory("PATCH", f"/Users/{ola}", {"schemas": [PATCH], "Operations": [
        {"op": "Replace", "path": f"{ENTERPRISE}:manager", "value": boss.json["id"]},
        {"op": "Replace", "path": "displayName", "value": "Ola Nowak-Kim"},
    ]})  # fmt: skip
    assert changed.status_code in (200, 204), changed.text
    read = directory("GET", f"/Users/{ola}").json
    assert read[ENTERPRISE]["manager"]["value"] == boss.json["id"]
    people = admin_client.get("/people/?find=ola").text
    assert "Ola Nowak-Kim" in people
    gone = directory("PATCH", f"/Users/{ola}", {"schemas": [PATCH], "Operations": [
        {"op": "Replace", "path": "active", "value": "False"}]})  # fmt: skip
    assert gone.status_code in (200, 204)
    assert directory("GET", f"/Users/{ola}").json["active"] is False
    with app.app_context(), connection():
        person = Person.get_by_id(int(ola))
        actions = {(e.action, e.subject) for e in AuditEntry.select()}
    assert not person.is_active and person.left_at is not None
    assert person.manager_id == int(boss.json["id"]) and person.department == "Finance"
    assert ("person_provisioned", "ola@acme.test") in actions
    assert '"token": "Entra ID"' in AuditEntry.get(AuditEntry.subject == "ola@acme.test").detail


def test_an_okta_style_sequence_finds_then_replaces_then_deactivates(app, directory):
    found = directory("GET", '/Users?filter=userName eq "sam@acme.test"')
    assert found.status_code == 200 and found.json["totalResults"] == 0
    made = directory("POST", "/Users", new_user("sam@acme.test", "Sam Lee", externalId="o-9"))
    sam = made.json["id"]
    found = directory("GET", '/Users?filter=userName eq "SAM@acme.test"&startIndex=1&count=2')
    assert found.json["totalResults"] == 1 and found.json["Resources"][0]["id"] == sam
    assert directory("GET", '/Users?filter=externalId eq "o-9"').json["totalResults"] == 1
    replaced = directory("PUT", f"/Users/{sam}", new_user(
        "sam@acme.test", "Samuel Lee", externalId="o-9", timezone="Europe/Warsaw",
        preferredLanguage="pl", **{ENTERPRISE: {"department": "Sales"}}))  # fmt: skip
    assert replaced.status_code == 200, replaced.text
    deactivated = directory("PATCH", f"/Users/{sam}", {"schemas": [PATCH], "Operations": [
        {"op": "replace", "value": {"active": False}}]})  # fmt: skip
    assert deactivated.status_code in (200, 204)
    with app.app_context(), connection():
        person = Person.get_by_id(int(sam))
    assert (person.display_name, person.department, person.time_zone, person.locale) == (
        "Samuel Lee",
        "Sales",
        "Europe/Warsaw",
        "pl",
    )
    assert not person.is_active and person.manages("department")
    assert directory("DELETE", f"/Users/{sam}").status_code == 204
    assert directory("GET", f"/Users/{sam}").status_code == 404
    with app.app_context(), connection():
        assert Person.get_by_id(int(sam)).display_name == "Samuel Lee"  # kept, not erased


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "scim_type"),
    [
        ("POST", "/Users", {"schemas": [USER]}, 400, None),  # no userName
        ("POST", "/Users", {"schemas": [USER], "userName": "x@acme.test", "shoeSize": 4},
         400, None),
        ("PATCH", "/Users/{id}", {"schemas": [PATCH], "Operations": [
            {"op": "replace", "path": "nickname.nowhere", "value": "x"}]}, 400, None),
        ("PATCH", "/Users/{id}", {"schemas": [PATCH], "Operations": [{"op": "shout"}]},
         400, "invalidValue"),
        ("GET", "/Users/999999", None, 404, None),
    ],
)  # fmt: skip
def test_bad_requests_get_rfc_7644_errors(directory, method, path, body, status, scim_type):
    someone = directory("POST", "/Users", new_user("kim@acme.test", "Kim")).json["id"]
    answer = directory(method, path.format(id=someone), body)
    assert answer.status_code == status, answer.text
    assert answer.json["schemas"] == [ERROR] and answer.json["status"] == str(status)
    if scim_type:
        assert answer.json["scimType"] == scim_type


def test_a_duplicate_user_name_is_a_conflict(directory, member):
    answer = directory("POST", "/Users", new_user(member.email.upper(), "Again"))
    assert answer.status_code == 409 and answer.json["scimType"] == "uniqueness"


def test_malformed_json_is_refused_with_an_error_body(client, token):
    headers = {"Authorization": f"Bearer {token}", "Content-Type": SCIM}
    answer = client.post("/scim/v2/Users", data="{not json", csrf=False, headers=headers)
    assert answer.status_code == 400 and answer.json["schemas"] == [ERROR]


@pytest.mark.parametrize("bearer", [None, "scim_made-up", "revoked"])
def test_without_a_live_token_nothing_is_read_or_written(app, client, admin, bearer):
    if bearer == "revoked":
        with app.app_context(), connection():
            row, bearer = scim.make_token(admin, "Old")
            scim.revoke_token(admin, row.id)
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    answer = client.post("/scim/v2/Users", json=new_user("x@acme.test", "X"), headers=headers,
                         csrf=False)  # fmt: skip
    assert answer.status_code == 401 and answer.json["schemas"] == [ERROR]
    assert client.get("/scim/v2/Users", headers=headers).status_code == 401
    with app.app_context(), connection():
        assert not Person.select().where(Person.email == "x@acme.test").exists()


def test_admins_make_a_token_once_and_revoke_it(app, admin_client):
    made = admin_client.post("/admin/provisioning", data={"name": "Okta"})
    assert made.status_code == 200
    token = made.text.split('<code class="token">')[1].split("<")[0]
    assert token.startswith("scim_")
    page = admin_client.get("/admin/provisioning").text
    assert token not in page and "Okta" in page and "never used" in page
    again = admin_client.post("/admin/provisioning", data={"name": "Okta"})
    assert again.status_code == 422 and "There is already a token called “Okta”." in again.text
    with app.app_context(), connection():
        row = ScimToken.get(ScimToken.name == "Okta")
    assert row.digest != token and len(row.digest) == 64
    assert admin_client.post(f"/admin/provisioning/{row.id}/revoke").status_code == 303
    assert (
        app.test_client()
        .get("/scim/v2/Users", headers={"Authorization": f"Bearer {token}"})
        .status_code
        == 401
    )


def test_the_command_line_prints_a_token_once(app):
    result = app.test_cli_runner().invoke(args=["scim-token", "Keycloak"])
    assert result.exit_code == 0 and result.output.startswith("scim_")
    again = app.test_cli_runner().invoke(args=["scim-token", "Keycloak"])
    assert again.exit_code == 1 and "already a token" in again.output


def test_someone_who_leaves_leaves_their_cohort_and_its_facilitator_is_told(
    app, cohort, team, facilitator, directory, run_jobs, inbox, sign_in
):
    leaver = next(p for p in team if p.id != facilitator.id)
    client = sign_in(leaver)
    answer = directory("PATCH", f"/Users/{leaver.id}", {"schemas": [PATCH], "Operations": [
        {"op": "replace", "path": "active", "value": False}]})  # fmt: skip
    assert answer.status_code in (200, 204)
    run_jobs()
    [note] = [m for m in inbox.to(facilitator.email) if leaver.display_name in m["Subject"]]
    assert "has left the company" in inbox.text(note)
    assert client.get("/").status_code == 302  # signed out at once
    with pytest.raises(AssertionError):
        sign_in(leaver)
    with app.app_context(), connection():
        assert not Membership.select().where(Membership.person == leaver.id).exists()
        assert Activity.get(Activity.kind == "left", Activity.actor == leaver.id)
        # Their data says where they were until they left (reports count them as left).
        [place] = platform.personal_data(leaver)["cohorts_before_leaving"]
        assert place["cohort"] == cohort.name and place["left_at"] is not None
    assert cohort.name in sign_in(facilitator).get(f"/cohorts/{cohort.id}").text


def test_groups_are_departments(app, directory, make_person):
    ana, bo = make_person("ana@acme.test", "Ana"), make_person("bo@acme.test", "Bo")
    made = directory("POST", "/Groups", {"schemas": [GROUP], "displayName": "Finance",
                                         "members": [{"value": str(ana.id)}]})  # fmt: skip
    assert made.status_code == 201, made.text
    group = made.json["id"]
    moved = directory("PATCH", f"/Groups/{group}", {"schemas": [PATCH], "Operations": [
        {"op": "add", "path": "members", "value": [{"value": str(bo.id)}]},
        {"op": "remove", "path": f'members[value eq "{ana.id}"]'}]})  # fmt: skip
    assert moved.status_code in (200, 204), moved.text
    with app.app_context(), connection():
        assert Person.get_by_id(ana.id).department == ""
        assert Person.get_by_id(bo.id).department == "Finance"
    found = directory("GET", '/Groups?filter=displayName eq "Finance"').json
    assert found["totalResults"] == 1
    assert [m["value"] for m in found["Resources"][0]["members"]] == [str(bo.id)]


def test_groups_can_be_program_enrolments(app, directory, admin_client, program, make_person):
    chosen = admin_client.post("/admin/provisioning/groups", data={"groups": "programs"})
    assert chosen.status_code == 303
    ana, bo = make_person("ana@acme.test", "Ana"), make_person("bo@acme.test", "Bo")
    unknown = directory("POST", "/Groups", {"schemas": [GROUP], "displayName": "Pottery"})
    assert unknown.status_code == 400 and "L&D creates it first" in unknown.json["detail"]
    made = directory("POST", "/Groups", {"schemas": [GROUP], "displayName": program.name.upper(),
                                         "members": [{"value": str(ana.id)}]})  # fmt: skip
    assert made.status_code == 201, made.text
    assert made.json["displayName"] == program.name
    group = made.json["id"]
    directory("PATCH", f"/Groups/{group}", {"schemas": [PATCH], "Operations": [
        {"op": "add", "path": "members", "value": [{"value": str(bo.id)}]},
        {"op": "remove", "path": f'members[value eq "{ana.id}"]'}]})  # fmt: skip
    with app.app_context(), connection():
        enrolled = {p.person_id for p in Participant.select().where(Participant.program == program)}
    assert enrolled == {bo.id}
    assert directory("DELETE", f"/Groups/{group}").status_code == 204
    assert directory("GET", f"/Groups/{group}").status_code == 404
    with app.app_context(), connection():
        assert Program.get_by_id(program.id).name == program.name  # the program stays


def test_the_cohort_builder_balances_with_what_the_directory_sent(
    app, directory, manager, program, make_person
):
    staff = [make_person(f"p{n}@acme.test", f"P {n}") for n in range(10)]
    for name, members in (("Sales", staff[:5]), ("Finance", staff[5:])):
        group = {"schemas": [GROUP], "displayName": name,
                 "members": [{"value": str(p.id)} for p in members]}  # fmt: skip
        sent = directory("POST", "/Groups", group)
        assert sent.status_code == 201
    with app.app_context(), connection():
        cohort_services.add_participants(manager, program, staff)
        forming.propose(manager, program, 5)
        drafts = Cohort.select().where(Cohort.program == program, Cohort.status == "draft")
        mixes = [{m.person.department for m in draft.memberships} for draft in drafts]
    assert len(mixes) == 2 and all(mix == {"Sales", "Finance"} for mix in mixes)
