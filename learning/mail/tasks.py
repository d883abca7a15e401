"""The delivery job: at most one send per delivery row, whatever RQ retries or repeats."""

import logging
import smtplib
from datetime import timedelta

from flask import current_app

from learning.db import atomic, utcnow
from learning.jobs.services import defer, task
from learning.mail import queries
from learning.mail.models import Delivery
from learning.mail.transport import Sender, build_message

log = logging.getLogger(__name__)

BATCH = 500
# A claim older than this belongs to a worker that died mid-send (SMTP gives up after 30 s).
STUCK_AFTER = timedelta(minutes=10)


def permanent(error):
    """An answer no retry will change: the server refused the message or the address (5xx)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


@task
def deliver(delivery_id):
    """Send one message. A second run finds it claimed or sent and does nothing. A temporary
    failure waits and tries again later (MAIL_RETRY_DELAYS); after the last try, or on a
    permanent failure, or a message that cannot be built, the delivery is failed and listed
    for admins. The claim records its
    time in due_at, so release_due can tell a claim whose worker died."""
    with Sender() as sender:
        return _deliver(delivery_id, sender)


@task
def deliver_many(delivery_ids):
    """Send several messages over one SMTP connection (a batch of digests), each exactly as
    `deliver` would; {"sent": n, ...} by outcome."""
    outcomes = {}
    with Sender() as sender:
        for delivery_id in delivery_ids:
            outcome = _deliver(delivery_id, sender)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def _deliver(delivery_id, sender):
    if not queries.claim(delivery_id, utcnow()):
        return "already sent"
    delivery = queries.delivery(delivery_id)[0]
    try:
        message = build_message(delivery)
    except Exception as error:  # noqa: BLE001 (whatever it is, no retry will build it)
        log.exception("Delivery %s cannot be built", delivery_id)
        Delivery.update(
            status="failed", error=f"Cannot be built: {type(error).__name__}: {error}"[:2000]
        ).where(Delivery.id == delivery_id).execute()
        return "failed"
    try:
        sender.send(message)
    except (OSError, smtplib.SMTPException) as error:
        delays = current_app.config["MAIL_RETRY_DELAYS"]
        retry = not permanent(error) and delivery.attempts <= len(delays)
        status = "waiting" if retry else "failed"
        wait = timedelta(seconds=delays[delivery.attempts - 1]) if retry else timedelta(0)
        Delivery.update(
            status=status, due_at=utcnow() + wait, error=f"{type(error).__name__}: {error}"[:2000]
        ).where(Delivery.id == delivery_id).execute()
        return status
    queries.sent(delivery_id, utcnow())
    return "sent"


# A batch of digests sends thousands of messages: their statements are built once.


def hand_to_job(delivery_id, attempts):
    """Queue a delivery's next try; call inside the write's transaction."""
    # One job per try: a job key is used once.
    defer(deliver, delivery_id, key=f"mail-{delivery_id}-{attempts}", queue="mail")


def hand_batch(delivery_ids):
    """Queue first tries of new deliveries as one job (send_mail(..., batch=[...]) made them);
    call inside a transaction. Should the caller die before, release_due hands them over."""
    if delivery_ids:
        key = f"mail-batch-{delivery_ids[0]}-{delivery_ids[-1]}-{len(delivery_ids)}"
        defer(deliver_many, list(delivery_ids), key=key, queue="mail")


@task
def release_due(now=None):
    """Hand over the mail whose time has come: quiet hours over, a retry due, a send whose
    worker was killed (claimed long ago and never finished), or a batch never handed over.
    Each delivery is claimed by one update, so two runs at once hand it over once."""
    now = now or utcnow()
    Delivery.update(status="waiting").where(
        Delivery.status == "sending", Delivery.due_at < now - STUCK_AFTER
    ).execute()
    # New deliveries whose batch job was never recorded; one that is merely queued for long
    # gets a second job, which finds it claimed or sent.
    forgotten = (
        Delivery.select(Delivery.id, Delivery.attempts)
        .where(Delivery.status == "pending", Delivery.due_at < now - STUCK_AFTER)
        .order_by(Delivery.due_at)
        .limit(BATCH)
    )
    with atomic():
        for delivery in forgotten:
            hand_to_job(delivery.id, delivery.attempts)
    due = list(
        Delivery.select(Delivery.id, Delivery.attempts)
        .where(Delivery.status == "waiting", Delivery.due_at <= now)
        .order_by(Delivery.due_at)
        .limit(BATCH)
    )
    released = 0
    for delivery in due:
        with atomic():
            claimed = (
                Delivery.update(status="pending")
                .where(Delivery.id == delivery.id, Delivery.status == "waiting")
                .execute()
            )
            if claimed:
                hand_to_job(delivery.id, delivery.attempts)
                released += 1
    return released
