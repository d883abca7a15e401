"""Invitations by email and the three-step onboarding."""

from learning.audit.models import AuditEntry
from learning.notify import preferences
from learning.people.models import Invitation, Person, Preferences
from tests.conftest import PASSWORD

NEW_PASSWORD = "learning is better together"


def invite(client, text):
    return client.post("/people/invite", data={"people": text})


def accept_link(client, inbox, address):
    [message] = inbox.to(address)
    return inbox.link(message).removeprefix("http://localhost")


def test_an_admin_invites_and_the_person_onboards_in_three_steps(
    app, admin_client, inbox, run_jobs
):
    response = invite(admin_client, "Noor Haddad <noor@example.com>")
    assert response.status_code == 200
    assert "Invitation sent to 1 person: noor@example.com." in response.text
    assert run_jobs() == 1
    [message] = inbox.to("noor@example.com")
    assert message["Subject"] == "Ada Admin invited you to learn together"
    assert message.get_body(preferencelist=("html",)) is not None
    link = inbox.link(message).removeprefix("http://localhost")

    newcomer = app.test_client()
    step1 = newcomer.get(link)
    assert 'value="Noor Haddad"' in step1.text and "noor@example.com" in step1.text
    done1 = newcomer.post(
        link,
        data={
            "display_name": "Noor Haddad",
            "department": "Finance",
            "time_zone": "Asia/Kolkata",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert done1.headers["Location"] == "/welcome/guidelines"
    # Until onboarding is finished, every page leads back to it.
    assert newcomer.get("/").headers["Location"] == "/welcome/guidelines"
    assert newcomer.post("/welcome/guidelines", data={"accept": "y"}).headers["Location"] == (
        "/welcome/preferences"
    )
    done3 = newcomer.post(
        "/welcome/preferences",
        data={
            "digest_frequency": "daily", "digest_weekday": "2", "digest_hour": "8",
            "quiet_from": "21", "quiet_until": "7", "working_days": ["0", "1", "2", "3"],
            "kudos_in_app": "y", "reply_in_app": "y", "reply_email": "y",
        },
    )  # fmt: skip
    assert done3.headers["Location"] == "/"
    assert "Hello, Noor" in newcomer.get("/").text

    person = Person.get(Person.email == "noor@example.com")
    assert person.time_zone == "Asia/Kolkata" and person.department == "Finance"
    assert person.onboarding_step() is None
    prefs = Preferences.get(Preferences.person == person)
    assert (prefs.digest_frequency, prefs.digest_hour) == ("daily", 8)
    assert (prefs.quiet_from, prefs.quiet_until, prefs.working_days) == (21, 7, "0123")
    # Every box left unticked is a channel turned off; the ticked ones stay on.
    off = preferences.muted(person)
    assert ("kudos", "email") in off and ("digest", "email") in off
    assert not {("kudos", "in_app"), ("reply", "in_app"), ("reply", "email")} & off
    actions = {e.action for e in AuditEntry.select()}
    assert {"invited", "invitation_accepted"} <= actions


def test_a_pasted_list_with_bad_lines_reports_each_and_invites_nobody(
    admin_client, inbox, run_jobs
):
    text = "good@example.com\nnot an address\nDup <good@example.com>\nRu Ok <ru@example.com>"
    response = invite(admin_client, text)
    assert response.status_code == 422
    assert "Line 2 (not an address)" in response.text
    assert "Line 3: good@example.com is already in the list." in response.text
    assert "Ru Ok &lt;ru@example.com&gt;" in response.text  # what they typed is kept
    assert (
        Person.select().where(Person.email.in_(["good@example.com", "ru@example.com"])).count() == 0
    )
    run_jobs()
    assert inbox.messages == []


def test_an_empty_invitation_list_asks_for_an_address(admin_client):
    response = invite(admin_client, "   ")
    assert response.status_code == 422 and "Enter at least one email address." in response.text


def test_a_list_of_several_people_invites_each_once(admin_client, inbox, run_jobs):
    response = invite(admin_client, "a@example.com\nb@example.com, Bea Bee\nC Sea <c@example.com>")
    assert "Invitation sent to 3 people" in response.text
    run_jobs()
    assert sorted(m["To"] for m in inbox.messages) == [
        "a@example.com",
        "b@example.com",
        "c@example.com",
    ]
    assert Person.get(Person.email == "b@example.com").display_name == "Bea Bee"


def test_inviting_someone_with_an_account_skips_them(admin_client, member, inbox, run_jobs):
    response = invite(admin_client, member.email)
    assert f"{member.email} was not invited: already has an account." in response.text
    run_jobs()
    assert inbox.messages == []


def test_an_ld_manager_can_invite_but_a_member_or_hr_cannot(make_person, sign_in):
    from learning.people.models import Role

    manager = sign_in(make_person(roles=(Role.MEMBER, Role.LD_MANAGER)))
    assert invite(manager, "x@example.com").status_code == 200
    for roles in ((Role.MEMBER,), (Role.MEMBER, Role.HR)):
        client = sign_in(make_person(roles=roles))
        assert client.get("/people/invite").status_code == 403
        assert invite(client, "y@example.com").status_code == 403
    assert not Person.select().where(Person.email == "y@example.com").exists()


def test_onboarding_step_one_keeps_what_was_typed_when_the_passwords_differ(
    app, admin_client, inbox, run_jobs
):
    invite(admin_client, "Kemi <kemi@example.com>")
    run_jobs()
    link = accept_link(admin_client, inbox, "kemi@example.com")
    client = app.test_client()
    response = client.post(
        link,
        data={
            "display_name": "Kemi Mensah",
            "department": "Sales",
            "time_zone": "Europe/Berlin",
            "password": NEW_PASSWORD,
            "confirm": "something else entirely",
        },
    )
    assert response.status_code == 422
    assert "The two passwords are not the same." in response.text
    assert 'value="Kemi Mensah"' in response.text and 'value="Sales"' in response.text
    assert '<option selected value="Europe/Berlin">' in response.text
    assert Person.get(Person.email == "kemi@example.com").password_hash is None


def test_guidelines_must_be_accepted(app, make_person, sign_in):
    person = make_person(password=None)
    from learning.people import services

    with app.app_context():
        services.set_password(person, PASSWORD)
    client = sign_in(person)
    response = client.post("/welcome/guidelines", data={})
    assert response.status_code == 422 and "Tick the box to accept the guidelines." in response.text


def test_a_used_invitation_link_says_so(app, admin_client, inbox, run_jobs):
    invite(admin_client, "used@example.com")
    run_jobs()
    link = accept_link(admin_client, inbox, "used@example.com")
    client = app.test_client()
    client.post(
        link,
        data={
            "display_name": "U",
            "time_zone": "UTC",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    response = app.test_client().get(link)
    assert response.status_code == 410
    assert "This link has already been used" in response.text and "Sign in" in response.text


def test_an_expired_invitation_offers_a_new_link_that_arrives(app, admin_client, inbox, run_jobs):
    invite(admin_client, "late@example.com")
    run_jobs()
    link = accept_link(admin_client, inbox, "late@example.com")
    app.config["INVITATION_MAX_AGE"] = -1
    client = app.test_client()
    expired = client.get(link)
    assert expired.status_code == 410 and "This link has expired" in expired.text
    assert 'value="late@example.com"' in expired.text
    response = client.post("/welcome/new-link", data={"email": "late@example.com"})
    assert response.status_code == 303
    app.config["INVITATION_MAX_AGE"] = 86400
    run_jobs()
    assert len(inbox.to("late@example.com")) == 2
    fresh = inbox.link(inbox.to("late@example.com")[1]).removeprefix("http://localhost")
    assert client.get(fresh).status_code == 200
    assert Invitation.select().count() == 2


def test_asking_for_a_new_link_reveals_nothing_about_unknown_addresses(client, inbox, run_jobs):
    response = client.post("/welcome/new-link", data={"email": "stranger@example.com"})
    assert response.status_code == 303
    run_jobs()
    assert inbox.messages == []


def test_invitations_appear_in_the_audit_log_for_admins(admin_client, member_client):
    invite(admin_client, "audited@example.com")
    page = admin_client.get("/audit/")
    assert "invited" in page.text and "audited@example.com" in page.text
    assert member_client.get("/audit/").status_code == 403
