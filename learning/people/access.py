"""Who may do what on the platform: the one place for role checks."""

from learning.errors import NotAllowed
from learning.people.models import Role

INVITERS = (Role.ADMIN, Role.LD_MANAGER)


def require_role(person, *roles):
    """Return the person if they hold one of `roles`; otherwise NotAllowed (403)."""
    if not person.is_authenticated or not person.has_role(*roles):
        raise NotAllowed
    return person


def can_invite(person):
    return person.is_authenticated and person.has_role(*INVITERS)


def can_administer(person):
    """Admins manage people, roles, values and settings, and read the development outbox."""
    return person.is_authenticated and person.has_role(Role.ADMIN)
