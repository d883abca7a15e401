"""Injection (#9): open redirects through `next`, SQL injection through every filter and
search parameter. (Markup in users' words: tests/test_xss.py; formulas in exports:
tests/learning/test_reports.py.)"""

from urllib.parse import quote, urlsplit

import pytest

from learning.db import connection
from learning.people.models import Person
from tests.conftest import PASSWORD

REDIRECTS = [
    "//evil.example/phish",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example",
    "http:evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "%2F%2Fevil.example",
    "/%0d%0aSet-Cookie:%20x=1",
    "http://localhost@evil.example",
]


@pytest.mark.parametrize("target", REDIRECTS)
def test_next_never_sends_anyone_to_another_site(client, member, target):
    response = client.post(
        f"/sign-in?next={quote(target, safe='')}",
        data={"email": member.email, "password": PASSWORD},
    )
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert parts.scheme == "" and parts.netloc == "" and location.startswith("/"), location
    assert not location.startswith("//") and "\\" not in location
    assert not any(ord(c) <= 32 for c in location)


def test_a_path_on_this_site_is_kept(client, member):
    response = client.post(
        "/sign-in?next=/account%3Ftab%3Dpassword",
        data={"email": member.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/account?tab=password"


SQL = [
    "' OR '1'='1",
    "1' OR 1=1 --",
    "1; DROP TABLE person; --",
    "1 UNION SELECT password_hash FROM person --",
    "%' OR email LIKE '%",
    '") OR ("1"="1',
    "\\",
    "\x00",
    "9" * 40,
    "-1",
    "1e309",
]


def _pages(ids):
    """Every page that reads filter or search parameters, with the parameter's name."""
    program, cohort, thread, challenge = ids
    return [
        ("/search", "q"),
        ("/reports/", "department"),
        ("/reports/", "location"),
        ("/reports/", "program"),
        ("/reports/", "cohort"),
        ("/reports/", "start"),
        ("/reports/", "grouping"),
        ("/audit/", "page"),
        ("/notifications/bell", "shown"),
        (f"/cohorts/{cohort}/feed", "after"),
        (f"/cohorts/{cohort}/feed", "before"),
        (f"/cohorts/{cohort}/kudos", "to"),
        (f"/cohorts/{cohort}/kudos", "about"),
        (f"/threads/{thread}/replies", "after"),
        (f"/cohorts/{cohort}/challenges/{challenge}/progress", "v"),
        (f"/programs/{program}/challenges/new", "template"),
    ]


@pytest.fixture
def world(demo):
    return demo.cohort.program_id, demo.cohort.id, demo.thread.id, demo.challenge.id


def test_sql_in_every_filter_and_search_parameter_is_only_text(app, world):
    from learning import demo

    with app.app_context(), connection():
        people = Person.select().count()
    clients = []
    for email in ("member@demo.test", "hr@demo.test", "admin@demo.test", "manager@demo.test"):
        client = app.test_client()
        client.post("/sign-in", data={"email": email, "password": demo.PASSWORD})
        clients.append(client)
    for path, parameter in _pages(world):
        for attempt in SQL:
            for client in clients:
                response = client.get(path, query_string={parameter: attempt})
                assert response.status_code < 500, (path, parameter, attempt)
                assert "$argon2" not in response.text
                assert "Traceback" not in response.text
    with app.app_context(), connection():
        assert Person.select().count() == people


@pytest.mark.parametrize("number", ["9" * 40, str(2**31), str(2**63)])
def test_an_id_too_big_for_the_database_is_not_found(member_client, number):
    assert member_client.get(f"/cohorts/{number}").status_code == 404
    assert member_client.get(f"/threads/{number}").status_code == 404


def test_a_nul_character_anywhere_in_a_request_is_refused_with_a_message(member_client):
    """No person types one, and PostgreSQL cannot store one in text."""
    for answer in (
        member_client.get("/people/?find=a%00b"),
        member_client.post("/account/preferences", data={"digest_frequency": "daily\x00"}),
    ):
        assert answer.status_code == 400
        assert "Something in that request was not right" in answer.text
