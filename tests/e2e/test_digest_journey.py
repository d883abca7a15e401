"""A member previews their digest, follows what needs them, and moves it to 07:00 daily."""

import re

from playwright.sync_api import expect

from feedback import services as feedback
from learning.db import connection
from tests.conftest import PASSWORD
from tests.e2e.test_invitation_journey import sign_in


def test_a_member_previews_the_digest_changes_when_it_comes_and_follows_an_item(
    app, live_server, cohort, team, browser, check_accessibility
):
    asker, reader = team[0], team[1]
    with app.app_context(), connection():
        thread = feedback.start_thread(
            cohort, asker, "share_work", "Draft roadmap", "Thoughts?", ask=[reader.id]
        )

    page = browser.new_context().new_page()
    sign_in(page, live_server, reader.email, PASSWORD)
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/account")
    page.get_by_role("link", name="Preview your next digest").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your digest")
    main = page.get_by_role("main")
    expect(main).to_contain_text(re.compile(r"Your next weekly digest comes on\s+Monday"))
    needs_you = page.get_by_role("region", name="Needs you")
    expect(needs_you).to_contain_text(f"{asker.display_name} asks for your feedback")
    check_accessibility(page)

    page.get_by_label("Daily, on working days").check()
    page.get_by_label("Hour").select_option(label="07:00")
    page.get_by_role("button", name="Save digest settings").click()
    expect(page.get_by_text("Your digest settings are saved.")).to_be_visible()
    expect(main).to_contain_text(re.compile(r"Your next daily digest comes on\s+\w+ .* at 07:00"))
    expect(page.get_by_label("Daily, on working days")).to_be_checked()
    check_accessibility(page)

    page.get_by_role("region", name="Needs you").get_by_role(
        "link", name=re.compile("Draft roadmap")
    ).click()
    expect(page).to_have_url(re.compile(rf"/threads/{thread.id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft roadmap")
