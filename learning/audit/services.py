"""Writing and reading the audit log."""

import json

from flask import has_request_context, request
from peewee import JOIN

from learning.audit.models import AuditEntry
from learning.people.access import require_admin
from learning.people.models import Person


def log(actor, action, subject="", **detail):
    """Append an entry; call it inside the transaction of the action it records."""
    return AuditEntry.create(
        actor=actor,
        action=action,
        subject=subject,
        detail=json.dumps(detail, sort_keys=True, default=str),
        ip=request.remote_addr or "" if has_request_context() else "",
    )


PAGE_SIZE = 50


def entries(viewer, page=1, who="", action="", start=None, end=None):
    """A page of entries, newest first, with their actors; admins only. Filtered by part of
    the actor's name or email (`who`), by `action`, and from `start` until before `end`."""
    require_admin(viewer)
    query = AuditEntry.select(AuditEntry, Person).join(
        Person, join_type=JOIN.LEFT_OUTER, on=AuditEntry.actor
    )
    if who:
        query = query.where(Person.display_name.contains(who) | Person.email.contains(who))
    if action:
        query = query.where(AuditEntry.action == action)
    if start:
        query = query.where(AuditEntry.created_at >= start)
    if end:
        query = query.where(AuditEntry.created_at < end)
    order = (AuditEntry.created_at.desc(), AuditEntry.id.desc())
    return list(query.order_by(*order).paginate(page, PAGE_SIZE))


def actions(viewer):
    """Every kind of action the log holds, for its filter."""
    require_admin(viewer)
    return [
        a
        for (a,) in AuditEntry.select(AuditEntry.action)
        .distinct()
        .order_by(AuditEntry.action)
        .tuples()
    ]
