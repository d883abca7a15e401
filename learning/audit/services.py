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


def entries(viewer, page=1):
    """A page of entries, newest first, with their actors; admins only."""
    require_admin(viewer)
    return (
        AuditEntry.select(AuditEntry, Person)
        .join(Person, join_type=JOIN.LEFT_OUTER, on=AuditEntry.actor)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .paginate(page, PAGE_SIZE)
    )
