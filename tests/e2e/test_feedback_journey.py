"""A shares work and asks B for feedback; B answers; A sees it arrive live and marks it helpful."""

from playwright.sync_api import expect

from learning.ledger import Activity
from tests.conftest import PASSWORD
from tests.e2e.conftest import watch_csp
from tests.e2e.test_invitation_journey import sign_in


def test_share_work_ask_for_feedback_and_mark_it_helpful(
    live_server, cohort, team, browser, check_accessibility
):
    author, reviewer = team[0], team[1]
    a = browser.new_context().new_page()
    a_refused = watch_csp(a)
    sign_in(a, live_server, author.email, PASSWORD)
    a.get_by_role("link", name=cohort.name).click()
    a.get_by_role("link", name="Start a thread").click()
    check_accessibility(a)
    a.get_by_label("Share work").check()
    a.get_by_label("Title").fill("My onboarding checklist")
    a.get_by_label("What would you like to say?").fill("Is it **too long**?")
    a.get_by_role("button", name="Preview").click()
    expect(a.locator("#preview strong")).to_have_text("too long")
    a.get_by_label(reviewer.display_name).check()
    a.get_by_role("button", name="Start the thread").click()
    expect(a.get_by_role("heading", level=1)).to_have_text("My onboarding checklist")
    check_accessibility(a)

    b = browser.new_context().new_page()
    b_refused = watch_csp(b)
    sign_in(b, live_server, reviewer.email, PASSWORD)
    b.get_by_role("link", name=cohort.name).click()
    needs = b.get_by_role("region", name="Needs your reply")
    expect(needs).to_contain_text(f"{author.display_name} asked for your feedback")
    check_accessibility(b)
    needs.get_by_role("link", name="My onboarding checklist").click()
    b.get_by_label("What worked").fill("The first-day section is great")
    b.get_by_label("What to try next").fill("Split week two")
    b.get_by_role("button", name="Post the reply").click()
    expect(b.locator("#replies")).to_contain_text("The first-day section is great")
    expect(b.get_by_label("What worked")).to_have_value("")

    # A second reply joins the list in place; an answer goes under the reply it answers.
    b.get_by_label("Your reply").fill("And the glossary helps")
    b.get_by_role("button", name="Post the reply").click()
    expect(b.locator("#replies-list > li")).to_have_count(2)
    expect(b.locator("#replies-list > li").last).to_contain_text("And the glossary helps")
    expect(b.get_by_label("Your reply")).to_have_value("")
    b.get_by_label("Reply to").select_option(
        label=f"{reviewer.display_name}: The first-day section is great"
    )
    b.get_by_label("Your reply").fill("Especially the map")
    b.get_by_role("button", name="Post the reply").click()
    expect(b.locator("#replies-list > li").first.locator(".replies.nested")).to_contain_text(
        "Especially the map"
    )
    expect(b.locator("#replies-list > li")).to_have_count(2)

    # A still has the thread open: the poll brings the feedback within about ten seconds.
    expect(a.locator("#replies")).to_contain_text("Split week two", timeout=15_000)
    # And B's answer to it, so no refresh of the replies is on its way when A acts: one
    # arriving after A's click would draw the replies as they were before it.
    expect(a.locator("#replies")).to_contain_text("Especially the map", timeout=15_000)
    a.get_by_role("button", name=f"Say the feedback of {reviewer.display_name} helped you").click()
    expect(a.locator("#replies")).to_contain_text("Helped you")
    check_accessibility(a)

    # htmx did all that (previews, swaps, polls) within the policy: no inline script or style.
    assert a_refused == [] and b_refused == []

    given = Activity.get(Activity.kind == "feedback_given")
    assert (given.actor_id, given.target_id) == (reviewer.id, author.id)
    assert Activity.get(Activity.kind == "marked_helpful").target_id == reviewer.id
