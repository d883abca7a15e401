"""The hot reads of programs and cohorts, tuned: each returns what its name says, and the
rest of the domain never sees how it is built."""

from peewee import JOIN

from cohorts.models import Cohort, CohortVisit, Membership, Program
from learning import ledger
from learning.ledger import Activity
from learning.people.models import Person
from learning.recognition import services as recognition
from learning.speed import Inline, built_once, forget, inline, keep, page_of, per_request

MEMBER_ORDER = (Membership.role.desc(), Person.display_name)


def published_cohort(cohort_id, viewer):
    """The published cohort with its program and when `viewer` last saw its space
    (`cohort.seen_at`), or None. Its members come in the same query: they are kept for
    `members()` for the rest of the request."""
    rows = _published_with_members(cohort_id, viewer)
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
def _published_with_members(cohort_id, person_id):
    return (
        Cohort.select(Cohort, Program, Membership, Person, CohortVisit.seen_at)
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


def feed_entries(cohort, before=None, after=None, limit=20):
    """The cohort's ledger entries, newest first, with what kudos show: those `after` an
    entry (all of them, up to `limit`), or a page `before` one; (entries, more follow)."""
    if after:
        return _entries(cohort, before, after, Inline(limit)), False
    return page_of(lambda size: _entries(cohort, before, None, size), limit)


@built_once
def _entries(cohort_id, before, after, limit):
    query = recognition.with_kudos(ledger.cohort_activity(cohort_id))
    if before:
        query = query.where(Activity.id < before)
    if after:
        query = query.where(Activity.id > after)
    return query.limit(inline(limit))
