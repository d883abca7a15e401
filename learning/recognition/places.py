"""Names and links of things learning does not know: the domains register how to find them
when the app starts (learning never imports a domain)."""

_links = {}
_cohorts = []


def register_link(object_type, path_of):
    """`path_of(object_id)`: the path of a contribution the ledger names `object_type`."""
    _links[object_type] = path_of


def register_cohorts(describe):
    """`describe(cohort_id)`: (the cohort's name, the path of its space)."""
    _cohorts[:] = [describe]


def link_for(object_type, object_id):
    path_of = _links.get(object_type)
    return (path_of(object_id) or "") if path_of and object_id else ""


def cohort(cohort_id):
    """(name, path) of a cohort, or ("", "/") when unknown."""
    return _cohorts[0](cohort_id) if _cohorts and cohort_id else ("", "/")
