"""Across the whole app (#9): every route has an access rule, no GET changes anything, and
every state-changing route refuses a request without the right CSRF token.

The world is the demo company: every kind of object exists, so every route gets a real URL."""

import hashlib

import pytest

from learning import demo
from learning.db import connection, db
from tests.routes import routes
from tests.world import EVERY_ROUTE, TABLES, world_urls

SIGN_INS = ("admin", "manager", "hr", "member", "facilitator")
# Read markers: opening a cohort or a thread records that its visitor has seen it, which is
# what "new since your last visit" is made of. Nothing anyone else sees changes.
READ_MARKERS = {"cohort_visit", "thread_read"}
# One-click unsubscribe (RFC 8058): mail clients POST without a session; the signed link is
# the authority, and a made-up one is not found.
# Posted by others than our pages, each checked otherwise: one-click unsubscribe (its signed
# token), the SAML provider's answer (its signature and the request it answers), the
# directory's SCIM requests (a bearer token, no cookie).
CSRF_EXEMPT = {
    ("notify.unsubscribe", "POST"),
    ("sso.saml_done", "POST"),
    ("chat.events", "POST"),
} | {("scim.serve", method) for method in ("POST", "PUT", "PATCH", "DELETE")}


def test_every_route_of_the_app_is_in_an_access_table(app):
    blueprints = {rule.endpoint.split(".")[0] for rule in app.url_map.iter_rules()}
    assert routes(app, *blueprints) == set(EVERY_ROUTE)


@pytest.fixture
def world(app, demo):
    return world_urls(app, demo)


def signed_in(app):
    clients = {}
    for name in SIGN_INS:
        client = app.test_client()
        response = client.post(
            "/sign-in", data={"email": f"{name}@demo.test", "password": demo.PASSWORD}
        )
        assert response.status_code == 303
        clients[name] = client
    return {"anonymous": app.test_client()} | clients


def snapshot(app):
    """A fingerprint of every table's rows."""
    with app.app_context(), connection():
        fingerprint = {}
        for table in sorted(set(db.get_tables()) - READ_MARKERS):
            rows = db.execute_sql(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()  # noqa: S608
            fingerprint[table] = hashlib.blake2b(repr(rows).encode()).hexdigest()
        return fingerprint


def assert_safe_headers(headers):
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    # Nothing personal is kept by browsers or proxies (HR pages and exports included).
    assert headers["Cache-Control"] == "no-store"


def test_no_get_changes_anything_for_anyone(app, world):
    """Every GET, for every visitor: nothing changes, and every page has the security headers."""
    clients = signed_in(app)
    before = snapshot(app)
    for endpoint, method in TABLES:
        if method != "GET":
            continue
        for who, client in clients.items():
            response = client.get(world[endpoint])
            response.close()
            assert response.status_code < 500, (endpoint, who)
            if response.mimetype == "text/html":
                assert_safe_headers(response.headers)
    assert snapshot(app) == before


def test_every_state_changing_route_refuses_a_missing_or_wrong_csrf_token(app, world):
    clients = signed_in(app)
    before = snapshot(app)
    for endpoint, method in TABLES:
        if method == "GET" or (endpoint, method) in CSRF_EXEMPT:
            continue
        for who, client in clients.items():
            for token in ({}, {"csrf_token": "forged"}):
                response = client.post(
                    world[endpoint], data={**token, "body": "x", "title": "x"}, csrf=False
                )
                assert response.status_code == 400, (endpoint, who, token)
                assert "This form has expired" in response.text
    assert snapshot(app) == before
