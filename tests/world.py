"""The demo company as a world to probe: every route in an access table, and a URL for each
pointing at things the demo member can reach."""

import html
import re

from learning import demo as demo_data
from learning.db import connection
from learning.recognition.models import CompanyValue
from tests.api.test_access_table import TABLE as API
from tests.challenges.test_access import TABLE as CHALLENGES
from tests.cohorts.test_access import TABLE as COHORTS
from tests.feedback.test_access import TABLE as FEEDBACK
from tests.learning.test_access import PLATFORM
from tests.learning.test_access import TABLE as PLATFORM_PAGES
from tests.routes import urls

TABLES = CHALLENGES | COHORTS | FEEDBACK | PLATFORM_PAGES | PLATFORM
# The API's routes, asked with tokens, not as visitors (tests/api/test_access_table.py).
EVERY_ROUTE = TABLES | API
VISITORS = ("anonymous", "admin", "manager", "hr", "member", "facilitator")


def sign_in_everyone(app):
    """{visitor: a test client signed in as the demo's person of that kind}."""
    clients = {"anonymous": app.test_client()}
    for who in VISITORS[1:]:
        client = app.test_client()
        answer = client.post(
            "/sign-in", data={"email": f"{who}@demo.test", "password": demo_data.PASSWORD}
        )
        assert answer.status_code == 303
        clients[who] = client
    return clients


def world_urls(app, demo):
    """{endpoint: URL} for every route, with ids from the demo (`demo` fixture)."""
    with app.app_context(), connection():
        value_id = CompanyValue.select().first().id
    ids = {
        "filename": "css/app.css", "token": "made-up", "person_id": demo.member.id,
        "notification_id": 1, "value_id": value_id, "export_id": 1,
        "program_id": demo.cohort.program_id, "import_id": 1, "cohort_id": demo.cohort.id,
        "request_id": 1, "milestone_id": demo.milestone.id, "thread_id": demo.thread.id,
        "reply_id": demo.reply.id, "action": "hide", "report_id": 1,
        "challenge_id": demo.challenge.id, "check_in_id": demo.check_in.id, "name": "none",
        "delivery_id": 1, "identity_id": 1, "token_id": 1, "rest": "Users",
        "poll_id": demo.poll.id, "subscription_id": 1, "meeting_id": demo.meeting.id,
        "service": "teams",
    }  # fmt: skip
    return urls(app, {endpoint for endpoint, _ in TABLES}, ids)


def pages_everyone_reads(app, demo, headers=None):
    """(endpoint, visitor, response) for every page (HTML) of the demo that a visitor may read,
    as each of them reads it."""
    app.config.update(SIGNIN_LIMIT="10000 per minute")
    clients = sign_in_everyone(app)
    urls = world_urls(app, demo)
    for (endpoint, method), answers in sorted(TABLES.items()):
        if method != "GET" or endpoint == "static":
            continue
        for who, status in answers.items():
            who = {"ld_manager": "manager"}.get(who, who)
            if status != 200 or who not in clients:
                continue
            response = clients[who].get(urls[endpoint], headers=headers)
            if response.mimetype == "text/html":
                yield endpoint, who, response


def visible_text(page):
    """The words a person reads: no tags, scripts or styles; entities decoded."""
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
