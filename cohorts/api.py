"""Programs, cohorts and memberships in the public API: read what the token's person may see
on the pages; L&D tokens also create programs and enrol people."""

import datetime as dt
from typing import Literal

from pydantic import BaseModel, EmailStr, Field

from cohorts import access, kudos, services
from cohorts.models import Cohort, Membership, Program
from learning.api import http
from learning.api.services import audited
from learning.errors import found
from learning.people.models import Person

bp = http.blueprint("cohorts_api", __name__)
TAGS = ("Programs and cohorts",)


class ProgramOut(BaseModel):
    id: int
    name: str
    description: str
    starts_on: dt.date
    ends_on: dt.date
    cohort_size: int
    created_at: http.Moment
    updated_at: http.Moment | None
    url: str = Field(description="This program in the API.")


Programs = http.listing_of(ProgramOut)


class NewProgram(http.Body):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=10_000)
    starts_on: dt.date
    ends_on: dt.date
    cohort_size: int = Field(8, ge=5, le=12, description="People per cohort the builder aims at.")


class CohortOut(BaseModel):
    id: int
    program_id: int
    name: str
    status: Literal["draft", "published"]
    published_at: http.Moment | None
    updated_at: http.Moment | None
    url: str


Cohorts = http.listing_of(CohortOut)


class CohortFilter(http.Paging):
    program_id: int | None = Field(None, ge=1, le=2**31 - 1)


class MembershipOut(BaseModel):
    cohort_id: int
    person_id: int
    role: Literal["member", "facilitator"]
    joined_at: http.Moment


Memberships = http.listing_of(MembershipOut)


class NewMembership(http.Body):
    person_id: int = Field(ge=1, le=2**31 - 1)
    role: Literal["member", "facilitator"] = "member"


class Enrolment(http.Body):
    person_ids: list[http.Id] = Field(default_factory=list, max_length=500)
    emails: list[EmailStr] = Field(default_factory=list, max_length=500)


class Enrolled(BaseModel):
    program_id: int
    enrolled: int = Field(description="How many of those sent take part now (new or not).")


def _program(program):
    return {
        "id": program.id,
        "name": program.name,
        "description": program.description,
        "starts_on": program.starts_on,
        "ends_on": program.ends_on,
        "cohort_size": program.cohort_size,
        "created_at": program.created_at,
        "updated_at": program.changed_at,
        "url": http.link("cohorts_api.program", program_id=program.id),
    }


def _cohort(cohort):
    return {
        "id": cohort.id,
        "program_id": cohort.program_id,
        "name": cohort.name,
        "status": cohort.status,
        "published_at": cohort.published_at,
        "updated_at": cohort.changed_at,
        "url": http.link("cohorts_api.cohort", cohort_id=cohort.id),
    }


def _membership(membership):
    return {
        "cohort_id": membership.cohort_id,
        "person_id": membership.person_id,
        "role": membership.role,
        "joined_at": membership.joined_at,
    }


@bp.get("/programs")
@http.validate("read:programs", resp=http.responses(Programs), tags=TAGS)
def programs(query: http.Paging):
    """Programs the token may see: every one for L&D, else those of the person's cohorts."""
    rows, more = http.page(
        access.visible_programs(http.actor()), Program.id, query, Program.changed_at
    )
    return http.listing([_program(p) for p in rows], more)


@bp.get("/programs/<int:program_id>")
@http.validate("read:programs", resp=http.responses(ProgramOut), tags=TAGS)
def program(program_id):
    """One program."""
    visible = access.visible_programs(http.actor()).where(Program.id == program_id)
    return _program(found(visible.first()))


@bp.post("/programs")
@http.validate("write:programs", resp=http.responses(ProgramOut, "HTTP_201"), tags=TAGS)
@http.writes
def create_program(json: NewProgram):
    """Create a program (L&D). Its guidelines are the suggested ones, editable on its page."""
    if json.ends_on < json.starts_on:
        raise http.ApiError(422, "ends_on is before starts_on.", errors=[{"loc": ["ends_on"]}])
    made = services.save_program(http.actor(), **json.model_dump())
    audited("api_program_created", made.name)
    return _program(made), 201, {"Location": http.link("cohorts_api.program", program_id=made.id)}


@bp.post("/programs/<int:program_id>/participants")
@http.validate("write:enrolments", resp=http.responses(Enrolled), tags=TAGS)
@http.writes
def enrol(program_id, json: Enrolment):
    """Enrol people in a program, by id or email; the cohort builder then places them. All
    or nothing: one unknown person and nobody is enrolled."""
    program = access.access_program(http.actor(), program_id)
    if not json.person_ids and not json.emails:
        raise http.ApiError(422, "Name at least one person, by person_ids or emails.",
                            errors=[{"loc": ["person_ids"]}])  # fmt: skip
    emails = {e.lower() for e in json.emails}
    ids = set(json.person_ids)
    people = list(
        Person.select(Person.id, Person.email).where(
            (Person.id.in_(ids) | Person.email.in_(emails)) & Person.is_active
        )
    )
    unknown = [{"loc": ["person_ids"], "msg": str(i)} for i in ids - {p.id for p in people}]
    unknown += [{"loc": ["emails"], "msg": e} for e in emails - {p.email for p in people}]
    if unknown:
        raise http.ApiError(422, "Some of these people are not here, or not active.",
                            errors=unknown)  # fmt: skip
    services.add_participants(http.actor(), program, people)
    audited("api_people_enrolled", program.name, people=len(people))
    return {"program_id": program.id, "enrolled": len(people)}


@bp.get("/cohorts")
@http.validate("read:programs", resp=http.responses(Cohorts), tags=TAGS)
def cohorts(query: CohortFilter):
    """Cohorts the token may see: every one for L&D (drafts too), else the person's own."""
    visible = access.visible_cohorts(http.actor())
    if query.program_id:
        visible = visible.where(Cohort.program == query.program_id)
    rows, more = http.page(visible, Cohort.id, query, Cohort.changed_at)
    return http.listing([_cohort(c) for c in rows], more)


@bp.get("/cohorts/<int:cohort_id>")
@http.validate("read:programs", resp=http.responses(CohortOut), tags=TAGS)
def cohort(cohort_id):
    """One cohort."""
    return _cohort(
        found(access.visible_cohorts(http.actor()).where(Cohort.id == cohort_id).first())
    )


@bp.get("/cohorts/<int:cohort_id>/memberships")
@http.validate("read:programs", resp=http.responses(Memberships), tags=TAGS)
def memberships(cohort_id, query: http.Paging):
    """Who is in a cohort; `updated_since` reads when they joined."""
    visible = found(access.visible_cohorts(http.actor()).where(Cohort.id == cohort_id).first())
    rows, more = http.page(
        Membership.select().where(Membership.cohort == visible), Membership.id, query,
        Membership.joined_at,
    )  # fmt: skip
    return http.listing([_membership(m) for m in rows], more)


@bp.post("/cohorts/<int:cohort_id>/memberships")
@http.validate(
    "write:enrolments",
    resp=http.responses(MembershipOut, "HTTP_201", HTTP_200=MembershipOut),
    tags=TAGS,
)
@http.writes
def add_membership(cohort_id, json: NewMembership):
    """Put someone in a published cohort (L&D); they are told as on the pages. Putting in
    someone already there changes nothing (200)."""
    access.require_manager(http.actor())
    cohort = found(Cohort.get_or_none(Cohort.id == cohort_id, Cohort.status == "published"))
    person = Person.get_or_none(Person.id == json.person_id, Person.is_active)
    if person is None:
        raise http.ApiError(422, "No active person has this id.", errors=[{"loc": ["person_id"]}])
    before = Membership.get_or_none(Membership.cohort == cohort, Membership.person == person)
    membership = services.add_member(http.actor(), cohort, person, role=json.role)
    if before is not None:
        return _membership(membership)
    audited("api_member_added", person.email, cohort=cohort.name)
    return _membership(membership), 201


class NewKudos(http.Body):
    receiver_id: int = Field(ge=1, le=2**31 - 1, description="A member of the cohort.")
    value_id: int = Field(ge=1, le=2**31 - 1, description="One of GET /values.")
    message: str = Field("", max_length=280)


class KudosOut(BaseModel):
    id: int
    cohort_id: int
    receiver_id: int
    created_at: http.Moment


@bp.post("/cohorts/<int:cohort_id>/kudos")
@http.validate(
    "write:kudos", resp=http.responses(KudosOut, "HTTP_201", HTTP_200=KudosOut), tags=("Kudos",)
)
@http.writes
def give_kudos(cohort_id, json: NewKudos):
    """Give a member of your cohort kudos, as yourself: the receiver is told as on the pages.
    Send an Idempotency-Key header to make a retry give them once (200 with the first)."""
    giver = http.actor()
    cohort = access.access_own_cohort(giver, cohort_id)
    given, created = kudos.give_kudos(giver, cohort, json.receiver_id, json.value_id,
                                      json.message, http.once_key())  # fmt: skip
    if created:
        audited("api_kudos_given", cohort.name)
    body = {"id": given.id, "cohort_id": cohort.id, "receiver_id": given.receiver_id,
            "created_at": given.created_at}  # fmt: skip
    return body, 201 if created else 200
