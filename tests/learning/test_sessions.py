"""Sessions and passwords (#9): new session at sign-in, idle and absolute time limits,
production cookies, argon2id settings, the password policy, answers that do not tell who has
an account, and rate limits shared by every web process."""

import statistics
import time

from argon2 import PasswordHasher

from learning.db import connection
from learning.people import services as people
from learning.people.models import Person
from learning.people.sessions import SEEN_AT
from tests.conftest import CSRF_META, PASSWORD, make_app
from tests.learning.test_auth import without_tokens

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


def sign_in(client, person, **extra):
    return client.post("/sign-in", data={"email": person.email, "password": PASSWORD, **extra})


def test_signing_in_starts_a_new_session(app, member):
    client = app.test_client()
    with client.session_transaction() as planted:
        planted["planted"] = "by someone else"
    before = CSRF_META.search(client.get("/sign-in").text).group(1)
    assert sign_in(client, member).status_code == 303
    with client.session_transaction() as session:
        assert "planted" not in session
    # The token of the signed-out page belongs to the old session and no longer works.
    after = CSRF_META.search(client.get("/account").text).group(1)
    assert after != before
    refused = client.post("/account/sign-out-everywhere", data={"csrf_token": before}, csrf=False)
    assert refused.status_code == 400


def backdate(client, **seconds_ago):
    now = int(time.time())
    with client.session_transaction() as session:
        for key, ago in seconds_ago.items():
            session[key] = now - ago


def test_a_session_ends_after_thirty_idle_minutes(member_client):
    backdate(member_client, seen_at=29 * 60)
    assert member_client.get("/account").status_code == 200
    backdate(member_client, seen_at=31 * 60)
    ended = member_client.get("/account")
    assert ended.status_code == 303 and ended.headers["Location"] == "/sign-in?next=/account"
    page = member_client.get(ended.headers["Location"])
    assert "signed out after a while without activity" in page.text
    # Signed out for good, not only for that request.
    assert member_client.get("/").status_code == 302


def test_polls_do_not_keep_an_idle_session_alive_but_clicks_do(member_client):
    backdate(member_client, seen_at=20 * 60)
    member_client.get("/notifications/bell", headers=HTMX)
    with member_client.session_transaction() as session:
        assert int(time.time()) - session[SEEN_AT] >= 20 * 60
    member_client.get("/account")
    with member_client.session_transaction() as session:
        assert int(time.time()) - session[SEEN_AT] < 5


def test_an_htmx_request_after_the_time_limit_is_sent_to_sign_in(member_client):
    backdate(member_client, signed_in_at=12 * 3600 + 1, seen_at=10)
    response = member_client.get("/notifications/bell", headers=HTMX)
    assert response.headers["HX-Redirect"] == "/sign-in"
    assert "reached its time limit" in member_client.get("/sign-in").text


def test_the_time_limits_are_configurable(app, member):
    app.config.update(SESSION_IDLE=60, SESSION_MAX_AGE=3600)
    client = app.test_client()
    sign_in(client, member)
    backdate(client, seen_at=61)
    assert client.get("/account").status_code == 303


def test_keep_me_signed_in_only_decides_whether_the_cookie_outlives_the_browser(app, member):
    browser = app.test_client()
    sign_in(browser, member)
    assert browser.get_cookie("session").expires is None
    kept = app.test_client()
    sign_in(kept, member, remember="y")
    assert kept.get_cookie("session").expires is not None
    assert kept.get_cookie("remember_token") is None
    backdate(kept, seen_at=31 * 60)
    assert kept.get("/account").status_code == 303


def test_production_cookies_and_hsts(database_url, redis_url, smtp_server, tmp_path, make_person):
    production = make_app(
        database_url, redis_url, smtp_server, tmp_path, SESSION_COOKIE_SECURE=True
    )
    person = make_person()
    client = production.test_client()
    response = sign_in(client, person)
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_development_sends_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers


def test_passwords_are_hashed_with_argon2id_at_owasp_settings(app, member):
    with app.app_context(), connection():
        stored = Person.get_by_id(member.id).password_hash
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_hash_with_older_settings_is_upgraded_at_the_next_sign_in(app, client, member):
    with app.app_context(), connection():
        old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
        Person.update(password_hash=old).where(Person.id == member.id).execute()
    assert sign_in(client, member).status_code == 303
    with app.app_context(), connection():
        assert Person.get_by_id(member.id).password_hash.startswith("$argon2id$v=19$m=19456")


def test_common_and_guessable_passwords_are_refused_next_to_the_field(member_client):
    for password in ("123456789012", "passwordpassword", "qwertyuiopasdf", "aaaaaaaaaaaaaa"):
        response = member_client.post(
            "/account/password",
            data={"current": PASSWORD, "password": password, "confirm": password},
        )
        assert response.status_code == 422, password
        assert "Choose something less common" in response.text
        assert 'aria-invalid="true"' in response.text


def test_a_password_made_of_the_persons_own_name_is_refused(app, make_person, sign_in):
    person = make_person(email="priyanka.raghunathan@example.com", name="Priyanka Raghunathan")
    client = sign_in(person)
    weak = "priyankaraghunathan"
    response = client.post(
        "/account/password", data={"current": PASSWORD, "password": weak, "confirm": weak}
    )
    assert response.status_code == 422 and "Choose something less common" in response.text


def test_no_composition_rules_a_long_lowercase_sentence_is_fine(member_client):
    fine = "purple otters juggle at noon"
    response = member_client.post(
        "/account/password", data={"current": PASSWORD, "password": fine, "confirm": fine}
    )
    assert response.status_code == 303


def test_the_command_line_applies_the_same_policy(app):
    with app.app_context():
        assert people.password_problem("123456789012") is not None
        assert people.password_problem("short") is not None
        assert people.password_problem("purple otters juggle at noon") is None


def _answer(client, path, email, **data):
    token = client.csrf_token()
    response = client.post(path, data={"email": email, "csrf_token": token, **data}, csrf=False)
    return response.status_code, without_tokens(response.text).replace(email, "E")


def test_reset_and_new_link_answer_the_same_for_known_and_unknown_addresses(
    app, member, run_jobs, inbox
):
    for path in ("/forgot-password", "/welcome/new-link"):
        known = _answer(app.test_client(), path, member.email)
        unknown = _answer(app.test_client(), path, "nobody@example.com")
        assert known == unknown, path
    run_jobs()
    # The work happened behind the scenes: a reset for the account, nothing for strangers.
    assert [m["Subject"] for m in inbox.to(member.email)] == ["Reset your password"]
    assert inbox.to("nobody@example.com") == []


def _median_time(app, path, email, data, rounds):
    client = app.test_client()
    token = client.csrf_token()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        client.post(path, data={"email": email, "csrf_token": token, **data}, csrf=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def test_response_times_do_not_tell_known_addresses_from_unknown(app, member):
    app.config.update(SIGNIN_LIMIT="1000 per minute", RESET_LIMIT="1000 per minute")
    checks = {
        "/sign-in": {"password": "not the right one"},
        "/forgot-password": {},
        "/welcome/new-link": {},
    }
    for path, data in checks.items():
        known, unknown = [], []
        # Interleaved, so a busy moment of the machine hits both sides alike.
        for _ in range(3):
            known.append(_median_time(app, path, member.email, data, 5))
            unknown.append(_median_time(app, path, "nobody@example.com", data, 5))
        a, b = statistics.median(known), statistics.median(unknown)
        assert abs(a - b) < 0.002 + 0.25 * max(a, b), (path, a, b)


def test_rate_limits_are_shared_by_every_web_process(app, database_url, redis_url,
                                                     smtp_server, tmp_path, member):  # fmt: skip
    # A second app on the same Redis is another gunicorn worker.
    other = make_app(
        database_url, redis_url, smtp_server, tmp_path,
        RATELIMIT_KEY_PREFIX=app.config["RATELIMIT_KEY_PREFIX"], SIGNIN_LIMIT="3 per minute",
    )  # fmt: skip
    app.config["SIGNIN_LIMIT"] = "3 per minute"
    wrong = {"email": member.email, "password": "not the right one"}
    for target in (app, other, app):
        assert target.test_client().post("/sign-in", data=wrong).status_code == 422
    assert other.test_client().post("/sign-in", data=wrong).status_code == 429


def test_invitations_are_rate_limited_per_inviter(app, manager, sign_in):
    app.config["INVITE_LIMIT"] = "2 per minute"
    client = sign_in(manager)
    for n in range(2):
        response = client.post("/people/invite", data={"people": f"new{n}@example.com"})
        assert response.status_code == 200
    refused = client.post("/people/invite", data={"people": "one.more@example.com"})
    assert refused.status_code == 429
    with app.app_context(), connection():
        assert not Person.select().where(Person.email == "one.more@example.com").exists()


def test_messages_never_shown_do_not_grow_the_cookie_past_what_browsers_keep(admin, admin_client):
    """A form sent again and again without following its redirects queues a message each
    time; only the last few wait, so the session cookie stays small and the person signed in."""
    token = admin_client.csrf_token()
    for _ in range(100):
        answer = admin_client.post(
            f"/people/{admin.id}/roles", data={"roles": "nonsense", "csrf_token": token}, csrf=False
        )
        assert answer.status_code == 303
    assert len(admin_client.get_cookie("session").value) < 2000
    page = admin_client.get("/people/")
    assert page.status_code == 200 and page.text.count("could not be saved") == 5
