"""A facilitator sets a challenge from a template; two members check in and each sees the
other's progress arrive without reloading, until the cohort reaches its goal together."""

import datetime

from playwright.sync_api import expect

from challenges.models import GoalReached
from tests.conftest import PASSWORD
from tests.e2e.test_invitation_journey import sign_in


def test_a_cohort_reaches_its_goal_together(
    live_server, cohort, team, facilitator, browser, check_accessibility
):
    lead = browser.new_context().new_page()
    sign_in(lead, live_server, facilitator.email, PASSWORD)
    lead.get_by_role("link", name=cohort.name).click()
    lead.get_by_role("link", name="Set a challenge").click()
    lead.get_by_role("link", name="30 practice sessions").click()
    expect(lead.get_by_label("Title")).to_have_value("30 practice sessions")
    check_accessibility(lead)
    lead.get_by_label("How many check-ins, or what total, together").fill("none")
    lead.get_by_role("button", name="Set the challenge").click()
    expect(lead.get_by_text("Enter a number, like 2 or 1.5.")).to_be_visible()
    expect(lead.get_by_label("Title")).to_have_value("30 practice sessions")
    lead.get_by_label("How many check-ins, or what total, together").fill("2")
    # The template starts it today on the facilitator's calendar (Berlin); from 23:00 UTC that
    # is tomorrow in London, where it would not have begun yet. Yesterday has, everywhere.
    yesterday = datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=1)
    lead.get_by_label("Starts on").fill(yesterday.isoformat())
    lead.get_by_role("button", name="Set the challenge").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text(cohort.name)

    a_person, b_person = [p for p in team if p.id != facilitator.id][:2]
    pages = []
    for person in (a_person, b_person):
        page = browser.new_context().new_page()
        sign_in(page, live_server, person.email, PASSWORD)
        page.get_by_role("link", name=cohort.name).click()
        pages.append(page)
    a, b = pages
    a_card = a.get_by_role("article", name="30 practice sessions")
    b_card = b.get_by_role("article", name="30 practice sessions")
    expect(a_card).to_contain_text("0 of 2 check-ins together")
    check_accessibility(a)

    a_card.get_by_label("Note (optional)").fill("First 1:1 with the new structure")
    a_card.get_by_role("button", name="Did it").click()
    expect(a_card).to_contain_text("1 of 2 check-ins together (50%)")
    expect(a_card).to_contain_text("Checked in. Thank you")
    # B has not reloaded: the poll brings A's check-in within about ten seconds.
    expect(b_card).to_contain_text("1 of 2 check-ins together", timeout=15_000)

    b_card.get_by_role("button", name="Did it").click()
    expect(b_card).to_contain_text("Goal reached!")
    expect(a_card).to_contain_text("Goal reached!", timeout=15_000)
    check_accessibility(b)

    a_card.get_by_role("link", name="30 practice sessions").click()
    expect(a.get_by_role("heading", level=1)).to_have_text("30 practice sessions")
    expect(a.get_by_text("Goal reached!")).to_be_visible()
    expect(a.get_by_role("region", name="Latest check-ins")).to_contain_text(
        "First 1:1 with the new structure"
    )
    check_accessibility(a)
    assert GoalReached.select().count() == 1
