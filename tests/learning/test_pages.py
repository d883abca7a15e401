"""CSRF, error pages as pages and as swaps, access by role, headers and query counts."""

import re
from pathlib import Path

import pytest

from learning.people.models import Person

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_a_post_without_a_csrf_token_changes_nothing_and_says_why(admin_client):
    response = admin_client.post("/people/invite", data={"people": "x@example.com"}, csrf=False)
    assert response.status_code == 400
    assert "<h1>This form has expired</h1>" in response.text
    assert "nothing was changed" in response.text
    assert not Person.select().where(Person.email == "x@example.com").exists()


def test_an_htmx_post_without_a_token_gets_a_message_swapped_into_the_page(admin_client):
    response = admin_client.post(
        "/people/invite", data={"people": "x@example.com"}, csrf=False, headers=HTMX
    )
    assert response.status_code == 400
    assert "<html" not in response.text and 'role="alert"' in response.text
    assert "This form has expired" in response.text
    assert response.headers["HX-Retarget"] == "#messages"
    assert not Person.select().where(Person.email == "x@example.com").exists()


def test_a_wrong_csrf_token_is_refused_too(client, member):
    response = client.post(
        "/sign-in",
        data={"email": member.email, "password": "x", "csrf_token": "forged"},
        csrf=False,
    )
    assert response.status_code == 400


def test_htmx_requests_carry_the_token_from_the_body(member_client):
    page = member_client.get("/account").text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)
    assert f'hx-headers:inherited=\'{{"X-CSRFToken": "{token}"}}\'' in page
    response = member_client.post(
        "/account/preferences",
        data={
            "digest_frequency": "weekly",
            "digest_weekday": "0",
            "digest_hour": "9",
            "quiet_from": "20",
            "quiet_until": "8",
            "working_days": ["0", "4"],
        },  # fmt: skip
        headers={**HTMX, "X-CSRFToken": token},
        csrf=False,
    )
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/account"


@pytest.mark.parametrize(
    ("path", "status", "title"),
    [
        ("/no-such-page", 404, "We could not find that page"),
        ("/audit/", 403, "You do not have access"),
    ],
)
def test_error_pages_are_right_as_pages_and_as_swaps(member_client, path, status, title):
    page = member_client.get(path)
    assert page.status_code == status and f"<h1>{title}" in page.text and "<html" in page.text
    swap = member_client.get(path, headers=HTMX)
    assert swap.status_code == status and title in swap.text and "<html" not in swap.text
    assert swap.headers["HX-Retarget"] == "#messages"


def test_a_server_error_shows_a_calm_page_and_no_traceback(app, member, sign_in):
    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    member_client = sign_in(member)
    response = member_client.get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text and "kaboom" not in response.text
    swap = member_client.get("/boom", headers=HTMX)
    assert swap.status_code == 500 and "<html" not in swap.text


def test_history_restores_get_the_full_page(member_client):
    response = member_client.get("/account", headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert "<html" in response.text


# Who may open which page. Objects outside a person's reach answer 404 (later issues).
ACCESS = {
    "/": {"member": 200, "ld_manager": 200, "hr": 200, "admin": 200},
    "/account": {"member": 200, "ld_manager": 200, "hr": 200, "admin": 200},
    "/people/invite": {"member": 403, "ld_manager": 200, "hr": 403, "admin": 200},
    "/people/": {"member": 403, "ld_manager": 403, "hr": 403, "admin": 200},
    "/audit/": {"member": 403, "ld_manager": 403, "hr": 403, "admin": 200},
    # Tests send mail over SMTP, so there is no outbox to show (see test_jobs for the outbox).
    "/dev/outbox/": {"member": 404, "ld_manager": 404, "hr": 404, "admin": 404},
}


@pytest.mark.parametrize("path", list(ACCESS))
def test_every_page_answers_each_role_as_the_table_says(role_client, path):
    role, _, client = role_client
    assert client.get(path).status_code == ACCESS[path][role]


@pytest.mark.parametrize("path", list(ACCESS))
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_only_admins_change_roles_and_it_is_audited(admin_client, member, member_client):
    from learning.audit.models import AuditEntry

    denied = member_client.post(f"/people/{member.id}/roles", data={"roles": ["admin"]})
    assert denied.status_code == 403
    granted = admin_client.post(f"/people/{member.id}/roles", data={"roles": ["member", "hr"]})
    assert granted.status_code == 303
    assert Person.get_by_id(member.id).has_role("hr")
    entry = AuditEntry.get(AuditEntry.action == "role_granted")
    assert entry.subject == member.email and '"hr"' in entry.detail


def test_an_admin_cannot_remove_their_own_admin_role(admin, admin_client):
    admin_client.post(f"/people/{admin.id}/roles", data={"roles": ["member"]})
    assert Person.get_by_id(admin.id).has_role("admin")
    assert "You cannot remove your own admin role" in admin_client.get("/people/").text


def test_pages_send_security_headers(client):
    headers = client.get("/sign-in").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"


def test_session_cookies_are_httponly_and_samesite(client):
    cookie = client.get("/sign-in").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_htmx_is_self_hosted_with_its_license_and_version(client):
    page = client.get("/sign-in").text
    assert '<script src="/static/vendor/htmx-4.0.1/htmx.min.js"></script>' in page
    vendor = TEMPLATES.parent / "static" / "vendor" / "htmx-4.0.1"
    assert (vendor / "LICENSE").exists()
    assert "this.version = '4.0.1'" in (vendor / "htmx.js").read_text()
    with client.get("/static/vendor/htmx-4.0.1/htmx.min.js") as response:
        assert response.status_code == 200


def test_the_people_page_does_a_constant_number_of_queries(
    admin_client, make_person, count_queries
):
    few = count_queries(lambda: admin_client.get("/people/"))
    for _ in range(15):
        make_person(password=None)
    many = count_queries(lambda: admin_client.get("/people/"))
    assert few == many


def test_the_audit_page_does_a_constant_number_of_queries(admin_client, admin, app, count_queries):
    from learning.audit.services import log
    from learning.db import connection

    few = count_queries(lambda: admin_client.get("/audit/"))
    with app.app_context(), connection():
        for n in range(20):
            log(admin, "signed_in", f"row {n}")
    many = count_queries(lambda: admin_client.get("/audit/"))
    assert few == many


def test_every_template_compiles(app):
    names = [p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.*")]
    assert len(names) > 20
    for name in names:
        app.jinja_env.get_template(name)


def test_preferences_without_a_working_day_are_refused_keeping_the_other_choices(member_client):
    response = member_client.post(
        "/account/preferences",
        data={"digest_frequency": "daily", "digest_weekday": "2", "digest_hour": "7",
              "quiet_from": "22", "quiet_until": "6", "kudos_email": "y"},
        headers=HTMX,
    )  # fmt: skip
    assert response.status_code == 422
    assert "Choose at least one working day." in response.text
    assert '<option selected value="22">22:00</option>' in response.text
    assert (
        'checked id="kudos_email"' in response.text or 'id="kudos_email" checked' in response.text
    )
    # Nothing was saved.
    page = member_client.get("/account").text
    assert '<option selected value="20">20:00</option>' in page


def test_the_audit_log_reads_as_words_and_is_filtered_by_who_what_and_when(
    admin_client, admin, member, app
):
    import datetime as dt

    from learning.audit.models import AuditEntry
    from learning.audit.services import log
    from learning.db import connection

    with app.app_context(), connection():
        log(admin, "export_requested", "participation report (csv)",
            filters={"start": "2026-11-01", "end": "2026-11-30"},
            grouping="department")  # fmt: skip
        log(member, "signed_in", member.email)
        AuditEntry.update(created_at=dt.datetime(2026, 10, 3, 9)).where(
            AuditEntry.action == "signed_in", AuditEntry.actor == member.id
        ).execute()
    page = admin_client.get("/audit/").text
    assert "filters: end 2026-11-30, start 2026-11-01<br>grouping: department" in page
    table = page[page.index("<table") :]
    assert "{&#34;" not in table and '{"' not in table  # no raw JSON
    exports = admin_client.get("/audit/", query_string={"action": "export_requested"}).text
    assert "participation report (csv)" in exports and member.email not in exports
    theirs = admin_client.get("/audit/", query_string={"who": member.email.upper()}).text
    assert member.email in theirs and "participation report" not in theirs
    october = {"start": "2026-10-01", "end": "2026-10-31"}
    assert member.email in admin_client.get("/audit/", query_string=october).text
    nothing = admin_client.get("/audit/", query_string={"start": "2026-12-02", "end": "2026-12-01"})
    assert nothing.status_code == 422
    assert "The end date comes before the start date." in nothing.text
    assert 'value="2026-12-02"' in nothing.text  # what was typed stays
