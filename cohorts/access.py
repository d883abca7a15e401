"""Who may see and do what with programs and cohorts: each rule once. Views, services and
pages ask these; `access_*` returns the thing or raises NotFound, `can_*` answers yes or no."""

from cohorts import queries
from cohorts.models import Cohort, Membership, MembershipRequest, PeopleImport, Program
from learning.errors import NotFound, found
from learning.people.access import require_role
from learning.people.models import Role

MANAGERS = (Role.LD_MANAGER, Role.ADMIN)


def runs_programs(person):
    """L&D managers and admins run programs, and see every cohort."""
    return person.is_authenticated and person.has_role(*MANAGERS)


def require_manager(person):
    """The person, if they run programs; else NotAllowed."""
    return require_role(person, *MANAGERS)


def access_program(person, program_id):
    """The program, for those who run programs; NotFound when it does not exist."""
    require_manager(person)
    return found(Program.get_or_none(Program.id == program_id))


def visible_cohorts(person):
    """The cohorts `person` sees, as a query: every one for those who run programs (drafts
    too), else the published ones they belong to."""
    if runs_programs(person):
        return Cohort.select()
    own = Membership.select(Membership.cohort).where(Membership.person == person.id)
    return Cohort.select().where(Cohort.status == "published", Cohort.id.in_(own))


def visible_programs(person):
    """The programs `person` sees: every one for those who run programs, else those of their
    cohorts."""
    if runs_programs(person):
        return Program.select()
    return Program.select().where(Program.id.in_(visible_cohorts(person).select(Cohort.program)))


def access_import(person, program_id, import_id):
    """(program, people import) for those who run programs."""
    program = access_program(person, program_id)
    return program, found(
        PeopleImport.get_or_none(PeopleImport.id == import_id, PeopleImport.program == program)
    )


def access_cohort(person, cohort_id):
    """The published cohort if `person` belongs to it or runs programs; otherwise NotFound,
    so nobody learns that it exists."""
    cohort = queries.published_cohort(cohort_id, person)
    if cohort is None or not (runs_programs(person) or membership_of(person, cohort)):
        raise NotFound
    return cohort


def access_own_cohort(person, cohort_id):
    """The published cohort if `person` is a member of it (to post, leave or ask to move)."""
    cohort = access_cohort(person, cohort_id)
    if membership_of(person, cohort) is None:
        raise NotFound
    return cohort


def access_cohort_health(person, cohort_id):
    """The cohort, for those who run programs and for its own facilitator."""
    cohort = access_cohort(person, cohort_id)
    if not can_manage_members(person, cohort):
        raise NotFound
    return cohort


def membership_of(person, cohort):
    """The membership of `person` (or a person's id) in the cohort, or None; found among the
    members, which a request reads once."""
    person_id = getattr(person, "id", person)
    return next((m for m in queries.members(cohort) if m.person_id == person_id), None)


def is_member(person, cohort):
    return membership_of(person, cohort) is not None


def is_facilitator(person, cohort):
    membership = membership_of(person, cohort)
    return membership is not None and membership.role == "facilitator"


def access_open_request(person, cohort_id, request_id):
    """(cohort, an open move request of it) for those who manage its members."""
    cohort = access_cohort(person, cohort_id)
    if not can_manage_members(person, cohort):
        raise NotFound
    request = MembershipRequest.get_or_none(
        MembershipRequest.id == request_id,
        MembershipRequest.cohort == cohort,
        MembershipRequest.status == "open",
    )
    return cohort, found(request)


def can_manage_members(person, cohort):
    """Move requests and the cohort's health: those who run programs, and its facilitator."""
    return runs_programs(person) or is_facilitator(person, cohort)


def can_remove_member(person, cohort, member_id):
    """Taking someone else out of a cohort is for those who run programs (leaving is
    everyone's own)."""
    return runs_programs(person) and member_id != person.id
