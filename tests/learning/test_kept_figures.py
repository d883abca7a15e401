"""The HR report and L&D analytics read the whole ledger, so a job computes their figures and
the database keeps them: the first visit says they are being prepared and looks again; later
visits show the kept figures, and once they are older than INSIGHTS_CACHE_SECONDS, still show
them while one job computes new ones. Without Redis the job waits in the outbox."""

import datetime as dt
import html
import re

import pytest
import redis
from flask import template_rendered

from cohorts.models import Membership
from learning.db import connection, db, statements, utcnow
from learning.insights import kept
from learning.insights.models import KeptFigures
from learning.jobs.models import PendingJob
from learning.jobs.services import LOST_AFTER
from learning.people.models import Role
from tests.conftest import PASSWORD, make_app


@pytest.fixture
def app(database_url, redis_url, smtp_server, tmp_path):
    redis.Redis.from_url(redis_url).flushdb()
    app = make_app(database_url, redis_url, smtp_server, tmp_path, INSIGHTS_CACHE_SECONDS=300)
    yield app
    if not db.is_closed():
        db.close()


def figure_jobs(app):
    with app.app_context(), connection():
        return sorted(job.key for job in PendingJob.select().where(
            PendingJob.key.startswith("figures-")))  # fmt: skip


def age(app, **delta):
    """As if the kept figures, and the computations asked for, were `delta` older."""
    with app.app_context(), connection():
        for row in KeptFigures.select():
            KeptFigures.update(
                computed_at=row.computed_at and row.computed_at - dt.timedelta(**delta),
                asked_at=row.asked_at and row.asked_at - dt.timedelta(**delta),
            ).where(KeptFigures.id == row.id).execute()


def test_the_first_visit_waits_for_the_job_and_later_ones_read_what_it_kept(
    app, program, cohort, manager_client, run_jobs, count_queries
):
    page = f"/programs/{program.id}/analytics"
    first = manager_client.get(page)
    assert first.status_code == 200
    assert "Preparing the analytics" in first.text
    assert 'hx-trigger="load delay:2s"' in first.text  # htmx looks again
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in first.text
    assert "Preparing" in manager_client.get(page).text  # asked once, still running
    assert figure_jobs(app) == ["figures-1-1"]

    run_jobs()
    ready = manager_client.get(page)
    assert "6 members" in ready.text and "Figures as of" in ready.text
    assert "at most every 5 minutes" in ready.text
    assert "refresh" not in ready.text.split("</head>")[0]  # no longer refreshes itself
    with app.app_context():
        kept_reads = count_queries(lambda: manager_client.get(page))
    app.config["INSIGHTS_CACHE_SECONDS"] = 0
    with app.app_context():
        computing = count_queries(lambda: manager_client.get(page))
    assert kept_reads < computing  # nothing of the ledger is read for kept figures


def test_old_figures_are_shown_while_one_job_computes_new_ones(
    app, program, cohort, make_person, manager_client, run_jobs
):
    page = f"/programs/{program.id}/analytics"
    manager_client.get(page)
    run_jobs()
    with app.app_context(), connection():
        Membership.create(cohort=cohort, person=make_person("late@example.com", "Late Joiner"))
    assert "6 members" in manager_client.get(page).text  # kept, as the page says

    age(app, seconds=301)
    stale = manager_client.get(page)
    assert "6 members" in stale.text
    assert "Newer figures are being computed" in stale.text
    # The page looks whether they are ready, saying which figures it shows.
    poll = re.search(r'id="figures-newer" hx-get="([^"]+)" hx-trigger="every 5s"', stale.text)
    poll = html.unescape(poll[1])
    assert "shown=" in poll
    assert "Newer figures are being computed" in manager_client.get(poll).text
    assert figure_jobs(app) == ["figures-1-1", "figures-1-2"]  # one job for page and poll
    run_jobs()
    ready = manager_client.get(poll)  # offered, not swapped in under the reader
    newer = re.search(r'<span id="figures-newer">(.*?)</span>', ready.text)
    assert newer and "Newer figures are ready" in newer[1]
    assert f'href="{page}"' in newer[1] and "every 5s" not in ready.text
    fresh = manager_client.get(page)
    assert "7 members" in fresh.text and "Newer figures" not in fresh.text


def test_the_hr_report_prepares_its_filters_then_its_figures(
    app, cohort, make_person, sign_in, run_jobs
):
    hr = sign_in(make_person("hr@example.com", "Harper HR", (Role.MEMBER, Role.HR)))
    page = "/reports/?grouping=cohort"
    first = hr.get(page)
    assert "Preparing the report" in first.text  # the filters' options first
    assert ">Leading with curiosity</option>" not in first.text
    run_jobs()
    waiting = hr.get(page)
    assert ">Leading with curiosity</option>" in waiting.text  # the filters are offered
    assert "Preparing the report" in waiting.text  # and the figures asked for
    run_jobs()
    ready = hr.get(page)
    assert ready.status_code == 200
    assert "Participation by cohort" in ready.text and "Figures as of" in ready.text
    assert "Preparing" not in hr.get("/reports/?grouping=cohort").text
    assert "Preparing the report" in hr.get("/reports/?grouping=department").text  # its own


def test_a_running_computation_shows_its_progress(app, program, manager_client):
    page = f"/programs/{program.id}/analytics"
    manager_client.get(page)
    with app.app_context(), connection():
        (row,) = KeptFigures.select()
        KeptFigures.update(done=1, steps=3).where(KeptFigures.id == row.id).execute()
    waiting = manager_client.get(page).text
    assert "Preparing the analytics: step 1 of 3" in waiting
    assert '<progress id="figures-progress" max="3" value="1">' in waiting


def test_a_job_lost_for_longer_than_the_outbox_allows_is_asked_for_again(
    app, program, manager_client, run_jobs
):
    page = f"/programs/{program.id}/analytics"
    manager_client.get(page)
    age(app, seconds=LOST_AFTER.total_seconds() - 60)
    manager_client.get(page)
    assert figure_jobs(app) == ["figures-1-1"]  # still running, as far as anyone knows
    age(app, seconds=120)
    manager_client.get(page)
    assert figure_jobs(app) == ["figures-1-1", "figures-1-2"]
    run_jobs()
    with app.app_context(), connection():
        (row,) = KeptFigures.select()
        assert row.asked_at is None and row.value is not None
        # A job handed over twice computes once.
        assert kept.compute(row.id) == "already computed"


def test_without_redis_the_page_answers_and_the_job_waits_in_the_outbox(
    database_url, smtp_server, tmp_path, program, cohort, manager
):
    down = make_app(database_url, "redis://127.0.0.1:9", smtp_server, tmp_path,
                    INSIGHTS_CACHE_SECONDS=300)  # fmt: skip
    client = down.test_client()
    signed = client.post("/sign-in", data={"email": manager.email, "password": PASSWORD})
    assert signed.status_code == 303
    assert "Preparing the analytics" in client.get(f"/programs/{program.id}/analytics").text
    with down.app_context(), connection():
        (job,) = PendingJob.select().where(PendingJob.key.startswith("figures-"))
        assert job.handed_at is None  # the sweep hands it over once Redis is back


def test_figures_no_page_asked_for_in_a_week_are_forgotten(app, program, manager_client, run_jobs):
    manager_client.get(f"/programs/{program.id}/analytics")
    run_jobs()
    with app.app_context(), connection():
        assert kept.forget_unused() == 0
        assert kept.forget_unused(now=utcnow() + kept.FORGET_AFTER + dt.timedelta(minutes=1)) == 1
        assert KeptFigures.select().count() == 0


def test_a_process_renders_the_same_kept_figures_once(
    app, program, cohort, manager_client, run_jobs
):
    page = f"/programs/{program.id}/analytics"
    manager_client.get(page)
    run_jobs()
    rendered = []

    def remember(sender, template, context, **extra):
        rendered.append(template.name)

    with template_rendered.connected_to(remember, app):
        for _ in range(3):
            with statements() as seen:
                assert "6 members" in manager_client.get(page).text
        assert rendered.count("cohorts/_analytics_body.html") == 1
        # Rendered already: the kept figures' value is not even read.
        assert not [sql for sql, _ in seen if '"value"' in sql and "kept_figures" in sql]
        age(app, seconds=301)  # as the test moves their time, they are other figures
        manager_client.get(page)
        run_jobs()
        for _ in range(2):
            assert "6 members" in manager_client.get(page).text
    assert rendered.count("cohorts/_analytics_body.html") == 3  # the new figures, once


def _unreadable(params, progress):
    raise RuntimeError("the ledger is unreadable")


def test_a_failed_computation_is_recorded_for_operators_and_raised_for_rq_to_retry(app, run_jobs):
    kept.register(app, "test-unreadable", _unreadable)
    with app.test_request_context(), connection():
        assert kept.figures("test-unreadable", []).preparing
    run_jobs()
    with app.test_request_context(), connection():
        figures = kept.figures("test-unreadable", [])
        assert figures.preparing and figures.refreshing  # still asked for: RQ tries again
        assert figures.failed == "RuntimeError: the ledger is unreadable"
        (job,) = PendingJob.select().where(PendingJob.key.startswith("figures-"))
        assert job.done_at is None


def test_the_page_says_when_computing_failed_and_shows_the_figures_once_it_works(
    app, program, cohort, manager_client, run_jobs
):
    page = f"/programs/{program.id}/analytics"
    manager_client.get(page)
    with app.app_context(), connection():
        KeptFigures.update(failed="OperationalError: disk I/O error").execute()
    failed = manager_client.get(page).text
    assert "Computing the analytics failed. It is tried again in a few minutes" in failed
    assert "disk I/O error" not in failed  # for operators, not for readers
    assert 'hx-trigger="load delay:10s"' in failed
    assert '<noscript><meta http-equiv="refresh" content="10"></noscript>' in failed
    run_jobs()
    ready = manager_client.get(page).text
    assert "6 members" in ready and "failed" not in ready
    with app.app_context(), connection():
        assert KeptFigures.get().failed == ""
