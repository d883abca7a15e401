"""An admin downloads a leaver's data for them, then erases it; the leaver's thread stays,
signed "Former member"."""

from playwright.sync_api import expect

from feedback import services as feedback
from learning.db import connection
from tests.conftest import PASSWORD
from tests.e2e.test_invitation_journey import sign_in


def test_download_then_erase_a_persons_data(
    app, live_server, admin, cohort, team, browser, check_accessibility
):
    leaver = team[0]
    with app.app_context(), connection():
        thread = feedback.start_thread(cohort, leaver, "reflection", "What I learned",
                                       "Asking early saves days.")  # fmt: skip
    page = browser.new_context(accept_downloads=True).new_page()
    sign_in(page, live_server, admin.email, PASSWORD)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Administration").click()
    expect(nav.get_by_role("link", name="Administration")).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name="People", exact=True).click()
    # Every administration page is under the one entry of the navigation.
    expect(nav.get_by_role("link", name="Administration")).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name=f"Personal data of {leaver.display_name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Personal data of {leaver.display_name}"
    )
    check_accessibility(page)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download their data").click()
    assert "What I learned" in download.value.path().read_text()

    page.get_by_label("Type their email address to confirm").fill("wrong@example.com")
    page.get_by_role("button", name="Erase their data").click()
    expect(page.get_by_text("That is not their email address; nothing was erased.")).to_be_visible()
    expect(page.get_by_label("Type their email address to confirm")).to_have_value(
        "wrong@example.com"
    )
    check_accessibility(page)
    page.get_by_label("Type their email address to confirm").fill(leaver.email)
    page.get_by_role("button", name="Erase their data").click()
    expect(page.get_by_role("status")).to_contain_text("Their personal data is erased")
    expect(page.get_by_role("cell", name="Former member", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Erased", exact=True)).to_be_visible()

    colleague = browser.new_context().new_page()
    sign_in(colleague, live_server, team[1].email, PASSWORD)
    expect(colleague.get_by_role("heading", level=1)).to_contain_text("Hello")
    colleague.goto(f"{live_server}/threads/{thread.id}")
    expect(colleague.get_by_text("Asking early saves days.")).to_be_visible()
    expect(colleague.get_by_text("Former member").first).to_be_visible()
