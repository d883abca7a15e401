"""Two people in one cohort, each in their own browser: what one does shows on the other's
open page within two seconds, brought by a live event, with no poll in between."""

import datetime
import re
import time

from playwright.sync_api import expect

from challenges import services as challenges
from feedback import services as feedback
from learning.db import connection
from tests.conftest import PASSWORD, Served, free_port
from tests.e2e.test_invitation_journey import sign_in

SOON = 2_000  # ms
DAYS_20 = datetime.timedelta(days=20)
# The parts of a page that poll when they hear no events.
POLLED = re.compile(r"/notifications/bell|/feed\b|/progress\b|/replies\b")


def watch(page):
    """The polled parts' requests the page makes, in a list it fills."""
    made = []
    page.on("request", lambda request: made.append(request.url) if POLLED.search(request.url)
            else None)  # fmt: skip
    return made


def test_a_reply_a_kudos_a_notice_and_a_check_in_reach_the_other_page_at_once(
    app, live_server, cohort, team, manager, program, browser
):
    author, reader = team[0], team[1]
    today = datetime.date.today()
    with app.app_context(), connection():
        thread = feedback.start_thread(cohort, reader, "question", "Where to begin?", "Ideas?")
        challenge = challenges.create_challenge(
            manager, program, cohort=cohort, title="Ten sessions", goal="count", target=10,
            starts_on=today - datetime.timedelta(days=1), ends_on=today + DAYS_20,
            unit="", steps=(),
        )  # fmt: skip

    b = browser.new_context().new_page()
    sign_in(b, live_server, reader.email, PASSWORD)
    b.wait_for_url(f"{live_server}/")
    b.goto(f"{live_server}/threads/{thread.id}")
    expect(b.locator("html")).to_have_attribute("data-live", "on")
    polled = watch(b)
    quiet_since = time.monotonic()

    a = browser.new_context().new_page()
    sign_in(a, live_server, author.email, PASSWORD)
    a.wait_for_url(f"{live_server}/")
    a.goto(f"{live_server}/threads/{thread.id}")
    # Longer than any poll's interval (10 s here): B, hearing its events, asked nothing.
    time.sleep(max(0.0, 11 - (time.monotonic() - quiet_since)))
    assert polled == []

    a.get_by_label("Your reply").fill("Start with the glossary")
    a.get_by_role("button", name="Post the reply").click()
    expect(b.locator("#replies")).to_contain_text("Start with the glossary", timeout=SOON)
    # Each event brought one request: the reply, and the notice of it (B asked the question).
    assert sorted(re.sub(r"\?.*", "", url) for url in polled) == [
        f"{live_server}/notifications/bell",
        f"{live_server}/threads/{thread.id}/replies",
    ]

    # B reads the cohort's space: its feed, the challenge's progress, the bell.
    b.goto(f"{live_server}/cohorts/{cohort.id}")
    expect(b.locator("html")).to_have_attribute("data-live", "on")
    bell = b.get_by_role("link", name=re.compile(r"^Notifications"))
    unread_before = bell.inner_text()
    a.goto(f"{live_server}/cohorts/{cohort.id}/kudos?to={reader.id}")
    a.get_by_label("Generosity").check()
    a.get_by_role("button", name="Give kudos").click()
    expect(b.locator("#feed-items")).to_contain_text("kudos for Generosity", timeout=SOON)
    # The kudos is also a notice to B: the bell counts it.
    expect(bell).not_to_have_text(unread_before, timeout=SOON)
    expect(bell).to_have_text(re.compile(r"unread"))

    progress = b.get_by_role("progressbar", name="Progress towards Ten sessions")
    expect(progress).to_have_attribute("value", "0")
    with app.app_context(), connection():
        challenges.check_in(author, challenge, cohort, "done")
    expect(progress).to_have_attribute("value", "1", timeout=SOON)


def test_with_redis_down_the_page_polls_and_keeps_working(app, cohort, team, browser):
    author, reader = team[0], team[1]
    with app.app_context(), connection():
        thread = feedback.start_thread(cohort, reader, "question", "Anyone?", "Ideas?")
    # Nothing listens where Redis was.
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}"
    app.extensions.pop("redis", None)
    server = Served(app)
    try:
        b = browser.new_context().new_page()
        sign_in(b, server.url, reader.email, PASSWORD)
        b.wait_for_url(f"{server.url}/")
        b.goto(f"{server.url}/threads/{thread.id}")
        expect(b.locator("html")).to_have_attribute("data-live", "off")
        with app.app_context(), connection():
            feedback.reply(thread, author, body="Polling still brings this")
        # The thread's poll (every 10 s) brings it.
        expect(b.locator("#replies")).to_contain_text("Polling still brings this", timeout=12_000)
    finally:
        server.stop()
