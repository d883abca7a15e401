"""A facilitator schedules the cohort's first session in the browser, fixes a time in the past
when told, sees it listed, and a member finds it and their calendar's address."""

import datetime

from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.test_invitation_journey import sign_in


def test_a_facilitator_schedules_a_session_and_a_member_subscribes(
    live_server, cohort, team, facilitator, browser, check_accessibility
):
    lead = browser.new_context().new_page()
    sign_in(lead, live_server, facilitator.email, PASSWORD)
    lead.wait_for_url(f"{live_server}/")
    lead.goto(f"{live_server}/cohorts/{cohort.id}")
    lead.get_by_role("link", name="Sessions").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text(f"Sessions of {cohort.name}")
    check_accessibility(lead)
    lead.get_by_label("Title").fill("Kick-off call")
    lead.get_by_label("Starts at").fill("2020-01-06T10:00")
    lead.get_by_label("Length in minutes").fill("45")
    lead.get_by_label("Where (optional)").fill("https://meet.example.com/kick-off")
    lead.get_by_role("button", name="Schedule and invite the cohort").click()
    expect(lead.get_by_text("Choose a time in the future.")).to_be_visible()
    expect(lead.get_by_label("Title")).to_have_value("Kick-off call")
    next_year = datetime.date.today().year + 1
    lead.get_by_label("Starts at").fill(f"{next_year}-03-02T10:00")
    lead.get_by_role("button", name="Schedule and invite the cohort").click()
    expect(lead.get_by_text("Scheduled. Every member gets an invite")).to_be_visible()
    session = lead.get_by_role("article").filter(has_text="Kick-off call")
    expect(session).to_contain_text("45 minutes")
    expect(session.get_by_role("button", name="Cancel Kick-off call")).to_be_visible()

    member = next(p for p in team if p.id != facilitator.id)
    page = browser.new_context().new_page()
    sign_in(page, live_server, member.email, PASSWORD)
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/cohorts/{cohort.id}/sessions")
    expect(page.get_by_role("link", name="Add Kick-off call to your calendar")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel Kick-off call")).to_have_count(0)
    page.get_by_role("link", name="All your cohorts' dates in your calendar").click()
    page.get_by_role("button", name="Get your calendar's address").click()
    address = page.get_by_label("Or copy this address into your calendar")
    assert "/calendar/" in address.input_value() and address.input_value().endswith(".ics")
    check_accessibility(page)
