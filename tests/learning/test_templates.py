"""Every template renders, as a page or a fragment, in a real request."""

import dataclasses
import datetime
import re
from pathlib import Path

from flask import template_rendered

from learning.api import webhooks
from learning.calendar import services as calendar
from learning.calendar.ics import Event
from learning.chat import services as chat
from learning.db import atomic, connection, utcnow
from learning.digest import sections
from learning.digest import services as digests
from learning.notify.services import notify
from learning.people.models import Person, Preferences, Role

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
INCLUDED_ONLY = {
    "base.html",
    "_messages.html",
    "macros/forms.html",
    "macros/ui.html",
    "learning/mail/_layout.html",
    "learning/mail/_signature.txt",
    "learning/digest/_sections.html",
    "macros/charts.html",
    "learning/insights/_filters.html",
    "learning/insights/_table.html",
    "learning/insights/_as_of.html",
    # Figures being prepared: tests/learning/test_kept_figures.py renders these.
    "learning/insights/_figures_wait.html",
    "learning/insights/_figures_refresh.html",
}


def test_every_template_renders(app, admin_client, inbox, run_jobs, tmp_path, make_person, sign_in):
    rendered = set()

    def remember(sender, template, context, **extra):
        rendered.add(template.name)

    template_rendered.connect(remember, app)
    smtp = app.config["SMTP_URL"]
    try:
        anonymous = app.test_client()
        anonymous.get("/sign-in")
        anonymous.get("/sign-in", headers=HTMX)
        admin_client.get("/notifications")
        admin_client.get("/notifications/bell?shown=99", headers=HTMX)
        anonymous.get("/forgot-password")
        anonymous.post("/forgot-password", data={"email": "bad"}, headers=HTMX)
        anonymous.post("/forgot-password", data={"email": "admin@example.com"})
        anonymous.post("/forgot-password", data={"email": "admin@example.com"}, headers=HTMX)
        run_jobs()
        reset = inbox.link(inbox.to("admin@example.com")[0]).removeprefix("http://localhost")
        anonymous.get(reset)
        anonymous.post(reset, data={"password": "x"}, headers=HTMX)
        anonymous.get("/reset-password/broken")
        anonymous.get("/reset-password/broken", headers=HTMX)
        anonymous.get("/nowhere")
        anonymous.get("/nowhere", headers=HTMX)

        app.config["SMTP_URL"] = None
        admin_client.get("/people/invite")
        admin_client.post("/people/invite", data={"people": "new@example.com"}, headers=HTMX)
        run_jobs()
        admin_client.get("/")
        admin_client.get("/people/")
        admin_client.get("/audit/")
        admin_client.get("/audit/", headers=HTMX)
        admin_client.get("/admin/")
        admin_client.get("/admin/provisioning")
        admin_client.post("/account/language-and-time", data={"time_zone": "Nowhere"}, headers=HTMX)
        admin_client.get("/account")
        admin_client.post("/account/password", data={}, headers=HTMX)
        admin_client.post("/account/preferences", data={"digest_hour": "99"}, headers=HTMX)
        admin_client.get("/dev/outbox/")
        name = next((tmp_path / "outbox").glob("*.eml")).stem
        admin_client.get(f"/dev/outbox/{name}")
        link = (
            admin_client.get(f"/dev/outbox/{name}").text.split("http://localhost")[1].split('"')[0]
        )

        newcomer = app.test_client()
        newcomer.get(link)
        newcomer.post(link, data={}, headers=HTMX)
        password = "a long enough password"
        newcomer.post(
            link,
            data={
                "display_name": "N",
                "time_zone": "UTC",
                "password": password,
                "confirm": password,
            },
        )
        newcomer.get("/welcome/guidelines")
        newcomer.post("/welcome/guidelines", data={}, headers=HTMX)
        newcomer.post("/welcome/guidelines", data={"accept": "y"})
        newcomer.get("/welcome/preferences")
        app.test_client().get(link)  # used

        # Recognition admin, failed mail, and a notice's email with its unsubscribe page.
        admin_client.get("/admin/recognition/")
        admin_client.post("/admin/recognition/values", data={"name": ""}, headers=HTMX)
        admin_client.get("/admin/recognition/values/1")
        admin_client.post("/admin/recognition/values/1", data={"name": ""}, headers=HTMX)
        admin_client.get("/admin/recognition/celebrations")
        admin_client.post(
            "/admin/recognition/celebrations", data={"first_reply": "{oops}"}, headers=HTMX
        )
        admin_client.get("/admin/mail/")
        app.config["SMTP_URL"] = smtp
        with app.app_context(), connection():
            admin = Person.get(Person.email == "admin@example.com")
            Preferences.update(quiet_from=0, quiet_until=0, working_days="0123456").execute()
            notify(admin, "kudos", "kudos:tour", "Kudos for the tour", "/")
        run_jobs()
        unsubscribe = re.search(
            r"http://localhost(/unsubscribe/\S+)", inbox.text(inbox.messages[-1])
        )
        anonymous.get(unsubscribe.group(1))
        anonymous.post(unsubscribe.group(1))

        # API tokens: one's own made and shown once, the admins' refused; the reference.
        admin_client.post("/account/api-tokens", data={"name": "Script", "scopes": ["read:audit"]})
        admin_client.post("/admin/api-tokens", data={"name": ""}, headers=HTMX)
        anonymous.get("/api/v1/reference")
        # Webhooks: a refused address shown again, a subscription and its deliveries, and
        # (nothing listens on port 9) turned off after its one try, with the admins told.
        admin_client.post("/admin/webhooks", data={"url": "http://10.0.0.1/"}, headers=HTMX)
        app.config.update(WEBHOOK_PRIVATE_ADDRESSES=True, WEBHOOK_RETRY_DELAYS=[],
                          WEBHOOK_DISABLE_AFTER=1)  # fmt: skip
        with app.app_context(), connection():
            made = webhooks.subscribe(Person.get(Person.email == "admin@example.com"),
                                      "http://127.0.0.1:9/hook", ["export.ready"])  # fmt: skip
            with atomic():
                webhooks.emit("export.ready", "tour", {"export_id": 1})
        run_jobs()
        admin_client.get("/admin/webhooks")
        admin_client.get(f"/admin/webhooks/{made.id}")

        # Calendars: one's address, and an event sent, changed, then cancelled.
        admin_client.get("/account/calendar")
        admin_client.post("/account/calendar/new-address")
        admin_client.get("/account/calendar")
        with app.app_context(), connection():
            admin = Person.get(Person.email == "admin@example.com")
            day = datetime.date(2030, 1, 1)
            tour = Event("tour", "Tour", day, day + datetime.timedelta(days=1))
            with atomic():
                calendar.invitation(admin, tour)
            with atomic():
                calendar.changed([dataclasses.replace(tour, end=day + datetime.timedelta(days=2))])
            run_jobs()
            with atomic():
                calendar.cancel("tour")
        run_jobs()

        # Slack and Teams: the admins' page and a refused app, one's accounts, a refused
        # workflow address, the bot's link, and the admins told when Slack revokes the app.
        admin_client.get("/admin/slack")
        admin_client.get("/admin/slack/manifest.json")
        admin_client.post("/admin/slack", data={"bot_token": "nope"}, headers=HTMX)
        admin_client.get("/account/chat")
        admin_client.post("/account/chat/teams", data={"address": "nope"})
        with app.app_context(), connection():
            admin = Person.get(Person.email == "admin@example.com")
            chat.install(admin, "T1", "Acme", "U0", "xoxb-1", "0" * 32)
            token = chat.link_token("T1", "U1")
        admin_client.get("/admin/slack")
        admin_client.get(f"/chat/slack/link/{token}")
        with app.app_context(), connection():
            chat.revoked("token_revoked")
        run_jobs()

        # A person's data: the page, and an unconfirmed erasure shown again as a swap.
        admin_client.get("/people/1/privacy")
        admin_client.post("/people/1/erase", data={"confirm": ""}, headers=HTMX)

        # The digest: its page, its settings refused, the admins' numbers, and its email.
        admin_client.get("/digest")
        admin_client.post("/digest", data={"digest_frequency": "hourly"}, headers=HTMX)
        admin_client.get("/admin/digests")
        with app.app_context(), connection():
            reader = (
                Person.select(Person, Preferences)
                .join(Preferences)
                .where(Person.email == "admin@example.com")
                .get()
            )
            item = sections.Item("Ana thanked you", "/", utcnow(), detail="For the tour")
            composed = digests.Composed(reader, "weekly", utcnow(), [
                digests.Section("kudos", "Kudos you received", [item], more=2)
            ])  # fmt: skip
            assert digests.send_one(composed, "w-tour", utcnow(), utcnow()) == "sent"

        # HR's report, refused filters, an export's progress, its download page.
        hr = make_person("hr@example.com", "Harper HR", (Role.MEMBER, Role.HR))
        hr_client = sign_in(hr)
        hr_client.get("/reports/")
        hr_client.get("/reports/?start=2026-12-02&end=2026-12-01")
        hr_client.get("/reports/people")
        made = hr_client.post("/reports/exports", data={"format": "csv"}).headers["Location"]
        hr_client.get(made, headers=HTMX)
        run_jobs()
        hr_client.get(made)
    finally:
        template_rendered.disconnect(remember, app)

    # Domain templates are rendered by each domain's own template test, company sign-in's by
    # its tests against a provider (tests/learning/test_company_sign_in.py).
    every = {
        p.relative_to(TEMPLATES).as_posix()
        for p in TEMPLATES.rglob("*.*")
        if p.relative_to(TEMPLATES).parts[0] in ("learning", "macros")
        or len(p.parts) == 1
        or p.parent == TEMPLATES
    } - {p.relative_to(TEMPLATES).as_posix() for p in (TEMPLATES / "learning/sso").iterdir()}
    assert every - INCLUDED_ONLY - rendered == set()


def test_every_page_names_its_icon_and_favicon_ico_finds_it(client):
    page = client.get("/sign-in").text
    assert '<link rel="icon" href="/static/img/icon.svg" type="image/svg+xml">' in page
    answer = client.get("/favicon.ico")
    assert answer.status_code == 301 and answer.headers["Location"] == "/static/img/icon.svg"
    icon = client.get("/static/img/icon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    icon.close()


def test_a_person_changes_their_time_zone_on_the_account_page(app, member, member_client):
    page = member_client.get("/account").text
    assert "Language and time" in page and "data-detect-time-zone" in page
    bad = member_client.post(
        "/account/language-and-time", data={"language": "", "time_zone": "Mars/Olympus"}
    )
    assert bad.status_code == 422 and "Not a valid choice" in bad.text
    with app.app_context(), connection():
        assert Person.get_by_id(member.id).time_zone == member.time_zone  # unchanged
    good = member_client.post(
        "/account/language-and-time", data={"language": "", "time_zone": "Europe/Warsaw"}
    )
    assert good.status_code == 303
    with app.app_context(), connection():
        assert Person.get_by_id(member.id).time_zone == "Europe/Warsaw"
    assert "Saved. Your time zone is Europe/Warsaw." in member_client.get("/account").text


def test_administration_is_one_entry_of_the_navigation(admin_client):
    nav = admin_client.get("/").text.split('aria-label="Main"')[1].split("</nav>")[0]
    assert "Administration" in nav and "Audit log" not in nav and nav.count("<li>") <= 7
    page = admin_client.get("/admin/").text
    for label in ("People", "Audit log", "Recognition", "Failed emails", "Digests"):
        assert f"<strong>{label}</strong>" in page
