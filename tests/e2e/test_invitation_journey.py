"""An admin invites a colleague, who onboards, signs out and signs in again, in Chromium."""

import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD

NEW_PASSWORD = "we learn best together"


def sign_in(page, base, email, password):
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_invite_onboard_sign_out_and_back_in(
    live_server, admin, browser, inbox, run_jobs, check_accessibility
):
    admin_page = browser.new_page()
    admin_page.goto(f"{live_server}/sign-in")
    check_accessibility(admin_page)
    sign_in(admin_page, live_server, admin.email, PASSWORD)
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Hello, Ada")
    check_accessibility(admin_page)

    admin_page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Invite people"
    ).click()
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Invite people")
    check_accessibility(admin_page)
    admin_page.get_by_label("People to invite").fill("not an email")
    admin_page.get_by_role("button", name="Send invitations").click()
    expect(admin_page.get_by_text("Line 1 (not an email)")).to_be_visible()
    expect(admin_page.get_by_label("People to invite")).to_have_value("not an email")
    check_accessibility(admin_page)
    admin_page.get_by_label("People to invite").fill("Noor Haddad <noor@example.com>")
    admin_page.get_by_role("button", name="Send invitations").click()
    expect(admin_page.get_by_role("status")).to_contain_text("Invitation sent to 1 person")

    assert run_jobs() == 1
    [message] = inbox.to("noor@example.com")
    link = inbox.link(message)
    assert link.startswith(live_server)

    newcomer = browser.new_context(timezone_id="Europe/Warsaw").new_page()
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Welcome, Noor")
    check_accessibility(newcomer)
    expect(newcomer.get_by_label("Your name")).to_have_value("Noor Haddad")
    # The browser's own time zone is suggested, and said so; the newcomer can change it.
    expect(newcomer.get_by_label("Time zone")).to_have_value("Europe/Warsaw")
    expect(newcomer.get_by_text("Europe/Warsaw is your browser's time zone")).to_be_visible()
    newcomer.get_by_label("Department").fill("Finance")
    newcomer.get_by_label("Time zone").select_option("Asia/Kolkata")
    newcomer.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    newcomer.get_by_label("Repeat the new password").fill("a different password")
    newcomer.get_by_role("button", name="Continue").click()
    expect(newcomer.get_by_text("The two passwords are not the same.")).to_be_visible()
    expect(newcomer.get_by_label("Department")).to_have_value("Finance")
    check_accessibility(newcomer)
    newcomer.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    newcomer.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    newcomer.get_by_role("button", name="Continue").click()

    expect(newcomer.get_by_role("heading", level=1)).to_have_text("How we learn together")
    check_accessibility(newcomer)
    newcomer.get_by_label("I have read the community guidelines").check()
    newcomer.get_by_role("button", name="Continue").click()

    expect(newcomer.get_by_role("heading", level=1)).to_have_text("How should we keep you posted?")
    check_accessibility(newcomer)
    newcomer.get_by_label("Daily, on working days").check()
    newcomer.get_by_label("Hour").select_option("08:00")
    newcomer.get_by_role("button", name="Finish").click()

    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Hello, Noor")
    expect(newcomer.get_by_role("status")).to_contain_text("You are all set")
    check_accessibility(newcomer)

    newcomer.get_by_role("button", name="Sign out").click()
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Sign in")
    check_accessibility(newcomer)
    sign_in(newcomer, live_server, "noor@example.com", NEW_PASSWORD)
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Hello, Noor")
    expect(newcomer).to_have_url(re.compile(r"/$"))


def test_signing_in_and_inviting_work_without_javascript(
    live_server, admin, browser, inbox, run_jobs
):
    page = browser.new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, admin.email, "wrong password!")
    expect(page.get_by_role("alert")).to_contain_text("do not match an account")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Ada")
    page.goto(f"{live_server}/people/invite")
    page.get_by_label("People to invite").fill("plain@example.com")
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent to 1 person")
    run_jobs()
    assert len(inbox.to("plain@example.com")) == 1


def test_a_csrf_failure_in_the_browser_shows_a_message_in_place(live_server, admin, browser):
    page = browser.new_page()
    sign_in(page, live_server, admin.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Ada")
    page.goto(f"{live_server}/people/invite")
    # A stale page: its token no longer matches the session.
    page.evaluate(
        """() => {
            document.body.setAttribute('hx-headers:inherited', '{"X-CSRFToken": "stale"}');
            document.querySelector('#invite input[name=csrf_token]').value = 'stale';
        }"""
    )
    page.get_by_label("People to invite").fill("stale@example.com")
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_role("alert")).to_contain_text("This form has expired")
    expect(page.get_by_label("People to invite")).to_have_value("stale@example.com")
