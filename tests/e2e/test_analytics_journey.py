"""L&D opens the program's analytics while its figures are first computed and sees them appear
without reloading; once they are old, the page offers the newer ones as soon as a job has
computed them. L&D opens the least healthy cohort; its facilitator sees the same health
page. The pages pass axe. Without JavaScript, the waiting page refreshes itself."""

import re

from playwright.sync_api import expect

from feedback import services as feedback
from learning.db import connection
from tests.conftest import PASSWORD
from tests.e2e.test_invitation_journey import sign_in
from tests.learning.test_kept_figures import age


def test_ld_reads_analytics_and_a_facilitator_reads_their_cohorts_health(
    app, live_server, cohort, team, manager, facilitator, browser, check_accessibility, run_jobs
):
    app.config["INSIGHTS_CACHE_SECONDS"] = 300  # computed by a job, as in production
    with app.app_context(), connection():
        thread = feedback.start_thread(cohort, team[0], "question", "Where to start?", "Ideas?")
        feedback.reply(thread, team[1], "With the first chapter.")

    page = browser.new_context().new_page()
    sign_in(page, live_server, manager.email, PASSWORD)
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/programs/{cohort.program_id}")
    page.get_by_role("link", name="Analytics and cohort health").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Analytics"))
    expect(page.get_by_role("status")).to_contain_text("Preparing the analytics")
    check_accessibility(page)
    run_jobs()  # the worker; the page looks again and shows what it computed
    expect(page.get_by_role("img", name="Weekly active members")).to_be_visible(timeout=10_000)
    expect(page.get_by_text("Figures as of")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("week by week"))).to_contain_text("2 of 6")
    check_accessibility(page)

    age(app, seconds=301)  # older than INSIGHTS_CACHE_SECONDS: shown while new ones compute
    page.reload()
    expect(page.get_by_text("Newer figures are being computed")).to_be_visible()
    run_jobs()  # the page looks every five seconds and offers them once ready
    expect(page.get_by_role("status")).to_contain_text("Newer figures are ready", timeout=12_000)
    page.get_by_role("link", name="show them").click()
    expect(page.get_by_text("Newer figures")).to_have_count(0)
    page.get_by_role("link", name=cohort.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Health of {cohort.name}")
    check_accessibility(page)

    own = browser.new_context().new_page()
    sign_in(own, live_server, facilitator.email, PASSWORD)
    own.wait_for_url(f"{live_server}/")
    own.goto(f"{live_server}/cohorts/{cohort.id}")
    own.get_by_role("link", name="This cohort's health").click()
    expect(own.get_by_role("table", name="The parts of the score")).to_contain_text(
        "Answering each other"
    )


def test_without_javascript_the_waiting_page_refreshes_itself(
    app, live_server, cohort, manager, browser, run_jobs
):
    app.config["INSIGHTS_CACHE_SECONDS"] = 300
    page = browser.new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, manager.email, PASSWORD)
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/programs/{cohort.program_id}/analytics")
    expect(page.get_by_text("Preparing the analytics")).to_be_visible()
    run_jobs()
    expect(page.get_by_role("img", name="Weekly active members")).to_be_visible(timeout=10_000)
    expect(page.get_by_text("Preparing the analytics")).to_have_count(0)
