"""Programs, access to cohorts, the cohort space, and membership changes."""

import json
from dataclasses import asdict
from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import abort
from peewee import JOIN, fn

from cohorts.models import (
    Cohort,
    CohortVisit,
    Membership,
    MembershipRequest,
    Participant,
    PeopleImport,
    Program,
)
from learning import ledger, once
from learning.audit.services import log
from learning.db import (
    Inline,
    atomic,
    built_once,
    inline,
    insert,
    page_of,
    read_once,
    stream,
    utcnow,
)
from learning.digest import sections
from learning.errors import Refused
from learning.insights import analytics, kept
from learning.insights import sources as insights
from learning.ledger import Activity
from learning.mail.services import absolute_url, send_mail
from learning.notify.services import path_for
from learning.people.access import require_role
from learning.people.models import Person, Role
from learning.people.services import send_invitation
from learning.recognition import services as recognition

MANAGERS = (Role.LD_MANAGER, Role.ADMIN)
FEED_PAGE = 20


# Access


def require_manager(person):
    """L&D managers and admins run programs."""
    return require_role(person, *MANAGERS)


def access_program(person, program_id):
    """The program, for L&D managers and admins; 404 when it does not exist."""
    require_manager(person)
    return Program.get_or_none(Program.id == program_id) or abort(404)


def access_cohort(person, cohort_id):
    """The published cohort if `person` belongs to it or runs programs; otherwise 404, so
    nobody learns that it exists."""
    cohort = _published(person, cohort_id)
    if cohort is None:
        abort(404)
    if person.has_role(*MANAGERS):
        return cohort
    if membership_of(person, cohort) is None:
        abort(404)
    return cohort


def _published(person, cohort_id):
    """The published cohort with its program. The same query brings its members (kept for
    `members`) and when `person` last saw its space (`cohort.seen_at`)."""
    rows = list(_published_with_members(cohort_id, person))
    if not rows:
        return None
    cohort = rows[0]
    people = [row.member for row in rows if row.member is not None and row.member.id]
    read_once(("members", cohort.id), lambda: people, MEMBERS_FROM)
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


def access_own_cohort(person, cohort_id):
    """The published cohort if `person` is a member of it (to leave or ask to move); else 404."""
    cohort = access_cohort(person, cohort_id)
    if membership_of(person, cohort) is None:
        abort(404)
    return cohort


def membership_of(person, cohort):
    """The person's membership of the cohort, or None. A request asks several times (access,
    facilitation, each section) and most show the members: it is found among the members,
    read once."""
    cohort_id = getattr(cohort, "id", cohort)
    return next((m for m in members(cohort_id) if m.person_id == person.id), None)


def is_facilitator(person, cohort):
    membership = membership_of(person, cohort)
    return membership is not None and membership.role == "facilitator"


def can_manage_members(person, cohort):
    return person.has_role(*MANAGERS) or is_facilitator(person, cohort)


# Programs


def programs(viewer):
    """Every program, newest first, with its participant and cohort counts (three queries)."""
    require_manager(viewer)
    rows = list(Program.select().order_by(Program.starts_on.desc(), Program.id.desc()))
    ids = [p.id for p in rows]
    people = dict(
        Participant.select(Participant.program, fn.COUNT(Participant.id))
        .where(Participant.program.in_(ids))
        .group_by(Participant.program)
        .tuples()
    )
    cohorts = dict(
        Cohort.select(Cohort.program, fn.COUNT(Cohort.id))
        .where(Cohort.program.in_(ids), Cohort.status == "published")
        .group_by(Cohort.program)
        .tuples()
    )
    for program in rows:
        program.participant_count = people.get(program.id, 0)
        program.cohort_count = cohorts.get(program.id, 0)
    return rows


def save_program(actor, program=None, token=None, **fields):
    """Create a program, or change one; both are audited. The same new-program form sent
    twice (`token`) creates one."""
    require_manager(actor)
    with atomic():
        if program is None:
            first = once.sent_before(actor, token, "program")
            if first is not None:
                return once.again(first, Program)
            program = once.made(token, Program.create(created_by=actor, **fields))
            log(actor, "program_created", program.name)
        else:
            for name, value in fields.items():
                setattr(program, name, value)
            program.save()
            log(actor, "program_changed", program.name)
    return program


def add_participants(actor, program, people):
    """Make `people` participants of the program; adding someone twice changes nothing."""
    require_manager(actor)
    with atomic():
        Participant.insert_many(
            [{"program": program, "person": person} for person in people]
        ).on_conflict_ignore().execute()


def published_cohorts(program):
    """The program's live cohorts with their member counts."""
    return list(
        Cohort.select(Cohort, fn.COUNT(Membership.id).alias("size"))
        .join(Membership, JOIN.LEFT_OUTER)
        .where(Cohort.program == program, Cohort.status == "published")
        .group_by(Cohort.id)
        .order_by(Cohort.position, Cohort.id)
    )


# The cohort space


MEMBER_ORDER = (Membership.role.desc(), Person.display_name)
MEMBERS_FROM = (Membership, Person)


def members(cohort):
    """Members with their people, facilitators first, then by name; one query (per request,
    until it changes a membership or a person)."""
    cohort_id = getattr(cohort, "id", cohort)
    return read_once(("members", cohort_id), lambda: list(_members(cohort_id)), MEMBERS_FROM)


@built_once
def _members(cohort_id):
    return (
        Membership.select(Membership, Person)
        .join(Person)
        .where(Membership.cohort == cohort_id)
        .order_by(*MEMBER_ORDER)
    )


def local_time(person, now=None):
    """The person's wall-clock time now, e.g. "14:05"."""
    now = now or datetime.now(ZoneInfo("UTC"))
    try:
        return now.astimezone(ZoneInfo(person.time_zone)).strftime("%H:%M")
    except (KeyError, ValueError):
        return now.strftime("%H:%M")


def feed(cohort, viewer, before=None, after=None, limit=FEED_PAGE):
    """Newest first, with what kudos and celebrations show. `before` pages back ("show
    more"); `after` returns only what is new. Returns (entries, has_more)."""
    if after:
        return recognition.attach(_entries(cohort, before, after, Inline(limit)), viewer), False
    entries, more = page_of(lambda size: _entries(cohort, before, None, size), limit)
    return recognition.attach(entries, viewer), more


@built_once
def _entries(cohort_id, before, after, limit):
    query = recognition.with_kudos(ledger.cohort_activity(cohort_id))
    if before:
        query = query.where(Activity.id < before)
    if after:
        query = query.where(Activity.id > after)
    return query.limit(inline(limit))


def record_visit(person, cohort, newest=None):
    """Remember that `person` has seen the space now. When they saw it after the `newest`
    entry in it (`cohort.seen_at`, read with the cohort in a GET), what counts as new for
    them stays the same, so nothing is written."""
    seen = getattr(cohort, "seen_at", None)
    if seen is not None and (newest is None or newest <= seen):
        return
    CohortVisit.insert(cohort=cohort, person=person, seen_at=utcnow()).on_conflict(
        conflict_target=[CohortVisit.cohort, CohortVisit.person],
        update={CohortVisit.seen_at: utcnow()},
    ).execute()


def my_cohorts(person):
    """The person's published cohorts with their program and how many things happened since
    their last visit; two queries whatever the number of cohorts or entries."""
    rows = list(
        Cohort.select(Cohort, Program, CohortVisit.seen_at.alias("seen_at"))
        .join(Program)
        .switch(Cohort)
        .join(Membership)
        .switch(Cohort)
        .join(
            CohortVisit,
            JOIN.LEFT_OUTER,
            on=(CohortVisit.cohort == Cohort.id) & (CohortVisit.person == person),
        )
        .where(Membership.person == person, Cohort.status == "published")
        .order_by(Program.starts_on.desc(), Cohort.name)
        .objects()
    )
    if not rows:
        return []
    new = Activity.select(Activity.cohort_id, fn.COUNT(Activity.id)).where(Activity.actor != person)
    conditions = None
    for cohort in rows:
        clause = Activity.cohort_id == cohort.id
        if cohort.seen_at:
            clause &= Activity.created_at > cohort.seen_at
        conditions = clause if conditions is None else conditions | clause
    counts = dict(new.where(conditions).group_by(Activity.cohort_id).tuples())
    for cohort in rows:
        cohort.new_count = counts.get(cohort.id, 0)
    return rows


# Membership changes


def add_member(actor, cohort, person, role="member", notify=True):
    """Put `person` in `cohort`: a membership, a ledger entry, a notice or an invitation.
    Adding someone who is already a member changes nothing."""
    with atomic():
        Participant.insert(program=cohort.program_id, person=person).on_conflict_ignore().execute()
        created = insert(Membership(cohort=cohort, person=person, role=role), new_only=True)
        if not created:
            return membership_of(person, cohort)
        membership = membership_of(person, cohort)
        ledger.record(person, "joined", cohort_id=cohort.id, obj=membership)
        log(actor, "member_added", person.email, cohort=cohort.name)
        if notify:
            tell_joined(membership, cohort, person, actor)
    return membership


def tell_joined(membership, cohort, person, actor):
    """An invitation for someone without an account, a "you have joined" email otherwise."""
    if person.password_hash is None:
        send_invitation(person, invited_by=actor)
        return
    send_mail(
        f"joined-{membership.id}",
        person.email,
        f"You have joined {cohort.name}",
        "cohorts/mail/joined",
        person=person,
        cohort=cohort,
        program=cohort.program,
        link=absolute_url("cohorts.show", cohort_id=cohort.id),
    )


def remove_member(actor, cohort, person):
    """Take `person` out of `cohort` (leaving, or removed by L&D); recorded and audited."""
    if actor.id != person.id and not can_manage_members(actor, cohort):
        abort(404)
    with atomic():
        deleted = (
            Membership.delete()
            .where(Membership.cohort == cohort, Membership.person == person)
            .execute()
        )
        if deleted:
            ledger.record(person, "left", cohort_id=cohort.id)
            action = "left_cohort" if actor.id == person.id else "member_removed"
            log(actor, action, person.email, cohort=cohort.name)
    return bool(deleted)


def ask_to_move(person, cohort, reason, token=None):
    """A member asks to move; one open request per person and cohort, also when the form is
    sent twice at once (`token`)."""
    with atomic():
        first = once.sent_before(person, token, "move_request")
        if first is not None:
            return once.again(first, MembershipRequest)
        existing = MembershipRequest.get_or_none(
            MembershipRequest.cohort == cohort,
            MembershipRequest.person == person,
            MembershipRequest.status == "open",
        )
        if existing:
            existing.reason = reason
            existing.save()
            return existing
        request = once.made(
            token, MembershipRequest.create(cohort=cohort, person=person, reason=reason)
        )
        log(person, "move_requested", person.email, cohort=cohort.name)
    return request


def open_requests(cohorts):
    """Open move requests for these cohorts, with the people who asked."""
    return list(
        MembershipRequest.select(MembershipRequest, Person)
        .join(Person, on=MembershipRequest.person)
        .where(MembershipRequest.cohort.in_(cohorts), MembershipRequest.status == "open")
        .order_by(MembershipRequest.created_at)
    )


def move_member(actor, cohort, person, target):
    """Move `person` from `cohort` to `target` in the same program; recorded and audited."""
    if not can_manage_members(actor, cohort) or target.program_id != cohort.program_id:
        abort(404)
    if target.id == cohort.id:
        raise ValueError("Choose a different cohort.")
    with atomic():
        membership = membership_of(person, cohort) or abort(404)
        membership.delete_instance()
        ledger.record(person, "left", cohort_id=cohort.id)
        Membership.create(cohort=target, person=person)
        ledger.record(person, "joined", cohort_id=target.id)
        MembershipRequest.update(status="moved", resolved_by=actor, resolved_at=utcnow()).where(
            MembershipRequest.cohort == cohort,
            MembershipRequest.person == person,
            MembershipRequest.status == "open",
        ).execute()
        log(actor, "member_moved", person.email, source=cohort.name, target=target.name)


def decline_request(actor, request):
    if not can_manage_members(actor, request.cohort):
        abort(404)
    with atomic():
        request.status = "declined"
        request.resolved_by = actor
        request.resolved_at = utcnow()
        request.save()
        log(actor, "move_declined", request.person.email, cohort=request.cohort.name)


# Recognition in the cohort: kudos between its members, cheers for its celebrations.


def member_of(cohort, person_id):
    """A member of the cohort by id (with their person), or None."""
    return (
        Membership.select(Membership, Person)
        .join(Person)
        .where(Membership.cohort == cohort, Membership.person == person_id)
        .first()
    )


def give_kudos(giver, cohort, receiver_id, value_id, message, token, about=""):
    """Kudos from one member of the cohort to another. Returns (kudos, created)."""
    membership = member_of(cohort, receiver_id)
    if membership is None:
        raise Refused("Choose someone in this cohort.", "receiver")
    return recognition.give_kudos(
        giver, membership.person, cohort.id, cohort.name, value_id, message, token, about
    )


def describe(cohort_id):
    """A cohort's name and the path of its space, for learning's notices and celebrations."""
    cohort = Cohort.get_or_none(Cohort.id == cohort_id)
    if cohort is None:
        return "", "/"
    return cohort.name, path_for("cohorts.show", cohort_id=cohort.id)


def celebration_entry(cohort, milestone, viewer):
    """The feed entry of a celebration, with its cheers, or None."""
    entry = (
        ledger.cohort_activity(cohort.id)
        .where(Activity.object_type == "milestone", Activity.object_id == milestone.id)
        .first()
    )
    return recognition.attach([entry], viewer)[0] if entry else None


# The digest's parts that are about cohorts


def digest_cohorts(person_ids):
    """{person id: {cohort id: (name, path)}}: the published cohorts each person is in."""
    rows = (
        Membership.select(Membership.person, Cohort.id, Cohort.name)
        .join(Cohort)
        .where(Membership.person.in_(list(person_ids)), Cohort.status == "published")
        .order_by(Cohort.name)
        .tuples()
    )
    result = {}
    for person_id, cohort_id, name in rows:
        result.setdefault(person_id, {})[cohort_id] = (
            name,
            path_for("cohorts.show", cohort_id=cohort_id),
        )
    return result


def digest_new_members(readers, until):
    """Who joined the readers' cohorts since their last digest; one query."""
    rows = (
        Activity.select(Activity.cohort_id, Activity.created_at, Person.id, Person.display_name)
        .join(Person, on=Activity.actor)
        .where(
            Activity.kind == "joined",
            Activity.cohort_id.in_(sections.cohort_ids(readers)),
            Activity.created_at > sections.earliest(readers),
            Activity.created_at <= until,
        )
        .tuples()
    )
    by_cohort = {}
    for row in rows:
        by_cohort.setdefault(row[0], []).append(row)
    result = {}
    for reader in readers:
        for cohort_id, (place, _) in reader.cohorts.items():
            for _, at, person_id, name in by_cohort.get(cohort_id, ()):
                if at > reader.since and person_id != reader.person_id:
                    result.setdefault(reader.person_id, []).append(
                        sections.Item(
                            f"{name} joined {place}",
                            path_for("cohorts.person", cohort_id=cohort_id, person_id=person_id),
                            at,
                            place=place,
                        )
                    )
    return result


# Who is where, for HR's reports


def report_memberships(program_id=None, cohort_id=None, department="", location=""):
    """Every member of a published cohort with their department, location and program, in
    the order of people, as a lazy stream: one query. Reports count them; they never see
    what anyone wrote."""
    query = (
        Membership.select(
            Person.id,
            Person.display_name,
            Person.department,
            Person.location,
            Cohort.id,
            Cohort.name,
            Program.id,
            Program.name,
        )
        .join(Person)
        .switch(Membership)
        .join(Cohort)
        .join(Program)
        .where(Cohort.status == "published")
        .order_by(Person.id, Cohort.id)
    )
    if program_id:
        query = query.where(Program.id == program_id)
    if cohort_id:
        query = query.where(Cohort.id == cohort_id)
    if department:
        query = query.where(Person.department == department)
    if location:
        query = query.where(Person.location == location)
    return (insights.Member(*row) for row in stream(query))


# L&D's analytics and each cohort's health


def access_cohort_health(person, cohort_id):
    """The cohort, for L&D and for its own facilitator; 404 for everyone else."""
    cohort = access_cohort(person, cohort_id)
    if not (person.has_role(*MANAGERS) or is_facilitator(person, cohort)):
        abort(404)
    return cohort


def _span(program, cohorts, now):
    """From the first cohort's publication (or the program's start) to the program's end."""
    published = [c.published_at.date() for c in cohorts if c.published_at]
    return min([program.starts_on, *published]), max(program.ends_on, now.date())


def program_analytics(program, now=None, progress=kept.ignore_progress):
    """(the program's Conversation, [(cohort, Conversation, Health)], challenges) for L&D,
    with `progress(done, 3)` as it goes."""
    now = now or utcnow()
    cohorts = published_cohorts(program)
    start, end = _span(program, cohorts, now)
    members = analytics.for_members(program_id=program.id)
    progress(1, 3)
    by_cohort, whole = analytics.conversations(members, start, end, now)
    progress(2, 3)
    rows = []
    for cohort in cohorts:
        conversation = by_cohort.get(cohort.id) or analytics.Conversation()
        rows.append((cohort, conversation, analytics.health(conversation)))
    return whole, rows, _challenges(cohorts, now)


class AnalyticsCohort(NamedTuple):
    id: int
    name: str


def program_analytics_figures(program):
    """Figures: program_analytics' value as a job computed it (see `analytics_from_plain`)."""
    return kept.figures("program-analytics-2", [program.id])


def analytics_from_plain(value):
    """program_analytics' value from the kept figures' JSON."""
    whole, rows, challenges = value
    rows = [(AnalyticsCohort(*cohort), analytics.Conversation.from_plain(conversation),
             analytics.Health(**health)) for cohort, conversation, health in rows]  # fmt: skip
    return analytics.Conversation.from_plain(whole), rows, challenges


@kept.computation("program-analytics-2")
def _program_analytics(params, progress):
    whole, rows, challenges = program_analytics(Program.get_by_id(params[0]), progress=progress)
    rows = [((cohort.id, cohort.name), conversation.plain(), asdict(health))
            for cohort, conversation, health in rows]  # fmt: skip
    return whole.plain(), rows, challenges


def _challenges(cohorts, now):
    """[(title, average percent across the cohorts, cohorts that reached the goal, cohorts)]"""
    by_title = {}
    for _, title, percent, reached in analytics.progress([c.id for c in cohorts], now.date()):
        by_title.setdefault(title, []).append((percent, reached))
    return [
        (title, round(sum(p for p, _ in parts) / len(parts)), sum(r for _, r in parts), len(parts))
        for title, parts in by_title.items()
    ]


def cohort_analytics(cohort, now=None):
    """(the cohort's Conversation, Health), for its facilitator and L&D."""
    now = now or utcnow()
    start, end = _span(cohort.program, [cohort], now)
    members = analytics.for_members(cohort_id=cohort.id)
    by_cohort, _ = analytics.conversations(members, start, end, now)
    conversation = by_cohort.get(cohort.id) or analytics.Conversation()
    return conversation, analytics.health(conversation), _challenges([cohort], now)


# Privacy: a person's data, and what erasing them removes (learning.privacy).


def personal_data(person):
    cohorts_of = (
        Membership.select(Program.name.alias("program"), Cohort.name.alias("cohort"),
                          Membership.role, Membership.joined_at)
        .join(Cohort).join(Program)
        .where(Membership.person == person)
    )  # fmt: skip
    requests = MembershipRequest.select(
        MembershipRequest.created_at, MembershipRequest.reason, MembershipRequest.status
    ).where(MembershipRequest.person == person)
    return {"cohorts": list(cohorts_of.dicts()), "move_requests": list(requests.dicts())}


def erase_personal(person):
    """What they wrote about themselves to L&D goes (that they asked stays), and so do their
    name and address in the imported files kept for their programs."""
    MembershipRequest.update(reason="").where(MembershipRequest.person == person).execute()
    uploads = PeopleImport.select().join(Participant, on=(
        PeopleImport.program == Participant.program
    )).where(Participant.person == person)  # fmt: skip
    for upload in uploads:
        rows = json.loads(upload.rows)
        for row in rows:
            if row.get("email") == person.email:
                row.update(email="", name="Former member", manager_email="")
            elif row.get("manager_email") == person.email:
                row["manager_email"] = ""
        PeopleImport.update(rows=json.dumps(rows)).where(PeopleImport.id == upload.id).execute()
