"""No page and no email leaves a text untranslated. The demo is read in a pseudo-language
whose catalogue, made here from the product's own (`messages.pot`), writes every marked text
inside ⟦ ⟧, and whose people write in Greek letters (what they wrote is theirs, never
translated): a Latin word left outside the brackets on any page, for any of the demo's
people, or in any email, is a text nobody marked for translation. Greek is also what Babel
writes the pseudo-language's dates in, so times, months and "5 minutes ago" pass only when
they go through the reader's language."""

import html
import json
import re

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from learning.db import atomic, connection, db, utcnow
from learning.i18n import TRANSLATIONS
from tests.world import pages_everyone_reads, sign_in_everyone, visible_text

PSEUDO = "el"


# What people write, in the demo's tables: shown as they wrote it, in any language.
WRITTEN = {
    "person": ["display_name", "department", "location"],
    "program": ["name", "description", "guidelines"],
    "program_version": ["guidelines"],
    "cohort": ["name"],
    "challenge": ["title", "description", "unit"],
    "step": ["title"],
    "membership_request": ["reason"],
    "report": ["reason"],
    "check_in": ["note"],
    "thread": ["title", "body"],
    "poll": ["question"],
    "poll_option": ["label"],
    "meeting": ["title", "place", "agenda"],
    "reply": ["body", "worked", "try_next", "question"],
    "kudos": ["message"],
    "company_value": ["name", "description"],
    "value_version": ["name", "description"],
    "milestone": ["text"],
    "milestone_version": ["text"],
    "milestone_template": ["text"],
    "notification": ["text", "place"],
    "audit_entry": ["subject"],
}

# Not words of the product: addresses, time zones' names, each language's name in itself.
NOT_TEXT = re.compile(
    r"[\w.+-]+@[\w.-]+"  # an email address
    r"|\b(?:[A-Z][A-Za-z_]+/)+[A-Za-z_+-]+\b|\bUTC\b|\bGMT\b"  # a time zone
    r"|\bEnglish\b|\bPolski\b"
    r"|https?://\S*|/[\w/.-]+"  # an address
)
ZONE_OPTION = re.compile(r'<option value="([^"]+)"[^>]*>\s*\1\s*</option>')  # a zone's name
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9'’ ,.:;!?()%-]*")
# A company text's box for another language (guidelines_pl): that language's words, rightly.
OTHER_LANGUAGE_BOX = re.compile(
    r'<(?:textarea|input)\b[^>]*\bname="\w+_(?:en|pl)"[^>]*>(?:[^<]*</textarea>)?'
)
READ_ATTRIBUTES = re.compile(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"')


def greek(text):
    """The same text in Greek letters (a→α, b→β...), as someone writing in Greek."""
    return "".join(
        chr(0x3B1 + (ord(c.lower()) - 97) % 25) if "a" <= c.lower() <= "z" else c for c in text
    )


def pseudo_catalogue(folder):
    """The pseudo-language's compiled catalogue in `folder`: every text inside ⟦ ⟧."""
    with (TRANSLATIONS / "messages.pot").open("rb") as pot:
        catalogue = read_po(pot, locale=PSEUDO)
    for message in catalogue:
        if isinstance(message.id, tuple):
            message.string = tuple(f"⟦{form}⟧" for form in message.id)
        elif message.id:
            message.string = f"⟦{message.id}⟧"
    target = folder / PSEUDO / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.mo").open("wb") as mo:
        write_mo(mo, catalogue)


def in_greek(app):
    """Everything the demo's people wrote, in Greek letters; everyone reads the pseudo-language."""
    mark = db.param
    with app.app_context(), connection():
        for table, columns in WRITTEN.items():
            listed = ", ".join(columns)
            assignments = ", ".join(f"{column} = {mark}" for column in columns)
            for row_id, *values in db.execute_sql(f'SELECT id, {listed} FROM "{table}"'):  # noqa: S608 (our names)
                db.execute_sql(
                    f'UPDATE "{table}" SET {assignments} WHERE id = {mark}',  # noqa: S608
                    [*(greek(value or "") for value in values), row_id],
                )
        for row_id, detail in db.execute_sql("SELECT id, detail FROM audit_entry"):
            values = json.dumps(in_greek_values(json.loads(detail)))
            db.execute_sql(f"UPDATE audit_entry SET detail = {mark} WHERE id = {mark}",  # noqa: S608
                           [values, row_id])  # fmt: skip
        db.execute_sql(f"UPDATE person SET locale = {mark}", [PSEUDO])  # noqa: S608


def in_greek_values(value):
    """An audit entry's details with what people wrote (names, titles) in Greek letters: its
    keys are the product's words, its values data."""
    if isinstance(value, dict):
        return {key: in_greek_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [in_greek_values(item) for item in value]
    return greek(value) if isinstance(value, str) else value


def untranslated(page):
    """Runs of Latin words a person reads on `page` that no catalogue text carried."""
    page = OTHER_LANGUAGE_BOX.sub(" ", ZONE_OPTION.sub(" ", page))
    attributes = " ".join(READ_ATTRIBUTES.findall(page))
    text = visible_text(page) + " " + html.unescape(attributes)
    while "⟦" in text:  # a text inside a text: "⟦⟦Ada⟧ replied⟧"
        text, found = re.subn(r"⟦[^⟦⟧]*⟧", " ", text)
        if not found:
            break
    text = NOT_TEXT.sub(" ", text)
    return {run.strip() for run in LATIN_RUN.findall(text) if LATIN_WORD.search(run)}


@pytest.fixture
def app_config(tmp_path):
    pseudo_catalogue(tmp_path / "pseudo")
    return {
        "BABEL_TRANSLATION_DIRECTORIES": f"{TRANSLATIONS};{tmp_path / 'pseudo'}",
        # For whoever has not chosen, as a newcomer invited by email.
        "DEFAULT_LOCALE": PSEUDO,
    }


@pytest.mark.timeout(300)
def test_no_page_leaves_a_text_untranslated_for_anyone(app, demo):
    in_greek(app)
    found = {}
    for endpoint, _, response in pages_everyone_reads(app, demo, {"Accept-Language": PSEUDO}):
        if "<html" in response.text:
            assert f'<html lang="{PSEUDO}">' in response.text, endpoint
        # The API reference shows the OpenAPI document, whose descriptions come from the
        # code in English, the language integrators' tools read (its own words are translated).
        if endpoint == "api.reference":
            continue
        if left := untranslated(response.text):
            found.setdefault(endpoint, set()).update(left)
    assert found == {}, {page: sorted(words) for page, words in found.items()}


@pytest.mark.timeout(300)
def test_no_email_leaves_a_text_untranslated(app, demo, inbox, run_jobs):
    """A password reset, an invitation, a kudos notice, a hidden post's notice, the digests,
    a "you have joined" and a facilitator's note that someone left, each in the
    pseudo-language of whom it is for."""
    from cohorts import services as cohorts
    from cohorts.models import Membership
    from feedback.models import Report, Thread
    from learning.digest import services as digests
    from learning.people import services as people
    from learning.people.models import Person, Preferences
    from learning.recognition.models import CompanyValue

    app.config.update(SIGNIN_LIMIT="10000 per minute")
    in_greek(app)
    clients = sign_in_everyone(app)
    with app.app_context(), connection():
        Preferences.update(quiet_from=0, quiet_until=0, working_days="0123456",
                           digest_frequency="daily").execute()  # fmt: skip
        value = CompanyValue.select().first()
        thread = Thread.select().where(Thread.cohort == demo.cohort, Thread.author != demo.member)
        thread = thread.first()
        receiver, author = thread.author_id, thread.author.email
    with app.app_context(), connection():  # an address the email form takes (not .test)
        Person.update(email="member@example.com").where(Person.id == demo.member.id).execute()
    app.test_client().post("/forgot-password", data={"email": "member@example.com"})
    invited = clients["manager"].post(
        "/people/invite", data={"people": "newcomer@example.com", "token": "1" * 32}
    )
    assert invited.status_code in (200, 303), invited.status_code
    kudos = {"receiver": receiver, "value": value.id, "message": "Thank you", "token": "2" * 32}
    clients["member"].post(f"/cohorts/{demo.cohort.id}/kudos", data=kudos)
    clients["member"].post(
        f"/threads/{thread.id}/report", data={"reason": "Off topic", "token": "3" * 32}
    )
    with app.app_context(), connection():
        report = Report.select().order_by(Report.id.desc()).first()
    clients["facilitator"].post(f"/reports/{report.id}/hide")
    with app.app_context(), connection(), atomic():
        hr = Person.get(Person.email == "hr@demo.test")
        cohorts.add_member(Person.get(Person.email == "manager@demo.test"), demo.cohort, hr)
        members = Membership.select().where(
            Membership.cohort == demo.cohort,
            Membership.role == "member",
            Membership.person != demo.member,
        )
        leaver = members.first().person
        people.set_active(leaver, False)
    run_jobs()
    with app.app_context(), connection():
        digests.dispatch(utcnow())
    run_jobs()

    def subjects(address):
        return " ".join(message["Subject"] for message in inbox.to(address))

    assert "invited you to learn together⟧" in subjects("newcomer@example.com")
    assert "⟦Reset your password" in subjects("member@example.com")
    assert "gave you kudos for" in subjects(author) and "was hidden⟧" in subjects(author)
    assert any("⟦Your daily digest" in message["Subject"] for message in inbox.messages)
    assert "⟦You have joined" in subjects("hr@demo.test")
    assert "has left" in subjects("facilitator@demo.test")
    found = {}
    for message in inbox.messages:
        for part in ("plain", "html"):
            body = message.get_body(preferencelist=(part,))
            if body is not None and (left := untranslated(body.get_content())):
                found.setdefault(message["Subject"], set()).update(left)
        if left := untranslated(
            f"⟦{message['Subject']}⟧" if "⟦" not in message["Subject"] else message["Subject"]
        ):
            found.setdefault(message["Subject"], set()).update(left)
    assert found == {}, {subject: sorted(words) for subject, words in found.items()}
