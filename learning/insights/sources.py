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
    """`read(program_id=None, cohort_id=None)`: every Member of published cohorts, one query."""
    _memberships[:] = [read]


def memberships(program_id=None, cohort_id=None):
    return _memberships[0](program_id=program_id, cohort_id=cohort_id) if _memberships else []
