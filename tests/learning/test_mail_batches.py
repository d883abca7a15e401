"""Digests leave in batches: one job and one SMTP connection for many messages, each message
still sent once whatever runs twice, a refusal failing only its own message, and a batch whose
job was never recorded handed over by the mail cron."""

import datetime as dt

import pytest
from aiosmtpd.controller import Controller

from learning.db import atomic, connection, utcnow
from learning.mail.models import Delivery
from learning.mail.tasks import STUCK_AFTER, deliver_many, hand_batch, release_due
from tests.conftest import free_port


class Counting:
    """An SMTP server that counts its connections and refuses one address for good."""

    def __init__(self):
        self.connections, self.accepted = 0, []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if address == "gone@example.com":
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.accepted.extend(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def server(app):
    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{controller.port}"
    yield handler
    controller.stop()


def deliveries(app, addresses, **fields):
    with app.app_context(), connection(), atomic():
        return [
            Delivery.create(key=f"digest-{address}", to_address=address, subject="Your digest",
                            text_body="Text", html_body="<p>Text</p>", **fields).id
            for address in addresses
        ]  # fmt: skip


def statuses(app):
    with app.app_context(), connection():
        return dict(Delivery.select(Delivery.to_address, Delivery.status).tuples())


def test_a_batch_is_one_job_over_one_connection_and_a_refusal_fails_only_its_message(
    app, server, run_jobs
):
    addresses = ["a@example.com", "gone@example.com", "b@example.com", "c@example.com"]
    ids = deliveries(app, addresses)
    with app.app_context(), connection(), atomic():
        hand_batch(ids)
        hand_batch(ids)  # recorded twice: one job
    assert run_jobs() == 1
    assert server.connections == 2  # the refusal closed the first; the rest shared the next
    assert sorted(server.accepted) == ["a@example.com", "b@example.com", "c@example.com"]
    assert statuses(app) == {"a@example.com": "sent", "gone@example.com": "failed",
                             "b@example.com": "sent", "c@example.com": "sent"}  # fmt: skip
    with app.app_context(), connection():
        assert deliver_many(ids) == {"already sent": 4}  # a job run again sends nothing
    assert len(server.accepted) == 3


def test_a_batch_whose_job_was_never_recorded_is_handed_over_by_the_mail_cron(
    app, server, run_jobs
):
    """The digest job died between recording its digests and recording the batch's job."""
    long_ago = utcnow() - STUCK_AFTER - dt.timedelta(minutes=1)
    deliveries(app, ["a@example.com", "b@example.com"], due_at=long_ago)
    deliveries(app, ["c@example.com"])  # just made: its batch job may still be on its way
    with app.app_context(), connection():
        release_due()
        release_due()  # two cron runs at once
    run_jobs()
    assert sorted(server.accepted) == ["a@example.com", "b@example.com"]
    assert statuses(app)["c@example.com"] == "pending"
