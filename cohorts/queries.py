"""The hot reads of programs and cohorts, tuned: each returns what its name says, and the
rest of the domain never sees how it is built."""

import datetime
from dataclasses import dataclass, field
from typing import NamedTuple

from peewee import JOIN, SQL, Select, fn

from cohorts.models import Cohort, CohortVisit, Membership, Program, ProgramVersion
from learning.i18n import in_language, other_language
from learning.ledger import Activity
from learning.people.models import Person
from learning.people.queries import Someone
from learning.recognition import places
from learning.recognition.models import CompanyValue, Kudos, ValueVersion
from learning.speed import (
    Inline,
    built_once,
    forget,
    inline,
    keep,
    moment,
    page_of,
    per_request,
)

MEMBER_ORDER = (Membership.role.desc(), Person.display_name)
# Ledger entries the cohort's feed and "new since your last visit" leave out: a goal reached
# (its celebration announces it) and answers to polls (so an anonymous one is not shown
# beside the poll's results moving).
UNSHOWN = ("goal_reached", "voted")
# Home counts at most this many new entries a cohort ("more than 99"): the count reads as
# many rows, not a cohort's whole ledger when someone has not visited for months.
NEW_COUNTED = 100
NEVER = datetime.datetime(1970, 1, 1)


def new_counts(person_id, since, now):
    """{cohort id: entries by others since then and up to `now`, at most NEW_COUNTED} for
    `since`, {cohort id: the person's last visit, or None}: one query, one plan per number of
    cohorts. Its range has both ends so that PostgreSQL keeps one plan: with only a lower
    end it estimated a third of the cohort's entries for the plan it would keep, and planned
    the query again on every run."""
    cohort_ids = list(since)
    counted = _new_counts(person_id, cohort_ids, [since[c] or NEVER for c in cohort_ids], now)
    return dict(zip(cohort_ids, counted, strict=True))


@built_once(rows=lambda found: found[0])
def _new_counts(person_id, cohort_ids, since, now):
    def counted(cohort_id, after):
        newer = (
            Activity.select(SQL("1"))
            .where(Activity.cohort_id == cohort_id, Activity.created_at > after,
                   Activity.created_at <= now, Activity.actor != person_id,
                   Activity.kind.not_in(UNSHOWN))
            .limit(inline(NEW_COUNTED))
        )  # fmt: skip
        return Select([newer.alias("newer")], [fn.COUNT(SQL("*"))])

    return Select(columns=[counted(c, after) for c, after in zip(cohort_ids, since, strict=True)])


def published_cohort(cohort_id, viewer):
    """The published cohort with its program, the program's guidelines in the reader's
    language (`cohort.guidelines`) and when `viewer` last saw its space (`cohort.seen_at`),
    or None. Its members come in the same query: they are kept for
    `members()` for the rest of the request."""
    rows = _published_with_members(cohort_id, viewer, other_language())
    if not rows:
        return None
    cohort = rows[0]
    keep(
        ("members", cohort.id),
        [row.member for row in rows if row.member is not None and row.member.id],
    )
    cohort.seen_at = cohort.visit.seen_at if cohort.visit is not None else None
    return cohort


@built_once
def _published_with_members(cohort_id, person_id, locale):
    guidelines = in_language(
        Program.guidelines, ProgramVersion.guidelines, ProgramVersion.program == Program.id, locale
    )
    return (
        Cohort.select(
            Cohort,
            guidelines.alias("guidelines").bind_to(Cohort),
            Program,
            Membership,
            Person,
            CohortVisit.seen_at,
        )
        .join(Program)
        .switch(Cohort)
        .join(Membership, JOIN.LEFT_OUTER, attr="member")
        .join(Person, JOIN.LEFT_OUTER)
        .switch(Cohort)
        .join(
            CohortVisit,
            JOIN.LEFT_OUTER,
            on=(CohortVisit.cohort == Cohort.id) & (CohortVisit.person == person_id),
            attr="visit",
        )
        .where(Cohort.id == cohort_id, Cohort.status == "published")
        .order_by(*MEMBER_ORDER)
    )


def members(cohort):
    """Memberships with their people, facilitators first, then by name; read once per
    request (until `members_changed`)."""
    cohort_id = getattr(cohort, "id", cohort)
    return per_request(("members", cohort_id), lambda: _members(cohort_id))


def members_changed(cohort):
    """A write changed who is in the cohort: the next `members()` reads them again."""
    forget(("members", getattr(cohort, "id", cohort)))


@built_once
def _members(cohort_id):
    return (
        Membership.select(Membership, Person)
        .join(Person)
        .where(Membership.cohort == cohort_id)
        .order_by(*MEMBER_ORDER)
    )


class ValueShown(NamedTuple):
    """What a feed entry shows of a company value."""

    id: int
    name: str


class KudosShown(NamedTuple):
    """What the feed shows of kudos: to whom, for which value, and what for."""

    id: int
    receiver_id: int
    message: str
    object_id: int | None
    link: str
    receiver: Someone
    value: ValueShown | None


@dataclass
class FeedEntry:
    """A ledger entry as the cohort's feed shows it: the columns of `Activity`, its `actor`
    (None for what the platform did itself) and, for kudos, the `kudos`. Recognition
    attaches what a celebration shows (`milestone`, `cheers`). `subject`: what the entry is
    about, if a domain names it (`places.subject`); the space gathers a line's `subjects`,
    and folds runs of small events into one line (`count`, `folded`)."""

    id: int
    actor_id: int | None
    cohort_id: int
    kind: str
    object_type: str
    object_id: int | None
    target_id: int | None
    created_at: datetime.datetime
    actor: Someone | None
    kudos: KudosShown | None
    subject: places.Subject | None
    milestone: object = None
    cheers: list = field(default_factory=list)
    subjects: list = field(default_factory=list)
    count: int = 1
    folded: bool = False


def _feed_rows(found):
    return [
        FeedEntry(
            *row[:7],
            moment(row[7]),
            Someone(row[1], row[8]) if row[1] is not None else None,
            KudosShown(
                *row[9:14],
                Someone(row[10], row[14]),
                ValueShown(row[15], row[16]) if row[15] is not None else None,
            )
            if row[9] is not None
            else None,
            places.subject(row[4], row[5], row[2], row[17], row[18]),
        )
        for row in found
    ]


def feed_entries(cohort, before=None, after=None, limit=20):
    """The cohort's ledger entries (`FeedEntry`), newest first, with what kudos show: those
    `after` an entry (all of them, up to `limit`), or a page `before` one; (entries, more
    follow)."""
    locale = other_language()
    if after:
        return _entries(cohort, before, after, Inline(limit), locale), False
    return page_of(lambda size: _entries(cohort, before, None, size, locale), limit)


@built_once(rows=_feed_rows)
def _entries(cohort_id, before, after, limit, locale):
    receiver = Person.alias()
    subject_title, subject_id = places.subject_columns(Activity.object_type, Activity.object_id)
    query = (
        Activity.select(
            Activity.id,
            Activity.actor,
            Activity.cohort_id,
            Activity.kind,
            Activity.object_type,
            Activity.object_id,
            Activity.target,
            Activity.created_at,
            Person.display_name,
            Kudos.id,
            Kudos.receiver,
            Kudos.message,
            Kudos.object_id,
            Kudos.link,
            receiver.display_name,
            CompanyValue.id,
            in_language(
                CompanyValue.name, ValueVersion.name, ValueVersion.value == CompanyValue.id, locale
            ),
            subject_title,
            subject_id,
        )
        .join(Person, JOIN.LEFT_OUTER, on=Activity.actor)
        .switch(Activity)
        .join(
            Kudos,
            JOIN.LEFT_OUTER,
            on=(Activity.object_type == "kudos") & (Activity.object_id == Kudos.id),
        )
        .join(receiver, JOIN.LEFT_OUTER, on=(Kudos.receiver == receiver.id))
        .switch(Kudos)
        .join(CompanyValue, JOIN.LEFT_OUTER, on=(Kudos.value == CompanyValue.id))
        .where(Activity.cohort_id == cohort_id, Activity.kind.not_in(UNSHOWN))
        .order_by(Activity.created_at.desc(), Activity.id.desc())
    )
    if before:
        query = query.where(Activity.id < before)
    if after:
        query = query.where(Activity.id > after)
    return query.limit(inline(limit))
