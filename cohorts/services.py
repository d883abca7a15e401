"""Programs and membership changes: the writes of the cohorts domain, with their rules,
ledger entries and audit, and the lists L&D works from."""

from typing import NamedTuple

from flask_babel import LazyString, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import JOIN, fn

from cohorts import access, queries
from cohorts.access import require_manager
from cohorts.meetings import services as meetings
from cohorts.models import (
    Cohort,
    CohortVisit,
    FormerMembership,
    Membership,
    MembershipRequest,
    Participant,
    Program,
    ProgramVersion,
)
from learning import ledger, once
from learning.audit.services import log
from learning.calendar import services as calendar
from learning.chat import mirror, slack, teams
from learning.chat import services as chat
from learning.db import atomic, insert, utcnow
from learning.errors import NotAllowed, NotFound, Refused, found
from learning.i18n import keep_versions, versions_of
from learning.live import events as live
from learning.mail.services import absolute_url, send_mail
from learning.people.models import Person
from learning.people.services import send_invitation

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


def save_program(actor, program=None, token=None, versions=None, **fields):
    """Create a program, or change one; both are audited. The same new-program form sent
    twice (`token`) creates one. `versions`: {language: {"guidelines": text}}."""
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
            meetings.program_changed(program)
            log(actor, "program_changed", program.name)
        keep_versions(ProgramVersion.program, program, versions or {})
    return program


def program_versions(program):
    """The program's guidelines in other languages, for its form."""
    return versions_of(ProgramVersion.program, program, ("guidelines",))


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


# Membership changes


def add_member(actor, cohort, person, role="member", notify=True):
    """Put `person` in `cohort`: a membership, a ledger entry, a notice or an invitation.
    Adding someone who is already a member changes nothing."""
    with atomic():
        Participant.insert(program=cohort.program_id, person=person).on_conflict_ignore().execute()
        created = insert(Membership(cohort=cohort, person=person, role=role), new_only=True)
        if created:
            queries.members_changed(cohort)
        membership = access.membership_of(person, cohort)
        if not created:
            return membership
        ledger.record(person, "joined", cohort_id=cohort.id, obj=membership)
        log(actor, "member_added", person.email, cohort=cohort.name)
        if notify:
            tell_joined(membership, cohort, person, actor)
        meetings.joined(person, cohort)
    return membership


def tell_joined(membership, cohort, person, actor, members=None):
    """An invitation for someone without an account, a "you have joined" email otherwise;
    each says to what: the cohort, its program, its facilitator and when it starts
    (`members`: the cohort's memberships, when the caller has them)."""
    # Worded when the email is written, in the language of the person it is for.
    about = LazyString(what_they_joined, cohort, person, members)
    # The program's dates, for their calendar.
    invite = calendar.invitation(person, meetings.cohort_event(cohort))
    if not person.has_account:
        send_invitation(person, invited_by=actor, about=about, calendar=invite)
        return
    send_mail(
        f"joined-{membership.id}",
        person.email,
        _l("You have joined %(cohort)s", cohort=cohort.name),
        "cohorts/mail/joined",
        reader=person,
        calendar=invite,
        person=person,
        about=about,
        link=absolute_url("cohorts.show", cohort_id=cohort.id),
    )


def what_they_joined(cohort, person, members=None, today=None):
    """ "Cohort 6 of Leading with curiosity, with Frankie Osei as facilitator, starting on
    Monday 7 December 2026" (or "which started on …")."""
    program, today = cohort.program, today or utcnow().date()
    facilitator = next(
        (m.person for m in (queries.members(cohort) if members is None else members)
         if m.role == "facilitator" and m.person_id != person.id),
        None,
    )  # fmt: skip
    day = format_date(program.starts_on, "EEEE d MMMM y")
    if facilitator is None:
        words = _("%(cohort)s of %(program)s", cohort=cohort.name, program=program.name)
    else:
        words = _(
            "%(cohort)s of %(program)s, with %(facilitator)s as facilitator",
            cohort=cohort.name, program=program.name, facilitator=facilitator.display_name,
        )  # fmt: skip
    if program.starts_on >= today:
        return _("%(words)s, starting on %(day)s", words=words, day=day)
    return _("%(words)s, which started on %(day)s", words=words, day=day)


def leave(person, cohort):
    """The person leaves the cohort; recorded and audited."""
    return _take_out(person, cohort, person)


def remove_member(actor, cohort, person_id):
    """L&D takes someone else out of the cohort; recorded and audited. Returns the person."""
    if not access.can_remove_member(actor, cohort, person_id):
        raise NotAllowed
    membership = found(access.membership_of(person_id, cohort))
    _take_out(actor, cohort, membership.person)
    return membership.person


def _take_out(actor, cohort, person, action=None):
    with atomic():
        deleted = (
            Membership.delete()
            .where(Membership.cohort == cohort, Membership.person == person)
            .execute()
        )
        queries.members_changed(cohort)
        if deleted:
            ledger.record(person, "left", cohort_id=cohort.id)
            meetings.left(person, cohort)
            live.close_streams(person.id)  # they may no longer hear the cohort
            action = action or ("left_cohort" if actor.id == person.id else "member_removed")
            log(actor, action, person.email, cohort=cohort.name)
    return bool(deleted)


def leave_the_company(person):
    """Someone the company's directory deactivated leaves their live cohorts: recorded in each
    feed, audited, kept as a former place for the reports (which count them as left), and
    each cohort's facilitators get a note, in their own language."""
    memberships = list(
        Membership.select(Membership, Cohort)
        .join(Cohort)
        .where(Membership.person == person, Cohort.status == "published")
    )
    for membership in memberships:
        cohort = membership.cohort
        with atomic():
            if not _take_out(person, cohort, person, action="left_company"):
                continue
            _keep_as_former(membership)
        for facilitator in queries.members(cohort):
            if facilitator.role == "facilitator" and facilitator.person_id != person.id:
                send_mail(
                    f"left-company-{cohort.id}-{person.id}-{facilitator.person_id}",
                    facilitator.person.email,
                    _l("%(name)s has left %(cohort)s", name=person.display_name,
                       cohort=cohort.name),
                    "cohorts/mail/member_left",
                    reader=facilitator.person,
                    reader_name=facilitator.person.first_name,
                    person=person,
                    cohort=cohort,
                    link=absolute_url("cohorts.show", cohort_id=cohort.id),
                )  # fmt: skip


def _keep_as_former(membership):
    """The place someone leaving the company held, for the reports (the latest if they came
    back and left again)."""
    FormerMembership.delete().where(
        FormerMembership.cohort == membership.cohort_id,
        FormerMembership.person == membership.person_id,
    ).execute()
    insert(FormerMembership(cohort=membership.cohort_id, person=membership.person_id,
                            role=membership.role, joined_at=membership.joined_at))  # fmt: skip


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


def move_member(actor, cohort, person, target_id):
    """Move `person` from `cohort` to another published cohort of the same program; recorded
    and audited. Returns the cohort they joined."""
    target = Cohort.get_or_none(Cohort.id == target_id, Cohort.status == "published")
    if not access.can_manage_members(actor, cohort) or target is None:
        raise NotFound
    if target.program_id != cohort.program_id:
        raise NotFound
    if target.id == cohort.id:
        raise Refused(_("Choose a different cohort."))
    with atomic():
        found(access.membership_of(person, cohort)).delete_instance()
        queries.members_changed(cohort)
        queries.members_changed(target)
        ledger.record(person, "left", cohort_id=cohort.id)
        membership = Membership.create(cohort=target, person=person)
        ledger.record(person, "joined", cohort_id=target.id)
        meetings.left(person, cohort)
        meetings.joined(person, target)
        tell_joined(membership, target, person, actor)  # with the new cohort's dates
        MembershipRequest.update(status="moved", resolved_by=actor, resolved_at=utcnow()).where(
            MembershipRequest.cohort == cohort,
            MembershipRequest.person == person,
            MembershipRequest.status == "open",
        ).execute()
        log(actor, "member_moved", person.email, source=cohort.name, target=target.name)
    return target


def decline_request(actor, request):
    if not access.can_manage_members(actor, request.cohort):
        raise NotFound
    with atomic():
        request.status = "declined"
        request.resolved_by = actor
        request.resolved_at = utcnow()
        request.save()
        log(actor, "move_declined", request.person.email, cohort=request.cohort.name)


# The cohort's news in chat channels


class Channels(NamedTuple):
    offered: list  # the Slack channels one may choose: [(id, name)]
    mirrors: dict  # {service: ChannelMirror}
    slack: bool  # the company connected Slack
    unavailable: str  # why Slack's channels cannot be listed now, if they cannot


def channels(actor, cohort):
    """Where the cohort's news may go and goes, for its facilitator and L&D."""
    if not access.can_manage_members(actor, cohort):
        raise NotFound
    workspace, offered, unavailable = chat.workspace(), [], ""
    if workspace is not None:
        try:
            offered = slack.channels(workspace)
        except Refused as refused:
            unavailable = str(refused)
    return Channels(offered, mirror.mirrors(cohort.id), workspace is not None, unavailable)


def choose_channels(actor, cohort, slack_channel, teams_address, offered, teams_off=False):
    """Post the cohort's news to a Slack channel (its id, among `offered`; "" for none) and to
    a Teams workflow (a new address replaces the one kept; `teams_off` stops it); audited."""
    if not access.can_manage_members(actor, cohort):
        raise NotFound
    chosen = next(((i, n) for i, n in offered if i == slack_channel), None)
    if slack_channel and chosen is None:
        raise Refused(_("Choose one of the channels listed."), "slack_channel")
    if teams_address:
        teams_address = teams.checked_address(teams_address, "teams_address")
    with atomic():
        mirror.choose(actor, cohort.id, chosen, teams_address, teams_off)
        log(actor, "cohort_channels_chosen", cohort.name,
            slack=chosen[1] if chosen else "", teams=bool(teams_address))  # fmt: skip
