"""The HR report and L&D analytics read the whole ledger, so their figures are kept for
INSIGHTS_CACHE_SECONDS (in Redis) and the page says how old they are; without Redis they are
computed for every request."""

import pytest
import redis

from cohorts.models import Membership
from learning.db import connection, db
from learning.people.models import Role
from tests.conftest import PASSWORD, make_app


@pytest.fixture
def app(database_url, redis_url, smtp_server, tmp_path):
    redis.Redis.from_url(redis_url).flushdb()
    app = make_app(database_url, redis_url, smtp_server, tmp_path, INSIGHTS_CACHE_SECONDS=300)
    yield app
    if not db.is_closed():
        db.close()


def forget_figures(app):
    """As when the lifetime is over: the kept figures are gone."""
    store = redis.Redis.from_url(app.config["REDIS_URL"])
    for key in store.scan_iter(f"{app.config['RATELIMIT_KEY_PREFIX']}:insights:*"):
        store.delete(key)


def test_analytics_figures_are_kept_then_computed_again(
    app, program, cohort, make_person, manager_client, count_queries
):
    page = f"/programs/{program.id}/analytics"
    first = manager_client.get(page)
    assert "6 members" in first.text
    assert "Figures as of" in first.text and "at most every 5 minutes" in first.text
    with app.app_context(), connection():
        Membership.create(cohort=cohort, person=make_person("late@example.com", "Late Joiner"))
    with app.app_context():
        kept = count_queries(lambda: manager_client.get(page))
    again = manager_client.get(page)
    assert "6 members" in again.text  # the kept figures, as the page says
    forget_figures(app)
    with app.app_context():
        fresh = count_queries(lambda: manager_client.get(page))
    assert "7 members" in manager_client.get(page).text
    assert kept < fresh  # nothing of the ledger was read for the kept figures


def test_the_hr_report_says_how_old_its_figures_are(app, cohort, make_person, sign_in):
    hr = sign_in(make_person("hr@example.com", "Harper HR", (Role.MEMBER, Role.HR)))
    page = hr.get("/reports/?grouping=cohort")
    assert page.status_code == 200
    assert "Figures as of" in page.text
    assert "Figures as of" in hr.get("/reports/?grouping=department").text  # each its own


def test_without_redis_the_figures_are_computed_for_each_request(
    database_url, smtp_server, tmp_path, program, cohort, manager
):
    down = make_app(database_url, "redis://127.0.0.1:9", smtp_server, tmp_path,
                    INSIGHTS_CACHE_SECONDS=300)  # fmt: skip
    client = down.test_client()
    signed = client.post("/sign-in", data={"email": manager.email, "password": PASSWORD})
    assert signed.status_code == 303
    assert "6 members" in client.get(f"/programs/{program.id}/analytics").text
