"""Markup in every field people type that others see (#9): names, departments, program and
cohort texts, challenge titles, thread titles, check-in notes, kudos messages, company values,
celebrations and CSV imports, in every page that shows them and in the emails. It must arrive
as text: no element, attribute or script of its own. (Markdown bodies: feedback/test_xss.py.)"""

import csv
import io
from html.parser import HTMLParser

import pytest

from learning import demo
from learning.db import connection, utcnow

# Breaks out of attributes and elements, runs script, adds htmx behaviour: short enough for
# any 255-character column.
PAYLOAD = (
    "\"'><img id=xss1 src=x onerror=alert(1)><script id=xss2>alert(2)</script>"
    "<b hx-get=/sign-out hx-trigger=load id=xss3>"
)
ESCAPED = "&lt;img id=xss1"


class Dangers(HTMLParser):
    """Elements and attributes a page must never carry: the payload's own, inline event
    handlers, inline scripts (the CSP forbids them anyway) and javascript: links."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if (attrs.get("id") or "").startswith("xss"):
            self.found.append(f"{tag}#{attrs['id']}")
        self.found += [f"{tag}[{name}]" for name in attrs if name.startswith("on")]
        if tag == "script" and not attrs.get("src"):
            self.found.append("inline script")
        if any("javascript:" in (value or "").lower() for value in attrs.values()):
            self.found.append(f"{tag}[javascript:]")


def dangers(html):
    return Dangers(html).found


@pytest.fixture
def world(app, demo):
    """The demo company with the payload typed into every free-text field."""
    from challenges.models import Challenge, CheckIn
    from cohorts.models import Cohort, Program
    from feedback.models import Thread
    from learning.people.models import Person
    from learning.recognition.models import CompanyValue, Kudos, Milestone

    with app.app_context(), connection():
        Person.update(display_name=PAYLOAD, department=PAYLOAD, location=PAYLOAD).where(
            Person.email.in_(["member@demo.test", "facilitator@demo.test"])
        ).execute()
        Program.update(name=PAYLOAD, description=PAYLOAD).execute()
        Cohort.update(name=PAYLOAD).execute()
        Challenge.update(title=PAYLOAD, description=PAYLOAD).execute()
        Thread.update(title=PAYLOAD).execute()
        CheckIn.update(note=PAYLOAD).execute()
        Kudos.update(message=PAYLOAD).execute()
        CompanyValue.update(description=PAYLOAD).where(CompanyValue.id == 1).execute()
        Milestone.update(text=PAYLOAD).execute()
    return {"member": demo.member, "cohort": demo.cohort, "thread": demo.thread,
            "challenge": demo.challenge}  # fmt: skip


def client_for(app, name):
    client = app.test_client()
    response = client.post(
        "/sign-in", data={"email": f"{name}@demo.test", "password": demo.PASSWORD}
    )
    assert response.status_code == 303
    return client


def test_typed_markup_is_text_in_every_page_that_shows_it(app, world):
    c, p = world["cohort"].id, world["cohort"].program_id
    pages = {
        "member": [
            "/", f"/cohorts/{c}", f"/cohorts/{c}/people/{world['member'].id}",
            f"/threads/{world['thread'].id}", f"/cohorts/{c}/challenges/{world['challenge'].id}",
            f"/cohorts/{c}/board", "/check-ins", "/digest",
            f"/cohorts/{c}/kudos", f"/cohorts/{c}/feed",
        ],
        "facilitator": [f"/cohorts/{c}/health"],
        "manager": [
            "/programs/", f"/programs/{p}", f"/programs/{p}/analytics", f"/programs/{p}/challenges",
            f"/programs/{p}/edit",
        ],
        "hr": ["/reports/?grouping=department", "/reports/?grouping=location"],
        "admin": ["/people/", "/admin/recognition/"],
    }  # fmt: skip
    for who, paths in pages.items():
        client = client_for(app, who)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (who, path)
            assert dangers(response.text) == [], (who, path)
            assert ESCAPED in response.text, (who, path)  # the field is shown, as text


def test_typed_markup_is_text_in_the_emails(app, world, run_jobs, inbox):
    from learning.digest import services as digests
    from learning.people.models import Person, Preferences
    from learning.recognition import services as recognition
    from learning.recognition.models import CompanyValue

    member = world["member"]
    run_jobs()  # what the demo itself sent
    inbox.messages.clear()
    with app.app_context(), connection():
        # Whatever the hour the suite runs at, no quiet hours hold the notice back.
        Preferences.update(quiet_from=0, quiet_until=0, working_days="0123456").where(
            Preferences.person == member.id
        ).execute()
        giver = Person.get(Person.email == "facilitator@demo.test")
        recognition.give_kudos(
            giver, member, world["cohort"].id, "cohort", CompanyValue.select().first().id,
            PAYLOAD, token="xss-kudos",
        )  # fmt: skip
        now = utcnow()
        digests.send([(member.id, "xss-week", now.isoformat())], now)
    run_jobs()
    messages = inbox.to(member.email)
    assert len(messages) == 2  # the kudos notice and the digest
    for message in messages:
        html = message.get_body(preferencelist=("html",)).get_content()
        assert dangers(html) == [], message["Subject"]
        assert ESCAPED in html, message["Subject"]
    # The kudos notice in the app too.
    page = client_for(app, "member").get("/notifications").text
    assert dangers(page) == [] and ESCAPED in page


def test_markup_in_a_csv_import_is_text_in_the_preview(app, world):
    manager = client_for(app, "manager")
    program = world["cohort"].program_id
    rows = io.StringIO()
    csv.writer(rows).writerows(
        [["Email", "Name", "Department"], ["new.person@example.com", PAYLOAD, PAYLOAD]]
    )
    response = manager.post(
        f"/programs/{program}/import",
        data={"file": (io.BytesIO(rows.getvalue().encode()), "people.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert dangers(response.text) == []
    assert ESCAPED in response.text


def test_the_scanner_sees_the_payload_when_it_is_not_escaped():
    assert {"img#xss1", "img[onerror]", "script#xss2", "inline script", "b#xss3"} <= set(
        dangers(f"<p>{PAYLOAD}</p>")
    )
