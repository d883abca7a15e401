"""What a token may do: its scopes, and the roles each scope needs. A token never does more
than its person (or, for a service token, its roles) may do on the pages."""

from flask_babel import lazy_gettext as _l

from learning.people.access import require_admin
from learning.people.models import Role

MANAGERS = (Role.LD_MANAGER, Role.ADMIN)

# scope: (what it allows, the roles that may hold it: None for everyone)
SCOPES = {
    "read:programs": (
        _l("Read programs, cohorts, memberships, challenges and progress you may see"),
        None,
    ),
    "read:people": (
        _l("Read people's names, departments, addresses and whether they are active"),
        (Role.LD_MANAGER, Role.HR, Role.ADMIN),
    ),
    "write:programs": (_l("Create programs"), MANAGERS),
    "write:enrolments": (_l("Enrol people in programs and cohorts"), MANAGERS),
    "write:kudos": (_l("Give kudos as yourself"), None),
    "read:participation": (_l("Read participation figures, small groups hidden"), (Role.HR,)),
    "read:audit": (_l("Read the audit log"), (Role.ADMIN,)),
}
# A service token belongs to no cohort: it cannot speak as a person.
PERSONAL_ONLY = {"write:kudos"}
# The roles an admin may give a service token.
SERVICE_ROLES = (Role.LD_MANAGER, Role.HR, Role.ADMIN)


def grantable(person):
    """The scopes `person` may put on a personal token."""
    return [s for s, (_, roles) in SCOPES.items() if roles is None or person.has_role(*roles)]


def service_scopes(roles):
    """The scopes a service token with `roles` may hold."""
    return [
        s
        for s, (_, needs) in SCOPES.items()
        if s not in PERSONAL_ONLY and (needs is None or set(needs) & set(roles))
    ]


def require_token_admin(person):
    """Service tokens and webhooks are the admins'."""
    return require_admin(person)
