"""Who is in which cohort of which program: the cohorts domain registers how to read it
when the app is built, kept on the app (learning never imports a domain)."""

from dataclasses import dataclass

from flask import current_app

MEMBERSHIPS = "learning.report_memberships"
NAMES = "learning.report_names"
CHANGED = "learning.report_choices_changed"


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
    left: bool = False  # a place they held until they left the company


def register_memberships(app, read):
    """`read(program_id=None, cohort_id=None, department="", location="", former=False)`:
    every Member of published cohorts matching these, ordered by person, as a lazy stream;
    one query. With `former`, also the places of people who left the company (`left`)."""
    app.extensions[MEMBERSHIPS] = read


def memberships(**filters):
    """The members matching `filters` (keyword arguments as `read` takes them), streamed."""
    read = current_app.extensions.get(MEMBERSHIPS)
    return read(**filters) if read else iter(())


def register_names(app, read):
    """`read(program_id, cohort_id)`: (the program's name, the cohort's name), each "" when
    not asked for or gone."""
    app.extensions[NAMES] = read


def names(program_id=None, cohort_id=None):
    """(program's name, cohort's name) of a report's filters."""
    read = current_app.extensions.get(NAMES)
    return read(program_id, cohort_id) if read else ("", "")


def register_changed(app, read):
    """`read()`: when the reports' choices last changed (the latest cohort published), or
    None."""
    app.extensions[CHANGED] = read


def changed_at():
    read = current_app.extensions.get(CHANGED)
    return read() if read else None
