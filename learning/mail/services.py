"""Composing mail and handing it to the delivery job."""

from contextlib import nullcontext
from urllib.parse import urlsplit

from flask import current_app, render_template
from peewee import fn

from learning.db import atomic, insert, utcnow
from learning.i18n import as_reader
from learning.mail.models import Delivery
from learning.mail.tasks import hand_to_job
from learning.text import one_line

# A subject longer than this is cut (the column holds 255; mail clients show far less).
SUBJECT_MAX = 200


def absolute_url(endpoint, **values):
    """A link for an email: BASE_URL plus the endpoint's path (no request needed)."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def absolute_path(path):
    """A path in the app as a link that works outside it: BASE_URL plus the path."""
    return current_app.config["BASE_URL"].rstrip("/") + path


def send_mail(key, to_address, subject, template, due_at=None, unsubscribe_url="", batch=None,
              reader=None, calendar="", **context):  # fmt: skip
    """Compose a message from the templates <template>.txt and <template>.html, and queue it,
    or keep it until `due_at` (naive UTC). Call inside the write's transaction. Asking twice
    with the same key sends one email. The subject is put on one line, safe for a header.
    Subject and body are in the language and time zone of `reader`, the person it is for
    (whoever caused it): pass the subject as a lazy string (`lazy_gettext`).
    Returns the new delivery's id (None if it existed).
    With a `batch` list, a message to send now is added to it instead of queued alone: the
    caller hands the whole list to one job (`hand_batch`).
    `calendar`: an iCalendar invite (learning.calendar) the message carries."""
    now = utcnow()
    waits = due_at is not None and due_at > now
    with as_reader(reader) if reader is not None else nullcontext():
        # User text (names, titles, values) reaches the Subject: a line break there would end
        # the header, and the message could not be built.
        subject = one_line(str(subject), SUBJECT_MAX)
        context = {"subject": subject, "unsubscribe_url": unsubscribe_url,
                   "has_invite": bool(calendar), **context}  # fmt: skip
        text_body = render_template(f"{template}.txt", **context)
        html_body = render_template(f"{template}.html", **context)
    delivery_id = insert(
        Delivery(
            key=key,
            to_address=to_address,
            subject=subject,
            text_body=text_body,
            html_body=html_body,
            status="waiting" if waits else "pending",
            due_at=due_at if waits else now,
            unsubscribe_url=unsubscribe_url,
            calendar=calendar,
        ),
        new_only=True,
    )
    if delivery_id and not waits:
        if batch is None:
            hand_to_job(delivery_id, 0)
        else:
            batch.append(delivery_id)
    return delivery_id


def failed(limit=200):
    """Deliveries that failed for good, newest first."""
    return list(
        Delivery.select()
        .where(Delivery.status == "failed")
        .order_by(Delivery.created_at.desc())
        .limit(limit)
    )


def counts():
    """How many deliveries are in each state."""
    return dict(
        Delivery.select(Delivery.status, fn.COUNT(Delivery.id)).group_by(Delivery.status).tuples()
    )


def retry(delivery_id):
    """Try a failed delivery once more; False if it is not failed (any more)."""
    with atomic():
        claimed = (
            Delivery.update(status="pending", due_at=utcnow())
            .where(Delivery.id == delivery_id, Delivery.status == "failed")
            .execute()
        )
        if claimed:
            hand_to_job(delivery_id, Delivery.get_by_id(delivery_id).attempts)
    return bool(claimed)
