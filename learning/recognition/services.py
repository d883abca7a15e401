"""Kudos between cohort peers, the company's values, and cheers for celebrations.

Who may thank whom in which cohort is the cohorts domain's to check; this module checks
the rest: no kudos to oneself, a value in use, and a contribution that is the receiver's."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import JOIN, IntegrityError

from learning import ledger, once
from learning.audit.services import log
from learning.db import atomic, insert, utcnow
from learning.digest import sections
from learning.errors import Refused, found
from learning.i18n import (
    in_language,
    in_languages,
    keep_versions,
    other_language,
    said,
    versions_by_owner,
    versions_of,
)
from learning.inputs import number_or_none
from learning.ledger import Activity
from learning.notify.services import notify
from learning.people.access import require_admin
from learning.people.models import Person
from learning.recognition import milestones, places, queries
from learning.recognition.models import (
    CHEERS,
    Cheer,
    CompanyValue,
    Kudos,
    Milestone,
    MilestoneVersion,
    ValueVersion,
)
from learning.text import one_line

MESSAGE_MAX = 280
# Contributions a kudos can thank for, as the ledger names them.
THANKABLE = {"reply": "their reply", "checkin": "their check-in"}


_VERSION = ValueVersion.value == CompanyValue.id


def values(include_archived=False):
    """The company's values, named and described in the reader's language."""
    locale = other_language()
    name = _value_name(locale)
    query = CompanyValue.select(
        CompanyValue.id,
        CompanyValue.archived_at,
        name.alias("name"),
        in_language(CompanyValue.description, ValueVersion.description, _VERSION, locale).alias(
            "description"
        ),
    ).order_by(name)
    if not include_archived:
        query = query.where(CompanyValue.archived_at.is_null())
    return list(query)


def _value_name(locale):
    return in_language(CompanyValue.name, ValueVersion.name, _VERSION, locale)


def value_versions(value):
    """What the value is called in other languages, for its form."""
    return versions_of(ValueVersion.value, value, ("name", "description"))


def save_value(actor, name, description="", value=None, token=None, versions=None):
    """Add a value, or rename one; names are unique regardless of case. The same add form
    sent twice (`token`) adds one. `versions`: {language: {"name", "description"}}."""
    name, description = one_line(name), one_line(description)
    versions = {
        code: {key: one_line(text) for key, text in texts.items()}
        for code, texts in (versions or {}).items()
    }
    if not name:
        raise Refused(_("Give the value a name."), "name")
    for code, texts in {"": {"name": name}, **versions}.items():
        if len(texts["name"]) > 40:
            raise Refused(_("Keep the name under 40 characters."), f"name_{code}".strip("_"))
    try:
        with atomic():
            first = once.sent_before(actor, token, "value") if value is None else None
            if first:
                return once.again(first, CompanyValue)
            # A company has a handful of values: compared here, as SQL's LOWER knows ASCII only.
            own = value.id if value is not None else None
            taken = {
                v.name.casefold(): v.id
                for v in CompanyValue.select(CompanyValue.id, CompanyValue.name)
            }
            if taken.get(name.casefold(), own) != own:
                raise Refused(_("There is already a value called “%(name)s”.", name=name), "name")
            if value is None:
                value = once.made(
                    token, CompanyValue.create(name=name, description=description[:200])
                )
            else:
                value.name, value.description = name, description[:200]
                value.save()
            keep_versions(ValueVersion.value, value, versions)
            log(actor, "value_saved", name)
    except IntegrityError:  # the same name, sent twice at once
        raise Refused(_("There is already a value called “%(name)s”.", name=name), "name") from None
    return value


def access_value(person, value_id):
    """A company value, for admins to change."""
    require_admin(person)
    return found(CompanyValue.get_or_none(CompanyValue.id == value_id))


def archive_value(actor, value, archived=True):
    """Archived, a value keeps the kudos given for it; new kudos cannot choose it."""
    require_admin(actor)
    with atomic():
        value.archived_at = utcnow() if archived else None
        value.save(only=[CompanyValue.archived_at])
        log(actor, "value_archived" if archived else "value_restored", value.name)


def save_celebration_words(actor, texts):
    """An admin's words for each kind of celebration ({kind: {language: text}}); empty means
    the built-in words."""
    require_admin(actor)
    with atomic():
        milestones.save_templates(texts)


def contribution(about, receiver, cohort_id):
    """The ledger entry of the contribution `about` ("reply:12") if it is the receiver's, in
    this cohort; refuses anything else."""
    object_type, _colon, object_id = (about or "").partition(":")
    object_id = number_or_none(object_id)
    if object_type not in THANKABLE or object_id is None:
        raise Refused(_("That contribution cannot be thanked for."), "about")
    entry = (
        Activity.select()
        .where(
            Activity.object_type == object_type,
            Activity.object_id == object_id,
            Activity.actor == receiver,
            Activity.cohort_id == cohort_id,
        )
        .first()
    )
    if entry is None:
        raise Refused(_("That contribution is not theirs, or it is gone."), "about")
    return entry


def give_kudos(giver, receiver, cohort_id, place, value_id, message, token, about=""):
    """Record a kudos once per token, in the feed and the ledger, and tell the receiver.
    Returns (kudos, created)."""
    if receiver.id == giver.id:
        raise Refused(_("Kudos are for someone else: choose a colleague."), "receiver")
    value = CompanyValue.get_or_none(
        CompanyValue.id == value_id, CompanyValue.archived_at.is_null()
    )
    if value is None:
        raise Refused(_("Choose one of the company's values."), "value")
    message = one_line(message)
    if len(message) > MESSAGE_MAX:
        raise Refused(_("Keep the message under %(num)d characters.", num=MESSAGE_MAX), "message")
    if not token:
        raise Refused(_("The form was incomplete; please send it again."))
    with atomic():
        existing = Kudos.get_or_none(Kudos.token == token)
        if existing is not None:
            return existing, False
        entry = contribution(about, receiver, cohort_id) if about else None
        _cohort, space = places.cohort(cohort_id)
        link = places.link_for(entry.object_type, entry.object_id) if entry else ""
        kudos_id = insert(
            Kudos(
                giver=giver, receiver=receiver, cohort_id=cohort_id, value=value,
                message=message, object_type=entry.object_type if entry else "",
                object_id=entry.object_id if entry else None, link=link or space, token=token,
            ),
            new_only=True,
        )  # fmt: skip
        if kudos_id is None:  # the same form, sent twice at once
            return Kudos.get(Kudos.token == token), False
        kudos = Kudos.get_by_id(kudos_id)
        ledger.record(giver, "kudos_given", cohort_id=cohort_id, obj=kudos, target=receiver)
        named = in_languages(
            value.name, versions_by_owner(ValueVersion.value, [value.id], "name").get(value.id, {})
        )
        words = {"name": giver.display_name, "value": named, "message": message}
        text = (
            _l("%(name)s gave you kudos for %(value)s: “%(message)s”", **words)
            if message
            else _l("%(name)s gave you kudos for %(value)s", **words)
        )
        notify(receiver, "kudos", f"kudos:{kudos_id}", text,
               kudos.link, cohort_id=cohort_id, place=place)  # fmt: skip
    return kudos, True


def kudos_received(person, cohort_ids, limit=20):
    """The latest kudos `person` received in these cohorts, with giver and value."""
    return list(
        _kudos_with(Kudos.giver, other_language())
        .where(Kudos.receiver == person, Kudos.cohort_id.in_(list(cohort_ids)))
        .order_by(Kudos.created_at.desc())
        .limit(limit)
    )


def _kudos_with(someone, locale=None):
    """Kudos with one of their two people (`Kudos.giver` or `.receiver`) and the name of
    their value (`value_name`) in `locale`'s version."""
    other = Person.alias()
    return (
        Kudos.select(Kudos, other, _value_name(locale).alias("value_name"))
        .join(other, on=someone == other.id)
        .switch(Kudos)
        .join(CompanyValue, on=Kudos.value == CompanyValue.id, join_type=JOIN.LEFT_OUTER)
    )


def celebrations_of(person, cohort_ids, limit=20):
    """The person's public celebrations, their words in the reader's language."""
    return list(
        Milestone.select(*queries.milestone_columns(other_language()))
        .where(
            Milestone.person == person,
            Milestone.cohort_id.in_(list(cohort_ids)),
            Milestone.public == True,  # noqa: E712
        )
        .order_by(Milestone.created_at.desc())
        .limit(limit)
    )


def public_milestone(milestone_id, cohort_id):
    return Milestone.get_or_none(
        Milestone.id == milestone_id,
        Milestone.cohort_id == cohort_id,
        Milestone.public == True,  # noqa: E712
    )


def cheer(person, milestone, kind):
    """Add the person's cheer of this kind to a celebration, or take it back."""
    if kind not in CHEERS:
        raise Refused(_("Choose one of the cheers."), status=400)
    with atomic():
        removed = (
            Cheer.delete()
            .where(Cheer.milestone == milestone, Cheer.person == person, Cheer.kind == kind)
            .execute()
        )
        if not removed:
            Cheer.insert(
                milestone=milestone, person=person, kind=kind
            ).on_conflict_ignore().execute()  # noqa: E501
    return not removed


def attach(entries, viewer):
    """Give the feed's celebration entries what they show: `entry.milestone` and
    `entry.cheers` [(kind, label, count, mine)], in one query whatever the number of entries.
    Kudos come with the feed's entries; entries read without them show none."""
    wanted = [e.object_id for e in entries if e.object_type == "milestone" and e.object_id]
    milestones, counts = {}, {}
    if wanted:
        # Each milestone once per kind of cheer it received (once with no kind if none).
        for milestone in queries.cheered(wanted, viewer, other_language()):
            milestones[milestone.id] = milestone
            if milestone.cheer_kind:
                counts[(milestone.id, milestone.cheer_kind)] = (
                    milestone.cheer_count,
                    bool(milestone.cheer_mine),
                )
    for entry in entries:
        entry.kudos = getattr(entry, "kudos", None)
        entry.milestone = (
            milestones.get(entry.object_id) if entry.object_type == "milestone" else None
        )
        if entry.milestone:
            entry.cheers = [
                (kind, label, *counts.get((entry.milestone.id, kind), (0, False)))
                for kind, label in CHEERS.items()
            ]
    return entries


# The digest's parts about recognition


def digest_kudos(readers, until):
    """Kudos each reader received since their last digest; one query."""
    readers_by_id = {reader.person_id: reader for reader in readers}
    result = {}
    found = list(
        _kudos_with(Kudos.giver).where(
            Kudos.receiver.in_(list(readers_by_id)),
            Kudos.created_at > sections.earliest(readers),
            Kudos.created_at <= until,
        )
    )
    versions = versions_by_owner(ValueVersion.value, {k.value_id for k in found}, "name")
    for kudos in found:
        reader = readers_by_id[kudos.receiver_id]
        place = reader.cohorts.get(kudos.cohort_id)
        if place and kudos.created_at > reader.since:
            giver = kudos.giver.display_name
            named = in_languages(kudos.value_name, versions.get(kudos.value_id, {}))
            text = (
                said("%(name)s thanked you for %(value)s", name=giver, value=named)
                if kudos.value_name
                else said("%(name)s thanked you", name=giver)
            )
            result.setdefault(reader.person_id, []).append(
                sections.Item(
                    text,
                    kudos.link or place[1],
                    kudos.created_at,
                    detail=sections.snippet(kudos.message),
                    place=place[0],
                )
            )
    return result


def digest_celebrations(readers, until):
    """Milestones in each reader's cohorts since their last digest: the public ones, and
    the reader's own even when they keep them private. One query."""
    rows = list(
        Milestone.select().where(
            Milestone.cohort_id.in_(sections.cohort_ids(readers)),
            Milestone.created_at > sections.earliest(readers),
            Milestone.created_at <= until,
        )
    )
    versions = versions_by_owner(MilestoneVersion.milestone, [m.id for m in rows], "text")
    by_cohort = {}
    for milestone in rows:
        milestone.words = in_languages(milestone.text, versions.get(milestone.id, {}))
        by_cohort.setdefault(milestone.cohort_id, []).append(milestone)
    result = {}
    for reader in readers:
        for cohort_id, (place, path) in reader.cohorts.items():
            for milestone in by_cohort.get(cohort_id, ()):
                mine = milestone.person_id == reader.person_id
                if milestone.created_at > reader.since and (milestone.public or mine):
                    result.setdefault(reader.person_id, []).append(
                        sections.Item(
                            milestone.words,
                            milestone.link or path,
                            milestone.created_at,
                            place=place,
                        )  # fmt: skip
                    )
    return result
