"""Notifying people in the app, and what they have not read yet."""

import itertools

from flask import current_app
from peewee import fn

from learning.db import insert, utcnow
from learning.i18n import as_reader
from learning.jobs.services import defer
from learning.live import events as live
from learning.notify import preferences
from learning.notify.models import KINDS, Notification
from learning.notify.tasks import chat_notice, email_notice

SHOWN = 100


def path_for(endpoint, anchor=None, **values):
    """The path of an endpoint, with no request needed (notices are written by jobs too)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return f"{path}#{anchor}" if anchor else path


def notify(person, kind, key, text, link, cohort_id=None, place="", answer=""):
    """Tell `person` something, in the app, by email and in Slack or Teams as they chose.
    Call inside the write's transaction: email and chat go by jobs once it commits. The same
    `key` notifies once; nobody is told about their own doing (callers skip the actor).
    `text` is in the person's own language: pass it as a lazy string (`lazy_gettext`).
    `answer`: what a reply from chat answers (learning.chat), if it can be answered there."""
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of notice: {kind}")
    off, connected = preferences.reach(person, kind)
    chat = connected and "chat" not in off
    if {"in_app", "email"} <= off and not chat:
        return None
    notice_id = insert(
        Notification(
            person=person,
            kind=kind,
            key=key,
            cohort_id=cohort_id,
            place=place,
            text=_said_to(person, text)[:250],
            link=link,
            shown="in_app" not in off,
            answer=answer,
        ),
        new_only=True,
    )
    if notice_id and "in_app" not in off:
        live.publish(live.NOTICES_CHANGED, person_id=person.id)
    if notice_id and "email" not in off:
        defer(email_notice, notice_id, key=f"notice-{notice_id}", queue="notices")
    if notice_id and chat:
        defer(chat_notice, notice_id, key=f"chat-notice-{notice_id}", queue="notices")
    return notice_id


def _said_to(person, text):
    with as_reader(person):
        return str(text)


def shown_to(person):
    """The person's notices in the app (not those of kinds they see by email only)."""
    return Notification.select().where(
        Notification.person == person,
        Notification.shown == True,  # noqa: E712
    )


def unread(person_id):
    """The query counting a person's unread notices, to fold into the query that loads them
    for a request (`unread_notices`)."""
    return (
        shown_to(person_id).select(fn.COUNT(Notification.id)).where(Notification.read_at.is_null())
    )


def unread_count(person):
    """As counted when the person was loaded for this request, else afresh."""
    known = getattr(person, "unread_notices", None)
    return unread(person.id).scalar() if known is None else known


def grouped(person, limit=SHOWN):
    """The latest notices as [(place, [(day, [notices])])]: by cohort, newest cohort first,
    then by day. One query."""
    rows = list(
        shown_to(person)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    )
    places = {}
    for row in rows:
        places.setdefault(row.place, []).append(row)
    return [
        (place, [(day, list(items)) for day, items in itertools.groupby(
            notices, key=lambda n: n.created_at.date())])
        for place, notices in places.items()
    ]  # fmt: skip


def open_notice(person, notification_id):
    """Mark one of the person's notices read and return it; None if it is not theirs."""
    notice = shown_to(person).where(Notification.id == notification_id).first()
    if notice is not None and notice.read_at is None:
        notice.read_at = utcnow()
        notice.save()
        live.publish(live.NOTICES_CHANGED, person_id=person.id)  # the bell in other tabs
    return notice


def mark_all_read(person):
    marked = (
        Notification.update(read_at=utcnow())
        .where(Notification.person == person, Notification.read_at.is_null())
        .execute()
    )
    if marked:
        live.publish(live.NOTICES_CHANGED, person_id=person.id)
    return marked
