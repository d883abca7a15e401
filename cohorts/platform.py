"""What cohorts give the platform: names and links of cohorts, the digest's parts about
them, who is where for HR's reports, a person's data and its erasure, the program analytics'
computation, the navigation and the home page's section; registered by `register(app)`."""

import json

from flask_babel import lazy_gettext as _l
from peewee import SQL, Value, fn

from cohorts import access, health, services, space
from cohorts.chat import KudosFromChat
from cohorts.meetings import services as meetings
from cohorts.models import (
    Cohort,
    FormerMembership,
    Membership,
    MembershipRequest,
    Participant,
    PeopleImport,
    Program,
)
from learning.calendar import services as calendar
from learning.chat import services as chat
from learning.db import stream
from learning.digest import sections
from learning.errors import NotFound
from learning.i18n import said
from learning.insights import kept
from learning.insights import sources as insights
from learning.ledger import Activity
from learning.live import services as live
from learning.notify.services import path_for
from learning.people import services as people
from learning.people.models import Person
from learning.privacy import services as privacy
from learning.recognition import places
from learning.scim import services as directory
from learning.views import HOME, add_nav, add_section


def register(app):
    places.register_cohorts(app, describe)
    calendar.register_source(app, meetings.events_of)
    chat.register(app, "kudos", KudosFromChat)
    live.register_place(app, "cohort", may_listen)
    sections.register_memberships(app, digest_cohorts)
    sections.register(app, "new_members", digest_new_members)
    insights.register_memberships(app, report_memberships)
    insights.register_names(app, report_names)
    insights.register_changed(app, last_published)
    privacy.register(app, personal_data, erase_personal)
    kept.register(app, health.COMPUTATION, health.compute_program_analytics)
    people.on_leaving(app, services.leave_the_company)
    directory.register_programs(app, ProgramsForTheDirectory)
    add_nav(app, _l("Programs"), "programs.index", access.runs_programs)
    add_section(app, HOME, "cohorts/_home.html",
                lambda person: {"my_cohorts": space.my_cohorts(person)})  # fmt: skip


class ProgramsForTheDirectory:
    """Programs as the company's directory sees them when its groups are enrolments: a group
    is the program of its name, its members the program's participants."""

    @staticmethod
    def named(name):
        found = Program.get_or_none(fn.LOWER(Program.name) == name.strip().lower())
        return found.id if found else None

    @staticmethod
    def names(ids):
        return dict(Program.select(Program.id, Program.name).where(Program.id.in_(ids)).tuples())

    @staticmethod
    def participants(ids):
        found = {}
        rows = Participant.select(Participant.program, Participant.person).where(
            Participant.program.in_(ids)
        )
        for program_id, person_id in rows.order_by(Participant.person).tuples():
            found.setdefault(program_id, []).append(person_id)
        return found

    @staticmethod
    def enrol_exactly(program_id, person_ids):
        """The program's participants become exactly these people (those who exist); whoever
        is already in one of its cohorts stays there."""
        Participant.delete().where(
            Participant.program == program_id, Participant.person.not_in(person_ids or {0})
        ).execute()
        known = Person.select(Person.id).where(Person.id.in_(person_ids or {0}))
        Participant.insert_many(
            [{"program": program_id, "person": p.id} for p in known]
        ).on_conflict_ignore().execute()


def describe(cohort_id):
    """A cohort's name and the path of its space, for learning's notices and celebrations."""
    cohort = Cohort.get_or_none(Cohort.id == cohort_id)
    if cohort is None:
        return "", "/"
    return cohort.name, path_for("cohorts.show", cohort_id=cohort.id)


def last_published():
    """When a cohort was last published (HR's filters offer it from then), or None."""
    latest = (
        Cohort.select(Cohort.published_at)
        .where(Cohort.published_at.is_null(False))
        .order_by(Cohort.published_at.desc())
        .limit(1)
        .first()
    )
    return latest.published_at if latest else None


def report_names(program_id, cohort_id):
    """(program's name, cohort's name) for HR's reports and exports; "" for none or gone."""
    program = Program.get_or_none(Program.id == program_id) if program_id else None
    cohort = Cohort.get_or_none(Cohort.id == cohort_id) if cohort_id else None
    return (program.name if program else "", cohort.name if cohort else "")


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
                            said("%(name)s joined %(cohort)s", name=name, cohort=place),
                            path_for("cohorts.person", cohort_id=cohort_id, person_id=person_id),
                            at,
                            place=place,
                        )
                    )
    return result


def may_listen(person, cohort_id):
    """Whoever may open the cohort's space may hear what changes in it."""
    try:
        access.access_cohort(person, cohort_id)
    except NotFound:
        return False
    return True


def report_memberships(program_id=None, cohort_id=None, department="", location="",
                       former=False):  # fmt: skip
    """Every member of a published cohort with their department, location and program, in
    the order of people, as a lazy stream: one query. With `former`, also the places people
    who left the company held (`left`). Reports count them; they never see what anyone
    wrote."""

    def places(model, left):
        query = (
            model.select(Person.id, Person.display_name, Person.department, Person.location,
                         Cohort.id, Cohort.name, Program.id, Program.name, left)
            .join(Person).switch(model).join(Cohort).join(Program)
            .where(Cohort.status == "published")
        )  # fmt: skip
        if program_id:
            query = query.where(Program.id == program_id)
        if cohort_id:
            query = query.where(Cohort.id == cohort_id)
        if department:
            query = query.where(Person.department == department)
        if location:
            query = query.where(Person.location == location)
        return query

    query = places(Membership, Value(False))
    if former:
        gone = places(FormerMembership, Value(True)).where(Person.left_at.is_null(False))
        query = query.union_all(gone)
    # By position: the same words for either query or both (person, then cohort).
    query = query.order_by(SQL("1"), SQL("5"))
    return (insights.Member(*row[:8], left=bool(row[8])) for row in stream(query))


def personal_data(person):
    def places(model, *more):
        return list(
            model.select(Program.name.alias("program"), Cohort.name.alias("cohort"),
                         model.role, model.joined_at, *more)
            .join(Cohort).join(Program)
            .where(model.person == person)
            .dicts()
        )  # fmt: skip

    requests = MembershipRequest.select(
        MembershipRequest.created_at, MembershipRequest.reason, MembershipRequest.status
    ).where(MembershipRequest.person == person)
    return {
        "cohorts": places(Membership),
        "cohorts_before_leaving": places(FormerMembership, FormerMembership.left_at),
        "move_requests": list(requests.dicts()),
    }


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
