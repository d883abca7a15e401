"""The hot reads of emails, tuned: each returns what its name says, and the rest never
sees how it is built."""

from learning.mail.models import Delivery
from learning.speed import built_once


@built_once
def claim(delivery_id, now):
    return Delivery.update(status="sending", attempts=Delivery.attempts + 1, due_at=now).where(
        Delivery.id == delivery_id, Delivery.status == "pending"
    )


@built_once
def delivery(delivery_id):
    return Delivery.select().where(Delivery.id == delivery_id)


@built_once
def sent(delivery_id, now):
    return Delivery.update(status="sent", sent_at=now, error="").where(Delivery.id == delivery_id)
