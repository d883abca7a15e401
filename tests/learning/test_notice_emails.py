"""Recognition notices by email, with a real SMTP server on loopback: once whatever runs
twice, retried with backoff, held through quiet hours, unsubscribed in one click."""

import datetime as dt
import re

import pytest
from aiosmtpd.controller import Controller
from rq import Queue

from cohorts import kudos as cohort_kudos
from learning.db import connection, utcnow
from learning.jobs.models import PendingJob
from learning.jobs.services import hand_over, redis_connection
from learning.mail.models import Delivery
from learning.mail.tasks import release_due
from learning.notify import preferences
from learning.notify.models import Notification
from learning.notify.tasks import email_notice
from learning.people.models import Preferences
from learning.recognition.models import CompanyValue
from tests.conftest import Inbox, free_port


@pytest.fixture(autouse=True)
def settled(cohort, run_jobs, inbox):
    """The cohort's welcome emails are out of the way."""
    run_jobs()
    inbox.messages.clear()


def notice_mail():
    """The one email of a notice."""
    return Delivery.get(Delivery.key.startswith("notice-"))


@pytest.fixture
def any_time(app, team):
    """The team takes email at any hour of any day, so these tests do not depend on the
    clock; quiet hours have tests of their own."""
    with app.app_context(), connection():
        Preferences.update(quiet_from=0, quiet_until=0, working_days="0123456").where(
            Preferences.person.in_([p.id for p in team])
        ).execute()


def give(app, cohort, giver, receiver, token="a" * 32, message="Great deck"):
    with app.app_context(), connection():
        value = CompanyValue.get(CompanyValue.name == "Craft")
        kudos, _ = cohort_kudos.give_kudos(giver, cohort, receiver.id, value.id, message, token)
        return kudos


def test_one_kudos_is_one_email_even_when_its_job_runs_twice_or_is_enqueued_twice(
    app, cohort, team, any_time, inbox, run_jobs
):
    giver, receiver = team[0], team[1]
    give(app, cohort, giver, receiver)
    give(app, cohort, giver, receiver)  # the same form again: one kudos
    notice = Notification.get(Notification.person == receiver, Notification.kind == "kudos")
    with app.app_context():
        # Enqueued a second time under another id, as a duplicate would be.
        Queue("notices", connection=redis_connection()).enqueue(email_notice, notice.id)
        hand_over(PendingJob.select())  # and the outbox handed over again
    run_jobs()
    with app.app_context(), connection():
        email_notice(notice.id)  # and run once more, by hand
    run_jobs()
    [message] = inbox.to(receiver.email)
    assert message["Subject"] == f"{giver.display_name} gave you kudos for Craft: “Great deck”"
    assert "http://localhost/cohorts/" in inbox.text(message)
    assert Delivery.select().where(Delivery.key.startswith("notice-")).count() == 1


class Refusing(Inbox):
    """An SMTP server that answers "try again later" a number of times, then accepts."""

    def __init__(self, refusals):
        super().__init__()
        self.refusals = refusals

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.refusals > 0:
            self.refusals -= 1
            return "451 Try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def refusing_smtp(app):
    handler = Refusing(refusals=2)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{controller.port}"
    app.config["MAIL_RETRY_DELAYS"] = [30, 120, 600]
    yield handler
    controller.stop()


def test_a_server_that_refuses_twice_then_accepts_gets_one_email_after_backoff(
    app, cohort, team, any_time, refusing_smtp, run_jobs
):
    receiver = team[1]
    give(app, cohort, team[0], receiver)
    run_jobs()
    delivery = notice_mail()
    assert (delivery.status, delivery.attempts) == ("waiting", 1)
    assert "451" in delivery.error
    first_wait = delivery.due_at - utcnow()
    assert dt.timedelta(seconds=25) < first_wait <= dt.timedelta(seconds=30)
    with app.app_context():
        assert release_due(utcnow()) == 0  # not due yet
        assert release_due(utcnow() + dt.timedelta(seconds=31)) == 1
    run_jobs()
    delivery = notice_mail()
    assert (delivery.status, delivery.attempts) == ("waiting", 2)
    assert delivery.due_at - utcnow() > dt.timedelta(seconds=100)  # backs off further
    with app.app_context():
        release_due(utcnow() + dt.timedelta(minutes=3))
        release_due(utcnow() + dt.timedelta(minutes=3))  # two cron runs at once
    run_jobs()
    assert notice_mail().status == "sent" and notice_mail().attempts == 3
    assert len(refusing_smtp.to(receiver.email)) == 1


def test_after_the_last_retry_admins_see_the_failure_and_can_retry_it(
    app, cohort, team, any_time, refusing_smtp, run_jobs, admin_client, inbox, smtp_server
):
    app.config["MAIL_RETRY_DELAYS"] = [0]
    refusing_smtp.refusals = 5
    give(app, cohort, team[0], team[1])
    run_jobs()
    with app.app_context():
        release_due(utcnow() + dt.timedelta(seconds=1))
    run_jobs()
    delivery = notice_mail()
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    page = admin_client.get("/admin/mail/").text
    assert team[1].email in page and "451" in page and "failed: 1" in page
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{smtp_server.port}"
    response = admin_client.post(f"/admin/mail/{delivery.id}/retry")
    assert response.status_code == 303
    run_jobs()
    assert notice_mail().status == "sent" and len(inbox.to(team[1].email)) == 1
    # A second retry of a sent email does nothing.
    admin_client.post(f"/admin/mail/{delivery.id}/retry")
    run_jobs()
    assert len(inbox.to(team[1].email)) == 1
    assert "No failed emails" in admin_client.get("/admin/mail/").text


def test_a_permanent_refusal_is_not_retried(app, cohort, team, any_time, run_jobs):
    class Rejecting(Inbox):
        async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
            return "550 No such user here"

    controller = Controller(Rejecting(), hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{controller.port}"
    try:
        give(app, cohort, team[0], team[1])
        run_jobs()
    finally:
        controller.stop()
    delivery = notice_mail()
    assert (delivery.status, delivery.attempts) == ("failed", 1) and "550" in delivery.error


def test_members_and_anonymous_visitors_cannot_see_or_retry_failed_emails(
    app, member_client, run_jobs
):
    assert member_client.get("/admin/mail/").status_code == 403
    assert member_client.post("/admin/mail/1/retry").status_code == 403
    assert app.test_client().get("/admin/mail/").status_code == 302


# Quiet hours and working days


UTC = dt.UTC


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=None)


@pytest.mark.parametrize(
    ("now_utc", "zone", "quiet", "days", "expected_utc"),
    [
        # Not quiet: at once.
        ("2026-06-03T10:00", "Europe/Berlin", (20, 8), "01234", "2026-06-03T10:00"),
        # 22:00 in Berlin (summer, UTC+2): waits for 08:00 local, 06:00 UTC.
        ("2026-06-03T20:00", "Europe/Berlin", (20, 8), "01234", "2026-06-04T06:00"),
        # Saturday afternoon: waits for Monday 08:00.
        ("2026-06-06T13:00", "Europe/Berlin", (20, 8), "01234", "2026-06-08T06:00"),
        # New York springs forward on Sunday 8 March 2026: Saturday 22:00 EST waits for
        # Sunday 08:00 EDT, which is 12:00 UTC (not 13:00, as in winter).
        ("2026-03-08T03:00", "America/New_York", (20, 8), "0123456", "2026-03-08T12:00"),
        # Berlin falls back on Sunday 25 October 2026: Saturday 23:00 CEST waits for
        # Sunday 08:00 CET, which is 07:00 UTC.
        ("2026-10-24T21:00", "Europe/Berlin", (20, 8), "0123456", "2026-10-25T07:00"),
        # India has no daylight saving; quiet hours within a day (12 to 14).
        ("2026-06-03T07:00", "Asia/Kolkata", (12, 14), "01234", "2026-06-03T08:30"),
        # No quiet hours, Saturday lunchtime in Los Angeles: waits for Monday 00:00 local.
        ("2026-06-06T20:00", "America/Los_Angeles", (0, 0), "01234", "2026-06-08T07:00"),
    ],
)
def test_an_email_due_in_quiet_hours_waits_until_they_end_in_local_time(
    now_utc, zone, quiet, days, expected_utc
):
    assert preferences.next_send_time(at(now_utc), zone, *quiet, days) == at(expected_utc)


def test_a_kudos_in_quiet_hours_is_emailed_when_they_end(app, cohort, team, inbox, run_jobs):
    receiver = team[1]  # in London
    with app.app_context(), connection():
        now = utcnow()
        local_hour = now.replace(tzinfo=UTC).astimezone(preferences.zone("Europe/London")).hour
        # Quiet from this hour for three hours, every day a working day.
        Preferences.update(
            quiet_from=local_hour, quiet_until=(local_hour + 3) % 24, working_days="0123456"
        ).where(Preferences.person == receiver).execute()
    give(app, cohort, team[0], receiver)
    run_jobs()
    delivery = notice_mail()
    assert delivery.status == "waiting" and inbox.to(receiver.email) == []
    local_end = (
        now.replace(tzinfo=UTC).astimezone(preferences.zone("Europe/London"))
        + dt.timedelta(hours=3)
    ).replace(minute=0, second=0, microsecond=0)
    assert delivery.due_at == local_end.astimezone(UTC).replace(tzinfo=None)
    # In the app at once, though.
    assert Notification.get(Notification.person == receiver).shown
    with app.app_context():
        assert release_due(delivery.due_at - dt.timedelta(minutes=1)) == 0
        assert release_due(delivery.due_at) == 1
    run_jobs()
    assert len(inbox.to(receiver.email)) == 1


# Unsubscribing


def test_the_unsubscribe_link_works_signed_out_and_stops_that_kind_only(
    app, cohort, team, any_time, inbox, run_jobs
):
    receiver = team[1]
    give(app, cohort, team[0], receiver)
    run_jobs()
    [message] = inbox.to(receiver.email)
    link = re.search(r"http://localhost(/unsubscribe/\S+)", inbox.text(message)).group(1)
    assert message["List-Unsubscribe"].strip() == f"<http://localhost{link}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    visitor = app.test_client()  # signed out
    page = visitor.get(link)
    assert page.status_code == 200 and "Stop emails about kudos?" in page.text
    assert preferences.muted(receiver) == set()  # a GET (link checkers) changes nothing
    done = visitor.post(link)  # no CSRF token: the signed link is the authority
    assert done.status_code == 200 and "no more emails about kudos" in done.text
    assert preferences.muted(receiver) == {("kudos", "email")}

    give(app, cohort, team[2], receiver, token="b" * 32)
    with app.app_context(), connection():
        from feedback import services as feedback

        thread = feedback.start_thread(cohort, receiver, "question", "Help?", "Anyone?")
        feedback.reply(thread, team[3], "Me")
    run_jobs()
    subjects = [m["Subject"] for m in inbox.to(receiver.email)]
    assert sum("kudos" in subject for subject in subjects) == 1  # the first one only
    assert any("replied to “Help?”" in subject for subject in subjects)  # replies still come
    assert any("first thread" in subject for subject in subjects)  # and milestones
    # Kudos still arrive in the app.
    assert (
        Notification.select()
        .where(Notification.person == receiver, Notification.kind == "kudos")
        .count()
        == 2
    )


def test_a_mail_clients_one_click_post_unsubscribes(app, team, any_time):
    with app.test_request_context():
        token = preferences.unsubscribe_token(team[0].id, "milestone")
    response = app.test_client().post(
        f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert preferences.muted(team[0]) == {("milestone", "email")}


def test_a_forged_or_altered_unsubscribe_link_is_not_found(app, team):
    with app.test_request_context():
        token = preferences.unsubscribe_token(team[0].id, "kudos")
    client = app.test_client()
    assert client.get(f"/unsubscribe/{token[:-2]}xx").status_code == 404
    assert client.post("/unsubscribe/not-a-token").status_code == 404
    assert preferences.muted(team[0]) == set()


def test_turning_a_channel_off_in_preferences_keeps_the_other(
    app, cohort, team, any_time, inbox, run_jobs
):
    receiver = team[1]
    with app.app_context(), connection():
        preferences.mute(receiver.id, "kudos", "in_app")
    give(app, cohort, team[0], receiver)
    run_jobs()
    assert len(inbox.to(receiver.email)) == 1  # the email still goes
    notice = Notification.get(Notification.person == receiver, Notification.kind == "kudos")
    assert not notice.shown  # but the bell does not show it
    with app.app_context(), connection():
        preferences.mute(receiver.id, "kudos", "email")
    give(app, cohort, team[0], receiver, token="c" * 32)
    run_jobs()
    assert len(inbox.to(receiver.email)) == 1
    assert Notification.select().where(Notification.kind == "kudos").count() == 1
