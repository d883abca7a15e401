"""Who is in which cohort of which program: the cohorts domain registers how to read it
(learning never imports a domain)."""

from dataclasses import dataclass

_memberships = []


@dataclass(frozen=True)
class Member:
    person_id: int
    name: str
    department: str
    location: str
    cohort_id: int
    cohort: str
    program_id: int
    program: str


def register_memberships(read):
    """`read(program_id=None, cohort_id=None, department="", location="")`: every Member of
    published cohorts matching these, ordered by person, as a lazy stream; one query."""
    _memberships[:] = [read]


def memberships(**filters):
    """The members matching `filters` (keyword arguments as `read` takes them), streamed."""
    return _memberships[0](**filters) if _memberships else iter(())
