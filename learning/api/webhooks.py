"""Webhooks: admins subscribe a URL to events; each event becomes a delivery per
subscription in the transaction that caused it, signed by the Standard Webhooks scheme and
sent by a job once it commits. A failed try is tried again with backoff for about a day; a
subscription whose deliveries keep failing is turned off and the admins are told. Payloads
carry ids and links, never what people wrote."""

import base64
import datetime as dt
import hashlib
import ipaddress
import json
import secrets
import socket
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from learning.api import access
from learning.api.models import WebhookDelivery, WebhookSubscription
from learning.audit.services import log
from learning.db import atomic, insert, utcnow
from learning.errors import Refused, found
from learning.jobs.services import defer
from learning.people.services import admins

# event: what it means (the admins' page and the reference list them)
EVENTS = {
    "membership.created": _l("Someone joined a cohort"),
    "thread.created": _l("A thread was started"),
    "kudos.created": _l("Someone gave kudos"),
    "goal.reached": _l("A cohort reached a challenge's goal"),
    "milestone.reached": _l("A milestone was celebrated"),
    "poll.closed": _l("A poll closed"),
    "export.ready": _l("An export is ready to download"),
}
# The ledger's kinds that are events.
FROM_LEDGER = {
    "joined": "membership.created",
    "thread_started": "thread.created",
    "kudos_given": "kudos.created",
    "goal_reached": "goal.reached",
    "celebrated": "milestone.reached",
}
# A try that has not answered in this long was cut short (its worker died): tried again.
TAKEN_FOR = dt.timedelta(minutes=2)
TIMEOUT = (5, 15)  # seconds to connect, to answer


# Subscriptions


def subscriptions(viewer):
    access.require_token_admin(viewer)
    return list(WebhookSubscription.select().order_by(WebhookSubscription.id.desc()))


def subscription(viewer, subscription_id):
    access.require_token_admin(viewer)
    return found(WebhookSubscription.get_or_none(WebhookSubscription.id == subscription_id))


def subscribe(actor, url, events, description=""):
    access.require_token_admin(actor)
    url = checked_url(url)
    events = sorted(set(events or ()))
    if not events or set(events) - set(EVENTS):
        raise Refused(_("Choose at least one event."), "events")
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    with atomic():
        made = WebhookSubscription.create(
            url=url, events=" ".join(events), secret=secret, description=description[:200],
            created_by=actor,
        )  # fmt: skip
        log(actor, "webhook_subscribed", url, events=made.events)
    return made


def switch(actor, subscription_id, active):
    """Turn a subscription on (its failures forgotten) or off."""
    made = subscription(actor, subscription_id)
    with atomic():
        made.active, made.failures = active, 0 if active else made.failures
        made.disabled_at = None if active else utcnow()
        made.disabled_reason = "" if active else "by_admin"
        made.save()
        log(actor, "webhook_enabled" if active else "webhook_disabled", made.url)
    return made


def remove(actor, subscription_id):
    made = subscription(actor, subscription_id)
    with atomic():
        made.delete_instance()
        log(actor, "webhook_removed", made.url)
    return made


def deliveries(made, limit=50):
    return list(
        made.deliveries.order_by(
            WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc()
        ).limit(limit)
    )


def send_again(actor, subscription_id, delivery_id):
    """Send a delivery again now, whatever became of it, with the same webhook-id."""
    made = subscription(actor, subscription_id)
    delivery = found(WebhookDelivery.get_or_none(
        WebhookDelivery.id == delivery_id, WebhookDelivery.subscription == made
    ))  # fmt: skip
    with atomic():
        WebhookDelivery.update(status="pending", next_attempt_at=utcnow(), taken_at=None).where(
            WebhookDelivery.id == delivery.id
        ).execute()
        _hand(delivery, delivery.attempts)
        log(actor, "webhook_sent_again", made.url, event=delivery.event)
    return delivery


# Where deliveries may go: no server-side request forgery


def checked_url(url):
    """The URL, if a webhook may go there: https (or http when private addresses are
    allowed) to a host whose every address is public; else Refused."""
    parts = urlsplit((url or "").strip())
    private_ok = current_app.config["WEBHOOK_PRIVATE_ADDRESSES"]
    if parts.scheme not in (("https", "http") if private_ok else ("https",)) or not parts.hostname:
        raise Refused(_("Give an https:// address."), "url")
    if not private_ok and not _public(parts.hostname, parts.port or 443):
        raise Refused(
            _("That address is inside a private network or this machine: webhooks go to "
              "public addresses only."), "url",
        )  # fmt: skip
    return parts.geturl()


def _public(host, port):
    try:
        found_addresses = {info[4][0] for info in socket.getaddrinfo(host, port)}
    except (socket.gaierror, UnicodeError, ValueError):
        return False
    for address in found_addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            return False
    return bool(found_addresses)


# Events


def emit(event, key, data, cohort_id=None):
    """Record `event` for every live subscription to it, in the caller's transaction; each
    is sent by a job once it commits. `key` names the event: the same key again records
    nothing more. `data`: ids and links only."""
    subscribed = [
        s for s in WebhookSubscription.select(WebhookSubscription.id, WebhookSubscription.events)
        .where(WebhookSubscription.active, WebhookSubscription.events.contains(event))
        if event in s.event_list
    ]  # fmt: skip
    if not subscribed:
        return
    now = utcnow()
    payload = {"type": event, "timestamp": now.replace(tzinfo=dt.UTC).isoformat(),
               "data": {**data, "cohort_id": cohort_id}}  # fmt: skip
    digest = hashlib.sha256(f"{event}:{key}".encode()).hexdigest()[:32]
    for each in subscribed:
        delivery = WebhookDelivery(
            subscription=each.id, message_id=f"msg_{digest}_{each.id}", event=event,
            payload=json.dumps(payload, sort_keys=True), next_attempt_at=now, created_at=now,
        )  # fmt: skip
        delivery.id = insert(delivery, new_only=True)
        if delivery.id is not None:
            _hand(delivery, 0)


def on_activity(entry):
    """A ledger entry that is an event: its ids, and a link to where it happened."""
    event = FROM_LEDGER.get(entry.kind)
    if event is None:
        return
    data = {"person_id": entry.actor_id, "target_person_id": entry.target_id}
    if entry.object_type:
        data[f"{entry.object_type}_id"] = entry.object_id
    if entry.cohort_id:
        data["url"] = _link(f"/cohorts/{entry.cohort_id}")
    emit(event, f"activity-{entry.id}", data, cohort_id=entry.cohort_id)


def _link(path):
    from learning.mail.services import absolute_path

    return absolute_path(path)


def _hand(delivery, attempt):
    from learning.api.tasks import deliver

    defer(deliver, delivery.id, key=f"webhook-{delivery.message_id}-{attempt}", queue="webhooks")


# Trying


def take(delivery_id, now=None):
    """Claim a pending delivery for one try: (delivery, subscription), or None when it is
    delivered, its subscription is off, or another worker's try is under way."""
    now = now or utcnow()
    claimed = (
        WebhookDelivery.update(taken_at=now, attempts=WebhookDelivery.attempts + 1)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.status == "pending",
            WebhookDelivery.taken_at.is_null() | (WebhookDelivery.taken_at < now - TAKEN_FOR),
            # A subscription turned off keeps its deliveries waiting, for when it is back on.
            WebhookDelivery.subscription.in_(
                WebhookSubscription.select(WebhookSubscription.id).where(WebhookSubscription.active)
            ),
        )
        .execute()
    )
    if not claimed:
        return None
    delivery = WebhookDelivery.get_by_id(delivery_id)
    return delivery, delivery.subscription


def signed_headers(subscription, delivery, now=None):
    """Standard Webhooks' headers: webhook-id, webhook-timestamp, webhook-signature."""
    from standardwebhooks.webhooks import Webhook

    moment = (now or utcnow()).replace(tzinfo=dt.UTC)
    signature = Webhook(subscription.secret).sign(delivery.message_id, moment, delivery.payload)
    return {"webhook-id": delivery.message_id, "webhook-timestamp": str(int(moment.timestamp())),
            "webhook-signature": signature, "Content-Type": "application/json",
            "User-Agent": "LearningCommunity-Webhooks/1"}  # fmt: skip


def record_try(delivery, subscription, code, error="", now=None):
    """How a try went: delivered (2xx), another try later, or failed for good (and, after
    too many in a row, the subscription turned off with a note to the admins)."""
    now = now or utcnow()
    delays = current_app.config["WEBHOOK_RETRY_DELAYS"]
    ok = code is not None and 200 <= code < 300
    fields = {"taken_at": None, "response_code": code, "error": error[:250]}
    if ok:
        fields.update(status="delivered", delivered_at=now)
    elif delivery.attempts <= len(delays):
        wait = dt.timedelta(seconds=delays[delivery.attempts - 1])
        fields.update(next_attempt_at=now + wait)
    else:
        fields.update(status="failed")
    with atomic():
        WebhookDelivery.update(**fields).where(WebhookDelivery.id == delivery.id).execute()
        if ok:
            WebhookSubscription.update(failures=0).where(
                WebhookSubscription.id == subscription.id
            ).execute()
        elif fields.get("status") == "failed":
            _failed_for_good(subscription, now)
    return fields.get("status", "pending")


def _failed_for_good(subscription, now):
    WebhookSubscription.update(failures=WebhookSubscription.failures + 1).where(
        WebhookSubscription.id == subscription.id
    ).execute()
    failures = WebhookSubscription.get_by_id(subscription.id).failures
    if failures < current_app.config["WEBHOOK_DISABLE_AFTER"] or not subscription.active:
        return
    WebhookSubscription.update(active=False, disabled_at=now, disabled_reason="failing").where(
        WebhookSubscription.id == subscription.id
    ).execute()
    log(None, "webhook_disabled", subscription.url, failures=failures)
    from learning.mail.services import absolute_url, send_mail

    link = absolute_url("api.webhook", subscription_id=subscription.id)
    for admin in admins():
        send_mail(f"webhook-off-{subscription.id}-{now:%Y%m%d%H%M%S}-{admin.id}", admin.email,
                  _l("A webhook was turned off: its deliveries kept failing"),
                  "learning/api/webhook_disabled", reader=admin, person=admin,
                  url=subscription.url, failures=failures, link=link)  # fmt: skip


def due(now=None):
    """Deliveries to try now: waiting for their next try, or cut short by a dead worker."""
    now = now or utcnow()
    return list(
        WebhookDelivery.select(WebhookDelivery.id, WebhookDelivery.message_id,
                               WebhookDelivery.attempts)
        .join(WebhookSubscription)
        .where(
            WebhookDelivery.status == "pending", WebhookSubscription.active,
            WebhookDelivery.next_attempt_at <= now,
            WebhookDelivery.taken_at.is_null() | (WebhookDelivery.taken_at < now - TAKEN_FOR),
        )
        .limit(500)
    )  # fmt: skip


def sweep(now=None):
    """Hand the due deliveries to jobs; returns how many."""
    rows = due(now)
    with atomic():
        for delivery in rows:
            _hand(delivery, f"{delivery.attempts}-{int((now or utcnow()).timestamp())}")
    return len(rows)
