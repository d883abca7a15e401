"""A newcomer signs in with the company account in Chromium, through a real OpenID Connect
provider on loopback (oidc-provider-mock), lands in onboarding with what the provider knows
filled in and greyed out, and never chooses a password."""

import re

import pytest
from oidc_provider_mock import User, run_server_in_thread
from playwright.sync_api import expect

from learning.db import connection
from learning.people.models import Person
from learning.sso.models import SignInSettings

NOOR = User(
    sub="noor-at-acme",
    claims={"email": "noor@acme.test", "email_verified": True, "name": "Noor Haddad",
            "department": "Finance", "zoneinfo": "Asia/Kolkata"},
)  # fmt: skip


@pytest.fixture(scope="module")
def provider():
    with run_server_in_thread(require_nonce=True, user_claims=[NOOR]) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def app_config(provider):
    return {"OIDC_ISSUER": provider, "OIDC_CLIENT_ID": "learning",
            "OIDC_CLIENT_SECRET": "not-checked", "OIDC_NAME": "Acme ID"}  # fmt: skip


def test_a_newcomer_signs_in_with_the_company_account_and_onboards(
    app, live_server, browser, check_accessibility
):
    with app.app_context(), connection():
        SignInSettings.create(arrival_domains="acme.test")
    page = browser.new_page()
    page.goto(f"{live_server}/sign-in")
    check_accessibility(page)
    page.get_by_role("link", name="Sign in with Acme ID").click()
    # At the provider: Noor signs in there.
    page.get_by_role("button", name="noor-at-acme").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Noor")
    expect(page.get_by_label("Your name")).to_have_value("Noor Haddad")
    expect(page.get_by_label("Your name")).to_be_disabled()
    expect(page.get_by_label("Department")).to_have_value("Finance")
    expect(page.get_by_label("Time zone")).to_be_disabled()
    expect(page.get_by_label("New password")).to_have_count(0)
    check_accessibility(page)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("How we learn together")
    page.get_by_label("I have read the community guidelines").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How should we keep you posted?")
    page.get_by_role("button", name="Finish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Noor")

    # Signed out and back: the provider remembers nothing here; the link holds.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in with Acme ID").click()
    page.get_by_role("button", name="noor-at-acme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Noor")
    expect(page).to_have_url(re.compile(r"/$"))
    with app.app_context(), connection():
        noor = Person.get(Person.email == "noor@acme.test")
    assert noor.password_hash is None and noor.time_zone == "Asia/Kolkata"
