"""The platform's own resources in the public API: people (a few fields), company values,
participation figures (HR: the report's rows, small groups hidden) and the audit log
(admins)."""

import datetime as dt
import json
from typing import Literal

from pydantic import BaseModel, Field

from learning.api import http
from learning.audit.models import AuditEntry
from learning.errors import found
from learning.insights import participation
from learning.insights import services as insights
from learning.people.access import require_admin
from learning.people.models import Person, Role
from learning.recognition import services as recognition

bp = http.blueprint("platform_api", __name__)
STAFF = (Role.LD_MANAGER, Role.HR, Role.ADMIN)


class PersonOut(BaseModel):
    id: int
    display_name: str
    department: str
    active: bool
    email: str | None = Field(description="Only for L&D, HR and admin tokens.")
    updated_at: http.Moment | None


People = http.listing_of(PersonOut)


class ValueOut(BaseModel):
    id: int
    name: str


class Values(BaseModel):
    data: list[ValueOut]


class ReportQuery(BaseModel):
    grouping: Literal["program", "cohort", "department", "location"] = "program"
    program_id: int | None = Field(None, ge=1, le=2**31 - 1)
    cohort_id: int | None = Field(None, ge=1, le=2**31 - 1)
    department: str = Field("", max_length=200)
    location: str = Field("", max_length=200)
    start: dt.date | None = None
    end: dt.date | None = Field(None, description="Included.")


class FigureRow(BaseModel):
    group: str | None = Field(description="The group's name; null for the total.")
    suppressed: bool = Field(description="True when the group is too small to show.")
    values: dict[str, float | None]


class Participation(BaseModel):
    grouping: str
    min_group: int = Field(description="Groups with fewer people show no numbers.")
    columns: list[str]
    rows: list[FigureRow]


class Preparing(BaseModel):
    status: Literal["preparing"]
    done: int
    steps: int


class AuditOut(BaseModel):
    id: int
    action: str
    subject: str
    actor_id: int | None
    detail: dict
    created_at: http.Moment


Audit = http.listing_of(AuditOut)


def _visible_people(viewer):
    """Staff see everyone; anyone else, themselves."""
    if viewer.has_role(*STAFF):
        return Person.select()
    return Person.select().where(Person.id == viewer.id)


def _person(person, viewer):
    return {"id": person.id, "display_name": person.display_name,
            "department": person.department, "active": bool(person.is_active and not
            person.left_at), "updated_at": person.changed_at,
            "email": person.email if viewer.has_role(*STAFF) else None}  # fmt: skip


@bp.get("/people")
@http.validate("read:people", resp=http.responses(People), tags=("People",))
def people(query: http.Paging):
    """People the token may see: everyone for L&D, HR and admin tokens; else the person."""
    viewer = http.actor()
    visible = _visible_people(viewer).where(Person.erased_at.is_null())
    rows, more = http.page(visible, Person.id, query, Person.changed_at)
    return http.listing([_person(p, viewer) for p in rows], more)


@bp.get("/people/<int:person_id>")
@http.validate("read:people", resp=http.responses(PersonOut), tags=("People",))
def person(person_id):
    """One person."""
    viewer = http.actor()
    found_person = _visible_people(viewer).where(Person.id == person_id, Person.erased_at.is_null())
    return _person(found(found_person.first()), viewer)


@bp.get("/values")
@http.validate("write:kudos", resp=http.responses(Values), tags=("Kudos",))
def values():
    """The company values kudos are given for."""
    return {"data": [{"id": v.id, "name": v.name} for v in recognition.values()]}


@bp.get("/participation")
@http.validate(
    "read:participation",
    resp=http.responses(Participation, HTTP_202=Preparing),
    tags=("Participation",),
)
def participation_figures(query: ReportQuery):
    """The HR report's rows: numbers only, never conversations; a group smaller than
    `min_group` shows none, nor does a total that would give one away. While the figures are
    first computed: 202 with the job's progress and Retry-After."""
    filters = participation.Filters(**query.model_dump(exclude={"grouping"}))
    made = insights.participation_table(http.actor(), filters, query.grouping)
    if made.preparing:
        return (
            {"status": "preparing", "done": made.done, "steps": made.steps},
            202,
            {"Retry-After": "5"},
        )
    header, rows = made.value
    columns = header[1:]

    def row(cells):
        hidden = isinstance(cells[1], list)
        values = dict.fromkeys(columns) if hidden else dict(zip(columns, cells[1:], strict=True))
        return {"group": cells[0], "suppressed": hidden, "values": values}

    return {"grouping": query.grouping, "min_group": insights.threshold(), "columns": columns,
            "rows": [row(cells) for cells in rows]}  # fmt: skip


@bp.get("/audit")
@http.validate("read:audit", resp=http.responses(Audit), tags=("Audit log",))
def audit(query: http.Paging):
    """The audit log, oldest first (follow the cursor to keep up)."""
    require_admin(http.actor())
    rows, more = http.page(AuditEntry.select(), AuditEntry.id, query, AuditEntry.created_at)
    return http.listing(
        [{"id": e.id, "action": e.action, "subject": e.subject, "actor_id": e.actor_id,
          "detail": json.loads(e.detail), "created_at": e.created_at} for e in rows], more,
    )  # fmt: skip
