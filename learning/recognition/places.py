"""Names and links of things learning does not know: the domains register how to find them
when the app is built (learning never imports a domain). Kept on the app."""

from typing import NamedTuple

from flask import current_app
from peewee import SQL, Case, Cast

LINKS, COHORTS, SUBJECTS = "learning.links", "learning.describe_cohort", "learning.subjects"


class Subject(NamedTuple):
    """What a ledger entry is about, as a person reads it: a title, where the entry is read,
    and the id of what it is about (a reply's thread, a check-in's challenge)."""

    title: str
    path: str
    about_id: int


def register_link(app, object_type, path_of):
    """`path_of(object_id)`: the path of a contribution the ledger names `object_type`."""
    app.extensions.setdefault(LINKS, {})[object_type] = path_of


def register_cohorts(app, describe):
    """`describe(cohort_id)`: (the cohort's name, the path of its space)."""
    app.extensions[COHORTS] = describe


def link_for(object_type, object_id):
    path_of = current_app.extensions.get(LINKS, {}).get(object_type)
    return (path_of(object_id) or "") if path_of and object_id else ""


def cohort(cohort_id):
    """(name, path) of a cohort, or ("", "/") when unknown."""
    describe = current_app.extensions.get(COHORTS)
    return describe(cohort_id) if describe and cohort_id else ("", "/")


def register_subject(app, object_type, title, about, path_of, may_see):
    """How a domain names what its contributions of `object_type` are about, for the feed.

    `title(object_id)` and `about(object_id)` are peewee subqueries of one row and column,
    given the ledger's `object_id` column: the title of what the entry is about (a thread's,
    a challenge's) while members may still see it, and that thing's id. `path_of(object_id,
    about_id, cohort_id)` is where the entry's object is read; `may_see(person, cohort)`
    whether a visitor of the cohort's space may know it (the domain's access rule)."""
    app.extensions.setdefault(SUBJECTS, {})[object_type] = (title, about, path_of, may_see)


def subject_columns(object_type, object_id):
    """For a query of ledger entries: two columns, the title of what each entry is about and
    its id, NULL where no domain names it (or members may no longer see it). The rows' own
    query reads them: no query more, whatever the number of entries or their kinds."""
    known = sorted(current_app.extensions.get(SUBJECTS, {}).items())
    if not known:
        return Cast(SQL("NULL"), "TEXT"), Cast(SQL("NULL"), "INTEGER")
    title = Case(object_type, [(kind, title(object_id)) for kind, (title, *_) in known])
    about = Case(object_type, [(kind, about(object_id)) for kind, (_, about, *_) in known])
    return title, about


def subject(object_type, object_id, cohort_id, title, about_id):
    """The entry's Subject from its `subject_columns`, or None."""
    if title is None:
        return None
    path_of = current_app.extensions[SUBJECTS][object_type][2]
    return Subject(title, path_of(object_id, about_id, cohort_id), about_id)


def subjects_seen(person, cohort):
    """The object types whose subjects `person` may know in the cohort's space: L&D see the
    space, for instance, but not the titles of its conversations."""
    known = current_app.extensions.get(SUBJECTS, {})
    return {kind for kind, (*_, may_see) in known.items() if may_see(person, cohort)}
