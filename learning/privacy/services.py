"""Privacy: a person's data exported for them, their personal data erased, and old data
purged on a schedule.

Domains hold most of a person's contributions, and learning never imports them: each domain
registers what it can export for a person and what it must erase (register()). Erasure keeps
contributions (threads, replies, check-ins, kudos) so conversations stay readable; their author
becomes "Former member"."""

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from peewee import fn

from learning.audit.services import log
from learning.calendar.models import CalendarFeed, CalendarInvite
from learning.chat.models import ChatAccount, ChatMessage
from learning.db import atomic, utcnow
from learning.digest.models import Digest
from learning.errors import Refused, found
from learning.insights.models import Export
from learning.ledger import Activity
from learning.mail.models import Delivery
from learning.notify.models import MutedChannel, Notification
from learning.once import Submission
from learning.people.access import require_admin
from learning.people.models import Invitation, PasswordReset, Person, PersonRole, Preferences
from learning.recognition.models import Cheer, Kudos, Milestone

FORMER_MEMBER = "Former member"
PURGE_BATCH = 5000


@dataclass(frozen=True)
class Part:
    """What one domain adds: `export(person)` returns a JSON-ready dict of sections;
    `erase(person)` removes what only identifies them (called inside the erasure's
    transaction)."""

    export: object
    erase: object = None


def register(app, export, erase=None):
    app.extensions.setdefault("privacy_parts", []).append(Part(export, erase))


def _parts():
    return current_app.extensions.get("privacy_parts", [])


def access_person(admin, person_id):
    """A person, for an admin to download or erase their data."""
    require_admin(admin)
    return found(Person.get_or_none(Person.id == person_id))


def _platform_part(person):
    """The platform's own records of the person: profile, roles, preferences, recognition,
    notifications."""
    preferences = Preferences.get(Preferences.person == person)
    return {
        "profile": {
            "email": person.email,
            "display_name": person.display_name,
            "department": person.department,
            "location": person.location,
            "time_zone": person.time_zone,
            "created_at": person.created_at,
        },
        "roles": sorted(r.role for r in PersonRole.select().where(PersonRole.person == person)),
        "preferences": {
            "digest_frequency": preferences.digest_frequency,
            "digest_weekday": preferences.digest_weekday,
            "digest_hour": preferences.digest_hour,
            "working_days": preferences.working_days,
            "celebrate_me": preferences.celebrate_me,
        },
        "kudos_given": list(
            Kudos.select(Kudos.created_at, Kudos.message).where(Kudos.giver == person).dicts()
        ),
        "kudos_received": list(
            Kudos.select(Kudos.created_at, Kudos.message).where(Kudos.receiver == person).dicts()
        ),
        "milestones": list(
            Milestone.select(Milestone.created_at, Milestone.text)
            .where(Milestone.person == person)
            .dicts()
        ),
        "notifications": list(
            Notification.select(Notification.created_at, Notification.text)
            .where(Notification.person == person)
            .dicts()
        ),
        "chat_accounts": list(
            ChatAccount.select(
                ChatAccount.service,
                ChatAccount.team_id,
                ChatAccount.external_id,
                ChatAccount.linked_at,
            )
            .where(ChatAccount.person == person)
            .dicts()
        ),
    }


def personal_data(actor, person):
    """Everything the platform holds about `person`, as JSON text for them; admins only,
    audited. A constant number of queries: one or two per section."""
    require_admin(actor)
    data = _platform_part(person)
    for part in _parts():
        data.update(part.export(person))
    with atomic():
        log(actor, "personal_data_exported", f"person {person.id}", sections=len(data))
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True, default=str)


def erase(actor, person):
    """Replace the person's personal data with "Former member"; their contributions stay,
    anonymous. They can no longer sign in. Admins only; audited without their name."""
    require_admin(actor)
    if actor.id == person.id:
        raise Refused(_("You cannot erase yourself. Ask another admin."))
    if person.erased_at is not None:
        raise Refused(_("This person's data is already erased."))
    with atomic():
        email = person.email
        Person.update(
            display_name=FORMER_MEMBER,
            email=f"erased-{person.id}@erased.invalid",
            department="",
            location="",
            manager=None,
            password_hash=None,
            is_active=False,
            session_version=Person.session_version + 1,
            erased_at=utcnow(),
        ).where(Person.id == person.id).execute()
        Person.update(manager=None).where(Person.manager == person).execute()
        for model in (Invitation, PasswordReset, MutedChannel, Notification, Digest, Cheer,
                      ChatAccount, ChatMessage, CalendarFeed, CalendarInvite):  # fmt: skip
            model.delete().where(model.person == person).execute()
        PersonRole.delete().where(PersonRole.person == person).execute()
        # Celebrations are written with their name in them.
        Milestone.delete().where(Milestone.person == person).execute()
        Delivery.delete().where(Delivery.to_address == email).execute()
        # Notices others received name them ("Sam replied…"): the name goes there too.
        Notification.update(
            text=fn.REPLACE(Notification.text, person.display_name, FORMER_MEMBER)
        ).where(Notification.text.contains(person.display_name)).execute()
        for part in _parts():
            if part.erase:
                part.erase(person)
        log(actor, "person_erased", f"person {person.id}")
    return Person.get_by_id(person.id)


# Retention


SUBMISSIONS_KEPT = dt.timedelta(days=2)


@dataclass
class Purged:
    activities: int = 0
    export_files: int = 0
    submissions: int = 0


def retention_cutoff(now=None):
    months = current_app.config["RETENTION_MONTHS"]
    return (now or utcnow()) - dt.timedelta(days=round(months * 365.25 / 12))


def purge(now=None):
    """Delete raw ledger entries older than RETENTION_MONTHS, export files past their
    expiry and once-only tokens of forms sent more than SUBMISSIONS_KEPT ago. Idempotent: a
    second run finds nothing more to do."""
    now = now or utcnow()
    purged = Purged()
    cutoff = retention_cutoff(now)
    while True:
        with atomic():
            ids = [
                row.id
                for row in Activity.select(Activity.id)
                .where(Activity.created_at < cutoff)
                .limit(PURGE_BATCH)
            ]
            if not ids:
                break
            purged.activities += Activity.delete().where(Activity.id.in_(ids)).execute()
    # A form is sent again within moments, not days: its once-only token is then forgotten.
    purged.submissions = (
        Submission.delete().where(Submission.created_at < now - SUBMISSIONS_KEPT).execute()
    )
    folder = Path(current_app.config["EXPORTS_DIR"])
    expired = Export.select().where(Export.expires_at <= now, Export.path != "")
    for export in expired:
        (folder / export.path).unlink(missing_ok=True)
        Export.update(path="").where(Export.id == export.id).execute()
        purged.export_files += 1
    return purged
