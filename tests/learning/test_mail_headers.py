"""User text that reaches a mail header (names, titles, program and value names) cannot break
the message; a message that cannot be built ends failed and listed for admins, never stuck."""

import pytest

from cohorts import access
from cohorts import kudos as cohort_kudos
from cohorts import services as cohorts
from cohorts.models import Cohort, Membership
from feedback import moderation
from feedback import services as feedback
from feedback.models import Thread
from learning.db import atomic, connection
from learning.mail.models import Delivery
from learning.mail.services import send_mail
from learning.people import services as people
from learning.people.models import Person, Preferences
from learning.recognition.models import CompanyValue
from learning.text import one_line

# Every way a line can end, and other controls, as typed, pasted from a document or crafted
# (not NUL: no request carries one, tests/test_injection.py).
NASTY = "A\r\nBcc: intruder@example.org\rB\nC\u2028D\u2029E\x85F\x0bG\x07H\x1bI\tJ"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (NASTY, "A Bcc: intruder@example.org B C D E F G H I J"),
        ("  plain   words ", "plain words"),
        ("Zoë 👋 \u200d", "Zoë 👋 \u200d"),  # a joiner is not a line break
        ("", ""),
        (None, ""),
    ],
)
def test_one_line_keeps_the_words_and_drops_every_line_break_and_control(text, expected):
    assert one_line(text) == expected


def test_one_line_cuts_long_text_with_an_ellipsis():
    assert one_line("word " * 100, limit=20) == "word word word word…"


def test_every_kind_of_email_with_line_breaks_in_every_user_field_is_sent_and_stays_whole(
    app, manager, make_person, form_cohorts, inbox, run_jobs
):
    names = [f"{NASTY} {n}" for n in range(6)]
    team = [make_person(name=name) for name in names]
    newcomer = make_person(name=f"New {NASTY}", password=None)
    with app.app_context(), connection():
        Preferences.update(quiet_from=0, quiet_until=0, working_days="0123456").execute()
        CompanyValue.update(name=f"Craft {NASTY}").where(CompanyValue.name == "Craft").execute()
    [cohort] = form_cohorts(team)  # "you have joined" emails to everyone
    with app.app_context(), connection():
        Person.update(display_name=f"Lee {NASTY}").where(Person.id == manager.id).execute()
        manager = Person.get_by_id(manager.id)
        cohort = access.access_cohort(manager, cohort.id)
        author, asked, replier = team[0], team[1], team[2]
        # A feedback request, a mention and a reply notice, each with the title in the subject.
        thread = feedback.start_thread(
            cohort, author, "share", f"Deck {NASTY}", f"For @{asked.first_name}", ask=[asked.id]
        )
        feedback.reply(thread, replier, f"Reply {NASTY}")
        value = CompanyValue.get(CompanyValue.name.startswith("Craft"))
        cohort_kudos.give_kudos(replier, cohort, author.id, value.id, f"Thanks {NASTY}", "c" * 32)
        cohorts.add_member(manager, cohort, newcomer)  # an invitation from the manager
        people.send_password_reset(author.email)
        # The cohort's name (which L&D can change) in a moderation notice's subject.
        Cohort.update(name=f"Cohort {NASTY}").where(Cohort.id == cohort.id).execute()
        facilitator = Membership.get(cohort=cohort, role="facilitator").person
        hidden = feedback.reply(thread, team[3], "Off topic")
        report = moderation.report(asked, Thread.get_by_id(thread.id), "Not kind", hidden)
        moderation.moderate(facilitator, report, "hide")
    for _ in range(3):  # notices make deliveries, deliveries send
        run_jobs()
    with app.app_context(), connection():
        statuses = dict(Delivery.select(Delivery.key, Delivery.status).tuples())
        subjects = [d.subject for d in Delivery.select()]
    kinds = {key.rsplit("-", 1)[0].split("-")[0] for key in statuses}
    assert {"joined", "invitation", "notice", "reset", "moderation"} <= kinds, kinds
    assert set(statuses.values()) == {"sent"}, statuses
    assert len(inbox.messages) == len(statuses)
    for message in inbox.messages:
        assert message["Bcc"] is None
        for header in ("Subject", "To", "From"):
            assert not set(str(message[header])) & set("\r\n\u2028\u2029\x85\x0b\x07\x1b")
    assert any("Bcc: intruder@example.org" in s for s in subjects)  # the words are kept
    assert not any(m["To"] == "intruder@example.org" for m in inbox.messages)


def test_a_message_that_cannot_be_built_ends_failed_and_is_listed_for_admins(
    app, admin_client, inbox, run_jobs
):
    with app.app_context(), connection(), atomic():
        send_mail("broken-1", "someone@example.com", "Fine", "learning/mail/password_reset",
                  person=Person(display_name="Someone"), link="l", minutes=60)  # fmt: skip
        # A row written before subjects were made safe, as an old installation may hold.
        Delivery.update(subject="Line\nbreak").where(Delivery.key == "broken-1").execute()
    run_jobs()
    with app.app_context(), connection():
        delivery = Delivery.get(Delivery.key == "broken-1")
    assert delivery.status == "failed"
    assert "Cannot be built" in delivery.error
    assert inbox.messages == []
    page = admin_client.get("/admin/mail/")
    assert "someone@example.com" in page.text
    assert "Cannot be built" in page.text
