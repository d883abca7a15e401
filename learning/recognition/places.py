"""Names and links of things learning does not know: the domains register how to find them
when the app is built (learning never imports a domain). Kept on the app."""

from flask import current_app

LINKS, COHORTS = "learning.links", "learning.describe_cohort"


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
