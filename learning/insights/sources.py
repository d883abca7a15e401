"""Who is in which cohort of which program: the cohorts domain registers how to read it
when the app is built, kept on the app (learning never imports a domain)."""

from dataclasses import dataclass

from flask import current_app

MEMBERSHIPS = "learning.report_memberships"


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


def register_memberships(app, read):
    """`read(program_id=None, cohort_id=None, department="", location="")`: every Member of
    published cohorts matching these, ordered by person, as a lazy stream; one query."""
    app.extensions[MEMBERSHIPS] = read


def memberships(**filters):
    """The members matching `filters` (keyword arguments as `read` takes them), streamed."""
    read = current_app.extensions.get(MEMBERSHIPS)
    return read(**filters) if read else iter(())
