"""Company sign-in through a real OpenID Connect provider on loopback (oidc-provider-mock,
signing real ID tokens): who arrives, who is linked and on what, what the claims fill, what
admins confirm and try, and passwords switched off."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from flask import template_rendered
from oidc_provider_mock import run_server_in_thread

from learning.audit.models import AuditEntry
from learning.db import connection, utcnow
from learning.people.models import Invitation, Person
from learning.sso.models import ExternalIdentity, SignInSettings

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.fixture(scope="module")
def provider():
    with run_server_in_thread(require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def app_config(provider):
    return {"OIDC_ISSUER": provider, "OIDC_CLIENT_ID": "learning",
            "OIDC_CLIENT_SECRET": "not-checked", "OIDC_NAME": "Acme ID"}  # fmt: skip


def at_provider(provider, sub, **claims):
    """The provider's account `sub`, with its claims."""
    response = requests.put(f"{provider}/users/{sub}", json=claims, timeout=5)
    assert response.status_code == 204


def round_trip(client, sub, next_page=""):
    """Leave for the provider, sign in there as `sub`, come back: the app's answer."""
    start = client.get(f"/sign-in/company{next_page}")
    assert start.status_code == 302, start.text
    signed = requests.post(start.headers["Location"], data={"sub": sub},
                           allow_redirects=False, timeout=5)  # fmt: skip
    assert signed.status_code == 302, signed.text
    back = urlsplit(signed.headers["Location"])
    return client.get(f"{back.path}?{back.query}")


def allow_arrivals(app, domains="acme.test"):
    with app.app_context(), connection():
        SignInSettings.create(arrival_domains=domains)


def signed_in_as(client):
    """Who the client is signed in as, by the account page's address (None: nobody)."""
    page = client.get("/account")
    return None if page.status_code != 200 else page


def test_the_sign_in_page_offers_the_company_account(client):
    page = client.get("/sign-in").text
    assert "Sign in with Acme ID" in page and 'href="/sign-in/company' in page
    assert 'name="password"' in page  # passwords stay on unless SSO_ONLY


def test_a_newcomer_from_an_allowed_domain_arrives_with_their_profile_filled(app, client, provider):
    allow_arrivals(app)
    at_provider(provider, "u-100", email="noor@acme.test", email_verified=True,
                name="Noor Haddad", department="Finance", zoneinfo="Europe/Warsaw",
                locale="pl")  # fmt: skip
    back = round_trip(client, "u-100")
    assert back.status_code == 302
    # Onboarding's first step: no password, the provider's details greyed out.
    step = client.get("/", follow_redirects=True)
    assert step.request.path == "/welcome/profile"
    assert 'value="Noor Haddad"' in step.text and 'value="Finance"' in step.text
    assert 'name="password"' not in step.text
    assert step.text.count("disabled") >= 4
    assert client.post("/welcome/profile", data={}).headers["Location"] == "/welcome/guidelines"
    with app.app_context(), connection():
        noor = Person.get(Person.email == "noor@acme.test")
        identity = ExternalIdentity.get(ExternalIdentity.person == noor)
        actions = [e.action for e in AuditEntry.select().order_by(AuditEntry.id)]
    assert noor.password_hash is None and noor.display_name == "Noor Haddad"
    assert (noor.department, noor.time_zone, noor.locale) == ("Finance", "Europe/Warsaw", "pl")
    assert set(noor.managed.split()) == {"email", "display_name", "department", "time_zone",
                                         "locale"}  # fmt: skip
    assert (identity.issuer, identity.subject) == (provider, "u-100")
    assert actions == ["person_arrived", "signed_in"]


def test_nobody_unknown_arrives_unless_the_admin_allowed_their_domain(app, client, provider):
    at_provider(provider, "u-101", email="stranger@acme.test", email_verified=True)
    refused = round_trip(client, "u-101")
    assert refused.status_code == 403
    assert "There is no account here for stranger@acme.test yet" in refused.text
    assert signed_in_as(client) is None
    allow_arrivals(app, "other.test")
    assert round_trip(client, "u-101").status_code == 403
    with app.app_context(), connection():
        assert not Person.select().where(Person.email == "stranger@acme.test").exists()
        entry = AuditEntry.select().order_by(AuditEntry.id.desc()).get()
    assert (entry.action, entry.subject, entry.actor_id) == ("sso_refused", "stranger@acme.test",
                                                            None)  # fmt: skip
    assert '"unknown"' in entry.detail


def test_an_invited_person_links_on_a_verified_address_then_on_the_subject_alone(
    app, client, provider, make_person
):
    invited = make_person("ola@acme.test", "Ola", password=None)
    with app.app_context(), connection():
        Invitation.create(person=invited.id)
    at_provider(provider, "u-102", email="OLA@acme.test", email_verified=True, name="Ola K")
    assert round_trip(client, "u-102").status_code == 302
    assert client.get("/", follow_redirects=True).request.path == "/welcome/profile"
    # The provider changes her address: the link holds on the subject, and ours follows.
    at_provider(provider, "u-102", email="ola.k@acme.test", email_verified=True, name="Ola K")
    other = round_trip(app.test_client(), "u-102")
    assert other.status_code == 302
    with app.app_context(), connection():
        person = Person.get_by_id(invited.id)
        assert person.email == "ola.k@acme.test" and person.display_name == "Ola K"
        assert ExternalIdentity.select().count() == 1
        assert person.invitations.get().used_at is not None  # the invitation link is spent


def test_an_address_is_never_enough_once_an_account_is_linked(app, provider, make_person):
    make_person("kim@acme.test", "Kim")
    at_provider(provider, "u-103", email="kim@acme.test", email_verified=True)
    assert round_trip(app.test_client(), "u-103").status_code == 302
    at_provider(provider, "u-999", email="kim@acme.test", email_verified=True)
    refused = round_trip(app.test_client(), "u-999")
    assert refused.status_code == 403
    assert "linked to another account at the provider" in refused.text


def test_an_unverified_address_waits_for_an_admin_who_confirms_it(
    app, provider, make_person, admin_client
):
    kim = make_person("kim@acme.test", "Kim Lee")
    at_provider(provider, "u-104", email="kim@acme.test", email_verified=False)
    waiting = round_trip(app.test_client(), "u-104")
    assert waiting.status_code == 403 and "An administrator has to confirm" in waiting.text
    page = admin_client.get("/admin/sign-in").text
    assert "Kim Lee" in page and "Confirm: Kim Lee" in page
    with app.app_context(), connection():
        identity = ExternalIdentity.get(ExternalIdentity.person == kim)
    confirmed = admin_client.post(f"/admin/sign-in/links/{identity.id}", data={"confirmed": "1"})
    assert confirmed.status_code == 303
    client = app.test_client()
    assert round_trip(client, "u-104").status_code == 302
    assert signed_in_as(client) is not None
    with app.app_context(), connection():
        assert "sso_link_confirmed" in {e.action for e in AuditEntry.select()}


def test_a_closed_account_cannot_sign_in_at_the_provider(app, provider, make_person):
    person = make_person("gone@acme.test", "Gone")
    with app.app_context(), connection():
        Person.update(is_active=False).where(Person.id == person.id).execute()
    at_provider(provider, "u-105", email="gone@acme.test", email_verified=True)
    refused = round_trip(app.test_client(), "u-105")
    assert refused.status_code == 403 and "Your account here is closed" in refused.text


def test_the_admin_chooses_the_claims_and_bad_values_are_left_out(
    app, provider, admin_client, make_person
):
    boss = make_person("boss@acme.test", "Boss")
    saved = admin_client.post(
        "/admin/sign-in",
        data={"display_name": "name", "department": "dept", "location": "office",
              "time_zone": "zoneinfo", "locale": "locale", "manager": "manager_email",
              "arrival_domains": "acme.test"},
    )  # fmt: skip
    assert saved.status_code == 303
    at_provider(provider, "u-106", email="new@acme.test", email_verified=True, name="New One",
                dept="Sales", office="Kraków", zoneinfo="Mars/Olympus", locale="xx",
                manager_email="BOSS@acme.test")  # fmt: skip
    assert round_trip(app.test_client(), "u-106").status_code == 302
    with app.app_context(), connection():
        person = Person.get(Person.email == "new@acme.test")
    assert (person.department, person.location, person.manager_id) == ("Sales", "Kraków", boss.id)
    assert (person.time_zone, person.locale) == ("UTC", "")  # unusable claims left out
    assert not person.manages("time_zone") and person.manages("manager")


def test_a_setting_that_is_not_a_domain_is_explained_and_kept(admin_client):
    response = admin_client.post(
        "/admin/sign-in", data={"display_name": "name", "arrival_domains": "acme.test not a"},
        headers=HTMX,
    )  # fmt: skip
    assert response.status_code == 422
    assert "“not” is not a domain, like example.com." in response.text
    assert 'value="acme.test not a"' in response.text


def test_try_sign_in_shows_what_came_back_and_signs_nobody_in(app, provider, admin_client):
    at_provider(provider, "u-107", email="probe@acme.test", email_verified=True, name="Probe",
                department="IT")  # fmt: skip
    assert admin_client.post("/admin/sign-in/try").status_code == 303
    page = round_trip(admin_client, "u-107")
    assert page.status_code == 200
    assert "Try sign-in: what came back" in page.text
    assert "<code>department</code>" in page.text and "IT" in page.text
    assert "Not in the claims." in page.text  # location
    assert admin_client.get("/admin/sign-in").status_code == 200  # still the admin
    with app.app_context(), connection():
        assert not Person.select().where(Person.email == "probe@acme.test").exists()
        assert ExternalIdentity.select().count() == 0


def test_with_sso_only_passwords_are_off_but_for_the_break_glass_admin(
    app, client, make_person, admin, sign_in, run_jobs, inbox
):
    member = make_person("mo@acme.test", "Mo")
    app.config["SSO_ONLY"] = True
    page = client.get("/sign-in").text
    assert "Sign in with Acme ID" in page and "Administrators: sign in with a password" in page
    refused = client.post("/sign-in", data={"email": member.email, "password": "x" * 16})
    assert refused.status_code == 422
    with pytest.raises(AssertionError):
        sign_in(member)
    assert sign_in(admin).get("/account").status_code == 200
    client.post("/forgot-password", data={"email": member.email})
    run_jobs()
    assert inbox.to(member.email) == []
    app.config["SSO_BREAK_GLASS"] = "someone.else@acme.test"
    with pytest.raises(AssertionError):
        sign_in(admin)


def test_an_invitation_under_sso_only_leads_to_the_provider(app, admin_client, inbox, run_jobs):
    admin_client.post("/people/invite", data={"people": "New One <new@example.com>"})
    run_jobs()
    [message] = inbox.to("new@example.com")
    app.config["SSO_ONLY"] = True
    response = app.test_client().get(inbox.link(message).removeprefix("http://localhost"))
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"


def test_every_page_of_company_sign_in_renders(app, provider, admin_client):
    rendered = set()

    def remember(sender, template, context, **extra):
        rendered.add(template.name)

    template_rendered.connect(remember, app)
    try:
        admin_client.get("/admin/sign-in")
        admin_client.post("/admin/sign-in", data={"arrival_domains": "?"}, headers=HTMX)
        at_provider(provider, "u-108", email="nobody@acme.test", email_verified=True)
        round_trip(app.test_client(), "u-108")
        admin_client.post("/admin/sign-in/try")
        round_trip(admin_client, "u-108")
    finally:
        template_rendered.disconnect(remember, app)
    folder = Path(app.template_folder) / "learning/sso"
    assert {f"learning/sso/{p.name}" for p in folder.iterdir()} <= rendered


def test_what_the_provider_manages_is_read_only_on_the_account_page(app, client, provider):
    allow_arrivals(app)
    at_provider(provider, "u-109", email="ana@acme.test", email_verified=True, name="Ana",
                zoneinfo="Europe/Warsaw")  # fmt: skip
    round_trip(client, "u-109")
    client.post("/welcome/profile", data={"language": "pl", "time_zone": "America/New_York"})
    with app.app_context(), connection():
        ana = Person.get(Person.email == "ana@acme.test")
        Person.update(guidelines_accepted_at=utcnow(), onboarded_at=utcnow()).execute()
    assert (ana.locale, ana.time_zone) == ("pl", "Europe/Warsaw")  # the zone is the provider's
    page = client.get("/account").text
    assert "nie ma tu hasła do zmiany" in page  # in Polish, as she chose
    assert 'disabled id="time_zone"' in page or 'id="time_zone" disabled' in page
    client.post("/account/language-and-time", data={"language": "en", "time_zone": "Asia/Tokyo"})
    with app.app_context(), connection():
        ana = Person.get_by_id(ana.id)
    assert (ana.locale, ana.time_zone) == ("en", "Europe/Warsaw")


def test_entra_ids_domain_verification_vouches_for_an_address(app, provider, make_person):
    """Entra ID sends no email_verified for work accounts; its xms_edov says the address's
    domain is the tenant's. Without either, the first link waits for an admin."""
    make_person("lee@acme.test", "Lee")
    make_person("sam@acme.test", "Sam")
    at_provider(provider, "u-110", email="lee@acme.test", xms_edov=True)
    assert round_trip(app.test_client(), "u-110").status_code == 302
    at_provider(provider, "u-111", email="sam@acme.test")
    assert round_trip(app.test_client(), "u-111").status_code == 403
