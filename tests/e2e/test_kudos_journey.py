"""A thanks B for B's feedback; B's bell rises without reload, B opens the notice and lands on
the feedback, and B's email arrives."""

import re

from playwright.sync_api import expect

from feedback import services as feedback
from learning.db import connection
from learning.people.models import Preferences
from learning.recognition.models import Kudos
from tests.conftest import PASSWORD
from tests.e2e.test_invitation_journey import sign_in


def test_kudos_on_feedback_reaches_the_bell_the_feedback_and_the_inbox(
    app, live_server, cohort, team, browser, inbox, run_jobs, check_accessibility
):
    author, reviewer = team[0], team[1]
    with app.app_context(), connection():
        thread = feedback.start_thread(cohort, author, "share_work", "My slides", "Thoughts?")
        given = feedback.reply(thread, reviewer, worked="Clear story", try_next="Fewer words")
        # B takes email at any hour, so the test does not depend on the clock.
        Preferences.update(quiet_from=0, quiet_until=0, working_days="0123456").where(
            Preferences.person == reviewer
        ).execute()
    run_jobs()
    inbox.messages.clear()

    b = browser.new_context().new_page()
    sign_in(b, live_server, reviewer.email, PASSWORD)
    bell = b.get_by_role("link", name=re.compile(r"^Notifications"))
    expect(bell).to_have_text(re.compile(r"Notifications 1 unread"))  # the first-feedback cheer

    a = browser.new_context().new_page()
    sign_in(a, live_server, author.email, PASSWORD)
    a.wait_for_url(f"{live_server}/")
    a.goto(f"{live_server}/threads/{thread.id}")
    a.get_by_role("link", name=f"Give {reviewer.display_name} kudos for this feedback").click()
    expect(a.get_by_role("heading", level=1)).to_have_text("Give kudos")
    check_accessibility(a)
    expect(a.get_by_label("Who do you want to thank?")).to_have_value(str(reviewer.id))
    a.get_by_role("button", name="Give kudos").click()
    expect(a.get_by_text("Choose one of the company's values.")).to_be_visible()
    a.get_by_label("Generosity").check()
    a.get_by_label("Message (optional)").fill("Your feedback made my slides twice as good")
    a.get_by_role("button", name="Give kudos").click()
    expect(a.get_by_role("heading", level=1)).to_have_text(cohort.name)
    expect(a.locator("#feed-items")).to_contain_text("kudos for Generosity")
    check_accessibility(a)

    # B did nothing: the bell's poll brings the new count within about fifteen seconds.
    expect(bell).to_have_text(re.compile(r"Notifications 2 unread"), timeout=20_000)
    bell.click()
    check_accessibility(b)
    b.get_by_role("button", name=re.compile(f"{author.display_name} gave you kudos")).click()
    expect(b).to_have_url(re.compile(rf"/threads/{thread.id}\?start={given.id}#reply-{given.id}$"))
    expect(b.locator(f"#reply-{given.id}")).to_contain_text("Clear story")

    run_jobs()
    [email] = [m for m in inbox.to(reviewer.email) if "kudos" in m["Subject"]]
    assert "Your feedback made my slides twice as good" in inbox.text(email)
    assert f"/threads/{thread.id}?start={given.id}#reply-{given.id}" in inbox.text(email)
    assert Kudos.get().receiver_id == reviewer.id
