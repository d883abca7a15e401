"""Sign-in, sign-out, revocable sessions, password reset and rate limits."""

import json
import re

from learning.audit.models import AuditEntry
from learning.db import connection
from learning.people.models import Role
from tests.conftest import CSRF_META, PASSWORD

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


def without_tokens(html):
    html = CSRF_META.sub("", html)
    return re.sub(r'(name="csrf_token"[^>]*value=|X-CSRFToken": )"[^"]+"', r"\1", html)


def test_sign_in_page_is_a_full_page_and_a_fragment_for_htmx(client):
    page = client.get("/sign-in")
    assert page.status_code == 200
    assert "<h1>Sign in</h1>" in page.text and "<html" in page.text
    fragment = client.get("/sign-in", headers=HTMX)
    assert 'id="sign-in-form"' in fragment.text and "<html" not in fragment.text
    assert "HX-Request-Type" in fragment.headers["Vary"]


def test_signing_in_lands_on_home_and_is_audited(client, member):
    response = client.post(
        "/sign-in", data={"email": "  MEMBER@Example.com ", "password": PASSWORD}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "Hello, Mo" in client.get("/").text
    assert AuditEntry.get(AuditEntry.action == "signed_in").actor_id == member.id


def test_wrong_password_and_unknown_email_get_identical_answers(client, member):
    wrong = client.post("/sign-in", data={"email": member.email, "password": "not it at all"})
    unknown = client.post("/sign-in", data={"email": "nobody@example.com", "password": "x" * 13})
    assert wrong.status_code == unknown.status_code == 422
    assert "do not match an account" in wrong.text
    assert without_tokens(wrong.text.replace(member.email, "E")) == without_tokens(
        unknown.text.replace("nobody@example.com", "E")
    )


def test_sign_in_form_keeps_the_email_and_names_the_missing_password(client):
    response = client.post("/sign-in", data={"email": "kept@example.com", "password": ""})
    assert response.status_code == 422
    assert 'value="kept@example.com"' in response.text
    assert "Enter your password." in response.text
    assert 'aria-invalid="true"' in response.text


def test_sign_in_by_htmx_redirects_with_hx_redirect(client, member):
    response = client.post(
        "/sign-in?next=/account",
        data={"email": member.email, "password": PASSWORD},
        headers=HTMX,
    )
    assert response.headers["HX-Redirect"] == "/account"


def test_next_never_leaves_the_site(client, member):
    response = client.post(
        "/sign-in?next=//evil.example/phish", data={"email": member.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_pages_need_sign_in_and_htmx_gets_a_redirect_header(client):
    page = client.get("/account")
    assert page.status_code == 302 and page.headers["Location"].startswith("/sign-in?next=")
    boosted = client.get("/account", headers={**HTMX, "HX-Request-Type": "full"})
    assert boosted.headers["HX-Redirect"] == "/sign-in?next=/account"


def test_a_fragment_asked_for_after_signing_out_leads_back_to_its_page(client, member):
    """The bell asks again when a signed-out page's stream closes: signing in again leads to
    the page it was on, never to the bell's fragment (a blank answer)."""
    bell = client.get(
        "/notifications/bell?shown=0",
        headers={**HTMX, "HX-Current-URL": "http://localhost/kudos?page=2"},
    )
    assert bell.headers["HX-Redirect"] == "/sign-in?next=/kudos?page%3D2"
    unknown = client.get("/notifications/bell?shown=0", headers=HTMX)
    assert unknown.headers["HX-Redirect"] == "/sign-in"
    signed_in = client.post(
        bell.headers["HX-Redirect"], data={"email": member.email, "password": PASSWORD}
    )
    assert signed_in.headers["Location"] == "/kudos?page=2"


def test_rate_limit_answers_429_with_a_readable_page(app, client, member):
    app.config["SIGNIN_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert (
            client.post("/sign-in", data={"email": member.email, "password": "wrong"}).status_code
            == 422
        )
    limited = client.post("/sign-in", data={"email": member.email, "password": PASSWORD})
    assert limited.status_code == 429
    assert "<h1>Too many attempts</h1>" in limited.text
    assert "Traceback" not in limited.text
    as_htmx = client.post(
        "/sign-in", data={"email": member.email, "password": PASSWORD}, headers=HTMX
    )
    assert as_htmx.status_code == 429 and as_htmx.headers["HX-Retarget"] == "#messages"


def test_the_account_limit_holds_across_addresses(app, member):
    app.config["SIGNIN_LIMIT"] = "2 per minute"
    for address in ("10.0.0.1", "10.0.0.2"):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        client.post("/sign-in", data={"email": member.email, "password": "wrong"})
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.3"
    assert (
        other.post("/sign-in", data={"email": member.email, "password": PASSWORD}).status_code
        == 429
    )


def test_sign_out_ends_the_session(member_client):
    assert member_client.post("/sign-out").status_code == 303
    assert member_client.get("/").status_code == 302


def test_a_copy_of_the_cookie_taken_before_signing_out_opens_nothing_after(app, member, sign_in):
    laptop = sign_in(member)
    copied = laptop.get_cookie("session").value
    other_device = sign_in(member)
    assert laptop.post("/sign-out").status_code == 303
    thief = app.test_client()
    thief.set_cookie("session", copied)
    ended = thief.get("/account")
    assert ended.status_code == 302 and ended.headers["Location"].startswith("/sign-in")
    # Only that session ended: the person's other sign-ins go on, and so does signing in.
    assert other_device.get("/account").status_code == 200
    assert sign_in(member).get("/account").status_code == 200
    with app.app_context(), connection():
        assert AuditEntry.select().where(AuditEntry.action == "signed_out").count() == 1


def test_sign_out_everywhere_revokes_every_session_even_a_kept_one(app, member, sign_in):
    laptop = sign_in(member)
    phone = app.test_client()
    phone.post("/sign-in", data={"email": member.email, "password": PASSWORD, "remember": "y"})
    kept = phone.get_cookie("session")
    assert kept.expires is not None  # it outlives the browser window
    assert laptop.post("/account/sign-out-everywhere").status_code == 303
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 302
    # The cookie the phone kept, sent again, no longer signs anyone in.
    replay = app.test_client()
    replay.set_cookie("session", kept.value)
    assert replay.get("/").status_code == 302


def test_changing_the_password_signs_out_other_devices_but_not_this_one(member, sign_in):
    here, elsewhere = sign_in(member), sign_in(member)
    response = here.post(
        "/account/password",
        data={
            "current": PASSWORD,
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 303
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302


def test_changing_the_password_with_a_wrong_current_one_says_so(member_client):
    response = member_client.post(
        "/account/password",
        data={
            "current": "not my password",
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 422
    assert "That is not your current password." in response.text


def test_password_reset_by_email_works_once(client, member, inbox, run_jobs):
    answer = client.post("/forgot-password", data={"email": member.email})
    assert "a link to reset the password is on its way" in answer.text
    run_jobs()
    [message] = inbox.to(member.email)
    assert message["Subject"] == "Reset your password"
    link = inbox.link(message).removeprefix("http://localhost")
    assert client.get(link).status_code == 200
    short = client.post(link, data={"password": "short", "confirm": "short"})
    assert short.status_code == 422 and "at least 12 characters" in short.text
    done = client.post(
        link, data={"password": "my new long passphrase", "confirm": "my new long passphrase"}
    )
    assert done.status_code == 303
    again = client.get(link)
    assert again.status_code == 410 and "already been used" in again.text
    old = client.post("/sign-in", data={"email": member.email, "password": PASSWORD})
    assert old.status_code == 422
    new = client.post(
        "/sign-in", data={"email": member.email, "password": "my new long passphrase"}
    )
    assert new.status_code == 303


def test_reset_answers_the_same_for_unknown_addresses_and_sends_nothing(
    client, member, inbox, run_jobs
):
    known = client.post("/forgot-password", data={"email": member.email})
    unknown = client.post("/forgot-password", data={"email": "ghost@example.com"})
    assert without_tokens(known.text.replace(member.email, "E")) == without_tokens(
        unknown.text.replace("ghost@example.com", "E")
    )
    run_jobs()
    assert [m["To"] for m in inbox.messages] == [member.email]


def test_an_expired_reset_link_offers_a_new_one(app, client, member, inbox, run_jobs):
    client.post("/forgot-password", data={"email": member.email})
    run_jobs()
    link = inbox.link(inbox.to(member.email)[0]).removeprefix("http://localhost")
    app.config["RESET_MAX_AGE"] = -1
    response = client.get(link)
    assert response.status_code == 410
    assert "This link has expired" in response.text and "Send me a new reset link" in response.text


def test_a_tampered_link_is_not_found(client):
    response = client.get("/reset-password/not-a-real-token")
    assert response.status_code == 404 and "This link is not valid" in response.text


def test_forgot_password_with_a_bad_address_keeps_it_and_explains(client):
    response = client.post("/forgot-password", data={"email": "not-an-address"})
    assert response.status_code == 422
    assert 'value="not-an-address"' in response.text
    assert "Enter an email address like name@company.com." in response.text


def test_typing_the_password_again_is_limited_like_sign_in_and_failures_are_audited(
    app, make_person, sign_in
):
    """Changing the password and HR's report per person share one limit per person: someone
    holding a session cannot use either as a password oracle."""
    app.config["SIGNIN_LIMIT"] = "4 per minute"
    hr_person = make_person(roles=(Role.MEMBER, Role.HR))
    hr = sign_in(hr_person)
    change = {"current": "wrong guess 1", "password": "a new long passphrase 42",
              "confirm": "a new long passphrase 42"}  # fmt: skip
    report = {"purpose": "Checking participation before the review", "password": "guess"}
    assert hr.post("/account/password", data=change).status_code == 422
    assert hr.post("/account/password", data=change).status_code == 422
    assert hr.post("/reports/people", data=report).status_code == 422
    assert hr.post("/reports/people", data=report).status_code == 422
    for path, data in (("/account/password", change), ("/reports/people", report)):
        limited = hr.post(path, data=data)
        assert limited.status_code == 429, path
        assert "Too many attempts" in limited.text
    # Even the right password waits: a guesser cannot tell.
    right = {**report, "password": PASSWORD}
    assert hr.post("/reports/people", data=right).status_code == 429
    # Someone else's checks are not limited by it.
    other = sign_in(make_person(roles=(Role.MEMBER, Role.HR)))
    assert other.post("/reports/people", data=report).status_code == 422
    with app.app_context(), connection():
        failed = AuditEntry.select().where(
            AuditEntry.action == "password_check_failed", AuditEntry.actor == hr_person.id
        )
        assert sorted(json.loads(e.detail)["asked_by"] for e in failed) == [
            "change password", "change password", "individual report", "individual report"
        ]  # fmt: skip
