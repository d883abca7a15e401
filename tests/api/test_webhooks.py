"""Webhooks to a real HTTP receiver on loopback that checks every signature: events as they
happen, tries again with backoff, a worker killed mid-delivery, turning off after repeated
failure, sending again, and no addresses inside the network."""

import datetime as dt
import json
import os
import threading

import pytest
from pytest_httpserver import HTTPServer
from standardwebhooks.webhooks import Webhook
from werkzeug import Response

from learning.api import webhooks
from learning.api.models import WebhookDelivery, WebhookSubscription
from learning.audit.models import AuditEntry
from learning.db import atomic, connection, utcnow
from learning.errors import Refused
from tests.test_faults import kill_worker, start_worker


@pytest.fixture
def app_config():
    return {"WEBHOOK_PRIVATE_ADDRESSES": True, "WEBHOOK_RETRY_DELAYS": [0, 0, 0]}


class Receiver:
    """A service receiving webhooks: it checks each signature, and handles each webhook-id
    once (a repeat is answered 200 and ignored). `answers`: statuses to give in turn (then
    200); `hold`: keep the first request waiting until `release` is set."""

    def __init__(self, answers=(), hold=False):
        self.server = HTTPServer(host="127.0.0.1", threaded=True)
        self.answers, self.hold = list(answers), hold
        self.secret = None
        self.seen, self.handled, self.payloads = [], [], []
        self.reached, self.release = threading.Event(), threading.Event()
        self.server.expect_request("/hook", method="POST").respond_with_handler(self.handle)
        self.server.start()
        self.url = self.server.url_for("/hook")

    def handle(self, request):
        body = request.get_data()
        Webhook(self.secret).verify(body, dict(request.headers))  # raises when wrong
        message_id = request.headers["webhook-id"]
        self.seen.append(message_id)
        if self.hold and len(self.seen) == 1:
            self.reached.set()
            self.release.wait(30)
        status = self.answers.pop(0) if self.answers else 200
        if status == 200 and message_id not in self.handled:
            self.handled.append(message_id)
            self.payloads.append(json.loads(body))
        return Response("", status=status)

    def stop(self):
        self.release.set()
        self.server.clear()
        self.server.stop()


@pytest.fixture
def receiver():
    made = []

    def make(**kwargs):
        made.append(Receiver(**kwargs))
        return made[-1]

    yield make
    for each in made:
        each.stop()


def subscribe(app, admin, receiver, *events):
    with app.app_context(), connection():
        made = webhooks.subscribe(admin, receiver.url, events or list(webhooks.EVENTS))
    receiver.secret = made.secret
    return made


def emit(app, event="export.ready", key="one"):
    with app.app_context(), connection(), atomic():
        webhooks.emit(event, key, {"export_id": 1})


def sweep_and_run(app, run_jobs, times=1):
    for _ in range(times):
        with app.app_context(), connection():
            webhooks.sweep()
        run_jobs()


def delivery(app):
    with app.app_context(), connection():
        return WebhookDelivery.get()


def test_events_reach_the_receiver_signed_with_ids_and_links_never_text(
    app, api, admin, cohort, team, make_token, receiver, run_jobs
):
    receiving = receiver()
    subscribe(app, admin, receiving, "kudos.created", "membership.created")
    token = make_token(team[0], "write:kudos")
    value_id = api("GET", "/values", token)[1]["data"][0]["id"]
    body = {"receiver_id": team[1].id, "value_id": value_id, "message": "Secret words"}
    assert api("POST", f"/cohorts/{cohort.id}/kudos", token, body)[0] == 201
    run_jobs()
    [payload] = receiving.payloads
    assert payload["type"] == "kudos.created"
    assert payload["data"]["cohort_id"] == cohort.id
    assert payload["data"]["person_id"] == team[0].id
    assert payload["data"]["target_person_id"] == team[1].id
    assert payload["data"]["url"].endswith(f"/cohorts/{cohort.id}")
    assert "Secret words" not in json.dumps(payload)
    found = delivery(app)
    assert (found.status, found.response_code, found.attempts) == ("delivered", 200, 1)


def test_a_receiver_failing_twice_then_answering_gets_it_accepted_once(
    app, admin, receiver, run_jobs
):
    receiving = receiver(answers=[500, 503])
    subscribe(app, admin, receiving)
    emit(app)
    emit(app)  # the same event again records nothing more
    run_jobs()
    assert delivery(app).status == "pending"
    sweep_and_run(app, run_jobs, times=3)
    assert len(receiving.seen) == 3 and len(set(receiving.seen)) == 1
    assert len(receiving.handled) == 1
    found = delivery(app)
    assert (found.status, found.attempts, found.response_code) == ("delivered", 3, 200)


def test_a_worker_killed_mid_delivery_neither_loses_nor_repeats_it(
    app, admin, receiver, database_url, redis_url, run_jobs
):
    receiving = receiver(hold=True)
    subscribe(app, admin, receiving)
    emit(app)
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
           "SECRET_KEY": "test-secret", "WEBHOOK_PRIVATE_ADDRESSES": "1"}  # fmt: skip
    worker = start_worker(env, "--queue", "webhooks")
    try:
        assert receiving.reached.wait(60), "the worker never reached the receiver"
        kill_worker(worker)
    finally:
        receiving.release.set()
    cut_short = delivery(app)
    assert (cut_short.status, cut_short.attempts) == ("pending", 1)
    assert cut_short.taken_at is not None
    # Nobody finishes the try: within TAKEN_FOR it stays its own, then the sweep tries again.
    sweep_and_run(app, run_jobs)
    assert delivery(app).status == "pending"
    with app.app_context(), connection():
        WebhookDelivery.update(taken_at=utcnow() - webhooks.TAKEN_FOR - dt.timedelta(seconds=1)
                               ).execute()  # fmt: skip
    sweep_and_run(app, run_jobs)
    sweep_and_run(app, run_jobs)
    assert delivery(app).status == "delivered"
    assert receiving.seen == [cut_short.message_id] * 2
    assert receiving.handled == [cut_short.message_id]


def test_a_subscription_failing_every_try_is_turned_off_and_admins_are_told(
    app, admin, receiver, run_jobs, inbox
):
    app.config.update(WEBHOOK_RETRY_DELAYS=[], WEBHOOK_DISABLE_AFTER=2)
    receiving = receiver(answers=[500] * 10)
    made = subscribe(app, admin, receiving)
    with app.app_context(), connection():
        from learning.people.models import Preferences

        Preferences.update(quiet_from=0, quiet_until=0, working_days="0123456").execute()
    emit(app, key="one")
    run_jobs()
    with app.app_context(), connection():
        assert WebhookSubscription.get_by_id(made.id).active
    emit(app, key="two")
    run_jobs()
    with app.app_context(), connection():
        off = WebhookSubscription.get_by_id(made.id)
        assert (off.active, off.disabled_reason, off.failures) == (False, "failing", 2)
        assert AuditEntry.select().where(AuditEntry.action == "webhook_disabled").exists()
    [mail] = inbox.to(admin.email)
    assert "turned off" in mail["Subject"]
    emit(app, key="three")  # off: nothing more is recorded for it
    with app.app_context(), connection():
        assert WebhookDelivery.select().count() == 2


def test_an_admin_sends_a_delivery_again_with_the_same_id(
    app, admin, admin_client, receiver, run_jobs
):
    receiving = receiver()
    made = subscribe(app, admin, receiving)
    emit(app)
    run_jobs()
    page = admin_client.get(f"/admin/webhooks/{made.id}")
    assert "delivered" in page.text and made.secret in page.text
    sent = delivery(app)
    admin_client.post(f"/admin/webhooks/{made.id}/deliveries/{sent.id}/again")
    run_jobs()
    assert receiving.seen == [sent.message_id] * 2
    assert delivery(app).attempts == 2


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.1.2.3/",
        "https://[::1]/",
        "https://169.254.169.254/latest/meta-data/",
        "https://192.168.0.1/",
        "ftp://example.com/",
        "not an address",
        "https:///nohost",
    ],
)
def test_addresses_inside_the_network_are_refused_unless_allowed(app, admin, url):
    app.config["WEBHOOK_PRIVATE_ADDRESSES"] = False
    with app.app_context(), connection(), pytest.raises(Refused):
        webhooks.subscribe(admin, url, ["export.ready"])


def test_the_form_says_what_is_wrong_and_keeps_what_was_typed(app, admin_client):
    app.config["WEBHOOK_PRIVATE_ADDRESSES"] = False
    page = admin_client.post(
        "/admin/webhooks", data={"url": "http://10.0.0.7/in", "description": "Workday"}
    )
    assert page.status_code == 422
    assert "public addresses only" in page.text or "https://" in page.text
    assert 'value="http://10.0.0.7/in"' in page.text and 'value="Workday"' in page.text
    with app.app_context(), connection():
        assert WebhookSubscription.select().count() == 0


def test_a_poll_is_told_closed_once_whether_closed_early_or_at_its_time(
    app, demo, receiver, run_jobs
):
    from feedback.polls import services as polls
    from feedback.polls import tasks as poll_tasks
    from feedback.polls.models import Poll
    from learning.people.models import Person

    receiving = receiver()
    with app.app_context(), connection():
        admin = Person.get(Person.email == "admin@demo.test")
    subscribe(app, admin, receiving, "poll.closed")
    with app.app_context(), connection():
        poll = Poll.get_by_id(demo.poll.id)
        polls.close(poll.author, poll)
        # The closing job later finds it too (its time set in the past): told once.
        Poll.update(closes_at=utcnow() - dt.timedelta(minutes=5)).where(
            Poll.id == poll.id
        ).execute()
        poll_tasks.tell_closed_polls()
        poll_tasks.tell_closed_polls()
    run_jobs()
    [payload] = receiving.payloads
    assert payload["type"] == "poll.closed"
    assert payload["data"]["poll_id"] == demo.poll.id
    assert payload["data"]["url"].endswith(f"/polls/{demo.poll.id}")


def test_an_export_is_told_ready_with_its_link_not_its_figures(
    app, admin, make_person, receiver, run_jobs
):
    from learning.insights import services as insights
    from learning.insights.participation import Filters
    from learning.people.models import Role

    hr = make_person(roles=(Role.MEMBER, Role.HR))
    receiving = receiver()
    subscribe(app, admin, receiving, "export.ready")
    with app.app_context(), connection():
        export = insights.request_export(hr, Filters(), "department", "csv")
    run_jobs()
    [payload] = receiving.payloads
    assert payload["type"] == "export.ready"
    assert payload["data"] == {
        "export_id": export.id, "person_id": hr.id, "cohort_id": None,
        "url": f"http://localhost/reports/exports/{export.id}",
    }  # fmt: skip
