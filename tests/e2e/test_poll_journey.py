"""A facilitator asks the cohort a question; two members answer in their own browsers and each
sees the results move without reloading; the poll closes; a third member's digest lists the
poll closing soon that they have not answered."""

import datetime
import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.test_invitation_journey import sign_in

SOON = 2_000  # ms: brought by a live event


def open_space(browser, base, person, cohort):
    page = browser.new_context().new_page()
    sign_in(page, base, person.email, PASSWORD)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/cohorts/{cohort.id}")
    expect(page.locator("html")).to_have_attribute("data-live", "on")
    return page


def test_a_cohort_asks_itself_a_question_and_sees_the_answer(
    live_server, cohort, team, facilitator, browser, check_accessibility
):
    question = "Which day suits the next session?"
    lead = open_space(browser, live_server, facilitator, cohort)
    lead.get_by_role("link", name="Ask the cohort").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Ask the cohort")
    check_accessibility(lead)
    lead.get_by_label("Question").fill(question)
    lead.get_by_label("Options, one per line").fill("Monday\nMonday")
    lead.get_by_role("button", name="Ask the cohort").click()
    expect(lead.get_by_text("“Monday” is there twice")).to_be_visible()
    expect(lead.get_by_label("Question")).to_have_value(question)
    lead.get_by_label("Options, one per line").fill("Monday\nWednesday\nFriday")
    lead.get_by_role("button", name="Ask the cohort").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text(question)

    a_person, b_person, c_person = [p for p in team if p.id != facilitator.id][:3]
    a, b = (open_space(browser, live_server, p, cohort) for p in (a_person, b_person))
    # The question waits for each of them at the top of their cohort's space.
    for page in (a, b):
        page.get_by_role("region", name="Needs your reply").get_by_role(
            "link", name=question
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(question)
    a_poll = a.get_by_role("article", name=question)
    b_poll = b.get_by_role("article", name=question)
    expect(b_poll).to_contain_text("Answer to see the results.")
    check_accessibility(a)

    a_poll.get_by_label("Wednesday").check()
    a_poll.get_by_role("button", name="Answer").click()
    expect(a_poll).to_contain_text("1 person answered")
    expect(a_poll).to_contain_text("1 answer (100%): " + a_person.display_name)
    # B has not reloaded: the count moves on B's page; the results wait for B's answer.
    expect(b_poll).to_contain_text("1 person answered", timeout=SOON)
    expect(b_poll).to_contain_text("Answer to see the results.")

    b_poll.get_by_label("Friday").check()
    b_poll.get_by_role("button", name="Answer").click()
    expect(b_poll).to_contain_text("2 people answered")
    expect(a_poll).to_contain_text("1 answer (50%): " + b_person.display_name, timeout=SOON)
    check_accessibility(b)

    lead.get_by_role("button", name=re.compile("^Close the poll")).click()
    expect(lead.get_by_text("The poll is closed; its results are final.")).to_be_visible()
    expect(lead.get_by_role("article", name=question)).to_contain_text("Closed")

    # A second question, closing tomorrow: the member who has not answered finds it in their
    # digest's preview.
    lead.goto(f"{live_server}/cohorts/{cohort.id}/polls/new")
    lead.get_by_label("Question").fill("Lunch together on Friday?")
    lead.get_by_label("Options, one per line").fill("Yes\nNo")
    tomorrow = datetime.datetime.now() + datetime.timedelta(days=1)
    lead.get_by_label("Closes at (optional)").fill(tomorrow.strftime("%Y-%m-%dT%H:%M"))
    lead.get_by_role("button", name="Ask the cohort").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Lunch together on Friday?")
    c = browser.new_context().new_page()
    sign_in(c, live_server, c_person.email, PASSWORD)
    c.wait_for_url(f"{live_server}/")
    c.goto(f"{live_server}/digest")
    section = c.get_by_role("region", name="Polls closing soon you have not answered")
    expect(section).to_contain_text("Answer “Lunch together on Friday?”")
    check_accessibility(c)
