"""Forming cohorts for a program: the builder's proposal as drafts, edits, publishing,
and the best cohort for a late joiner."""

from collections import Counter
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from peewee import JOIN, fn

from cohorts import builder
from cohorts.access import require_manager
from cohorts.models import MAX_SIZE, Cohort, Membership, Participant
from cohorts.services import add_member, tell_joined
from learning import ledger
from learning.audit.services import log
from learning.db import atomic, utcnow
from learning.errors import NotFound, Refused, found
from learning.people.models import Person
from learning.people.services import normalize_email
from learning.text import amount_text


def candidate(person):
    return builder.Candidate(
        id=person.id,
        name=person.display_name,
        department=person.department,
        location=person.location,
        time_zone=person.time_zone,
        manager_id=person.manager_id,
    )


def _placed(program):
    """Ids of the program's participants already in a cohort (draft or published)."""
    return Membership.select(Membership.person).join(Cohort).where(Cohort.program == program)


def unplaced_count(program):
    """How many participants are in no cohort yet; one count query."""
    return _unplaced(program).count()


def unplaced(program, department="", location=""):
    """Participants in no cohort yet, optionally of one department or location."""
    query = _unplaced(program)
    if department:
        query = query.where(Person.department == department)
    if location:
        query = query.where(Person.location == location)
    return list(query.order_by(Person.id))


def _unplaced(program):
    return (
        Person.select()
        .join(Participant)
        .where(Participant.program == program, Person.id.not_in(_placed(program)))
    )


def filters(program):
    """The departments and locations among the program's participants."""
    people = Person.select(Person.department, Person.location).join(Participant)
    rows = list(people.where(Participant.program == program).tuples())
    return sorted({d for d, _ in rows if d}), sorted({loc for _, loc in rows if loc})


def drafts(program):
    """The draft cohorts with their members and each member's manager (two queries)."""
    cohorts = list(
        Cohort.select()
        .where(Cohort.program == program, Cohort.status == "draft")
        .order_by(Cohort.position, Cohort.id)
    )
    manager = Person.alias()
    rows = (
        Membership.select(Membership, Person, manager.id, manager.display_name)
        .join(Person)
        .join(manager, JOIN.LEFT_OUTER, on=(Person.manager == manager.id))
        .where(Membership.cohort.in_(cohorts))
        .order_by(Person.display_name)
    )
    by_cohort = {}
    for membership in rows:
        by_cohort.setdefault(membership.cohort_id, []).append(membership)
    for cohort in cohorts:
        cohort.member_rows = by_cohort.get(cohort.id, [])
    return cohorts


def explain(cohorts):
    """For each draft: its balance (departments, locations, span) and the rules it breaks."""
    everyone = [candidate(m.person) for c in cohorts for m in c.member_rows]
    shares = Counter(c.department for c in everyone)
    for cohort in cohorts:
        group = [candidate(m.person) for m in cohort.member_rows]
        cohort.balance = builder.describe(group)
        cohort.problems = builder.problems(group, shares, moved_by_hand=cohort.moved_by_hand)
    return cohorts


def propose(actor, program, target, department="", location="", seed=0):
    """Run the builder for the program's unplaced participants (within the filter), replacing
    unlocked drafts; locked drafts keep their members."""
    require_manager(actor)
    with atomic():
        unlocked = Cohort.select(Cohort.id).where(
            Cohort.program == program,
            Cohort.status == "draft",
            Cohort.locked == False,  # noqa: E712
        )
        Cohort.delete().where(Cohort.id.in_(unlocked)).execute()
        people = unplaced(program, department, location)
        proposal = builder.build([candidate(p) for p in people], target, seed)
        taken = Cohort.select(fn.COUNT(Cohort.id)).where(Cohort.program == program).scalar()
        for number, group in enumerate(proposal.cohorts, start=taken + 1):
            name = _("Cohort %(number)s", number=number)
            cohort = Cohort.create(program=program, name=name, position=number)
            Membership.insert_many(
                [{"cohort": cohort, "person": member.id} for member in group]
            ).execute()
        log(actor, "cohorts_proposed", program.name, people=len(people), seed=seed)
    return proposal


def _draft(program, cohort_id):
    return found(
        Cohort.get_or_none(
            Cohort.id == cohort_id, Cohort.program == program, Cohort.status == "draft"
        )
    )


def move(actor, program, person_id, cohort_id):
    """Move a person between draft cohorts; both now break rules by hand, not by the
    builder. Returns the person and the cohort they joined."""
    require_manager(actor)
    target = _draft(program, cohort_id)
    with atomic():
        membership = found(
            Membership.select()
            .join(Cohort)
            .where(
                Membership.person == person_id,
                Cohort.program == program,
                Cohort.status == "draft",
            )
            .first()
        )
        if membership.cohort_id == target.id:
            return membership.person, target
        Cohort.update(moved_by_hand=True).where(
            Cohort.id.in_([membership.cohort_id, target.id])
        ).execute()
        membership.cohort = target
        membership.role = "member"
        membership.save()
    return membership.person, target


def rename(actor, program, cohort_id, name):
    require_manager(actor)
    name = (name or "").strip()
    if not name:
        raise Refused(_("Give the cohort a name."))
    if len(name) > 80:
        raise Refused(_("Use at most 80 characters."))
    cohort = _draft(program, cohort_id)
    cohort.name = name
    cohort.save()
    return cohort


def lock(actor, program, cohort_id, locked):
    require_manager(actor)
    cohort = _draft(program, cohort_id)
    cohort.locked = locked
    cohort.save()
    return cohort


def choose_facilitator(actor, program, cohort_id, person_id):
    """Appoint one of a draft's members; returns that person and the cohort."""
    require_manager(actor)
    cohort = _draft(program, cohort_id)
    with atomic():
        Membership.update(role="member").where(Membership.cohort == cohort).execute()
        updated = (
            Membership.update(role="facilitator")
            .where(Membership.cohort == cohort, Membership.person == person_id)
            .execute()
        )
    if not updated:
        raise NotFound
    return Person.get_by_id(person_id), cohort


def suggested_facilitator(member_rows, report_counts):
    """Someone who already leads people, else the first by name."""
    return min(
        member_rows,
        key=lambda m: (-report_counts.get(m.person_id, 0), m.person.display_name, m.person_id),
    )


def report_counts(person_ids):
    return dict(
        Person.select(Person.manager, fn.COUNT(Person.id))
        .where(Person.manager.in_(person_ids))
        .group_by(Person.manager)
        .tuples()
    )


def publish(actor, program, notify=True):
    """Make every draft cohort live: facilitators (chosen, or suggested), ledger entries,
    and an invitation or a "you have joined" email for each member, through jobs."""
    require_manager(actor)
    cohorts = drafts(program)
    if not cohorts:
        raise Refused(_("There are no proposed cohorts to publish. Build cohorts first."))
    empty = [c.name for c in cohorts if not c.member_rows]
    if empty:
        raise Refused(
            ngettext(
                "%(names)s has no members: move people in or build again.",
                "%(names)s have no members: move people in or build again.",
                len(empty),
                names=", ".join(empty),
            )
        )
    reports = report_counts([m.person_id for c in cohorts for m in c.member_rows])
    with atomic():
        now = utcnow()
        for cohort in cohorts:
            if not any(m.role == "facilitator" for m in cohort.member_rows):
                chosen = suggested_facilitator(cohort.member_rows, reports)
                chosen.role = "facilitator"
                chosen.save()
            cohort.program = program  # what the emails say, without reading it again
            cohort.status = "published"
            cohort.locked = False
            cohort.published_at = now
            cohort.save()
            for membership in cohort.member_rows:
                ledger.record(membership.person, "joined", cohort_id=cohort.id, obj=membership)
                if notify:
                    tell_joined(membership, cohort, membership.person, actor, cohort.member_rows)
        log(actor, "cohorts_published", program.name, cohorts=len(cohorts))
    return cohorts


def suggest_cohort(program, person, cohorts):
    """The best live cohort for a late joiner under the builder's rules, with the reason;
    None when every cohort is full or holds their manager or a report."""
    person_c = candidate(person)
    member_rows = (
        Membership.select(Membership, Person)
        .join(Person)
        .where(Membership.cohort.in_([c.id for c in cohorts]))
    )
    groups = {}
    for membership in member_rows:
        groups.setdefault(membership.cohort_id, []).append(candidate(membership.person))
    best = None
    for cohort in cohorts:
        group = groups.get(cohort.id, [])
        if len(group) >= MAX_SIZE or any(m.id == person.id for m in group):
            continue
        if builder.conflicts(person_c, group):
            continue
        after = group + [person_c]
        same_department = sum(1 for m in group if m.department == person.department)
        score = (
            builder.span(after) > builder.DEFAULT_SPAN_HOURS,
            builder.over_half(after) is not None,
            same_department,
            builder.span(after),
            len(group),
            cohort.id,
        )
        if best is None or score < best[0]:
            best = (score, cohort, group, same_department)
    if best is None:
        return None, _("Every cohort is full, or holds their manager or someone they manage.")
    _score, cohort, group, same_department = best
    department = person.department or _("their department")
    hours = builder.span(group + [person_c])
    reason = " ".join([
        ngettext("%(cohort)s has %(num)d member,", "%(cohort)s has %(num)d members,", len(group),
                 cohort=cohort.name),
        _("none from %(department)s yet,", department=department) if same_department == 0
        else ngettext("%(num)d from %(department)s,", "%(num)d from %(department)s,",
                      same_department, department=department),
        ngettext("time zones within %(hours)s hour,", "time zones within %(hours)s hours,",
                 hours, hours=amount_text(hours)),
        _("and neither their manager nor anyone they manage."),
    ])  # fmt: skip
    return cohort, reason


@dataclass(frozen=True)
class LateJoiner:
    """Someone joining a live program: the cohort they joined, or the one suggested."""

    person: Person
    joined: Cohort | None = None
    suggestion: Cohort | None = None
    reason: str = ""


def late_joiner(actor, program, email, cohorts, cohort_id=None):
    """Put the person with `email` in the chosen live cohort (`cohort_id`, one of `cohorts`),
    or suggest one with the reason when none is chosen yet."""
    require_manager(actor)
    person = Person.get_or_none(Person.email == normalize_email(email))
    if person is None:
        raise Refused(_("Nobody with that email is on the platform. Import them first."), "email")
    if not cohort_id:
        return LateJoiner(person, None, *suggest_cohort(program, person, cohorts))
    cohort = found(next((c for c in cohorts if c.id == cohort_id), None))
    add_member(actor, cohort, person)
    return LateJoiner(person, joined=cohort)
