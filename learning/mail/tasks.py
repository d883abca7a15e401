"""The delivery job: at most one send per delivery row, whatever RQ retries or repeats."""

from learning.db import utcnow
from learning.jobs.services import task
from learning.mail.models import Delivery
from learning.mail.transport import build_message, transmit


@task
def deliver(delivery_id):
    """Send one message. A second run finds it claimed or sent and does nothing."""
    claimed = (
        Delivery.update(status="sending", attempts=Delivery.attempts + 1)
        .where(Delivery.id == delivery_id, Delivery.status == "pending")
        .execute()
    )
    if not claimed:
        return "already sent"
    delivery = Delivery.get_by_id(delivery_id)
    try:
        transmit(build_message(delivery))
    except Exception as error:
        # Back to pending, so RQ's retry can claim it again.
        Delivery.update(status="pending", error=str(error)[:2000]).where(
            Delivery.id == delivery_id
        ).execute()
        raise
    Delivery.update(status="sent", sent_at=utcnow(), error="").where(
        Delivery.id == delivery_id
    ).execute()
    return "sent"
