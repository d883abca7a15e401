"""Who may do what on the platform: the one place for role checks. `require_*` returns the
person or raises NotAllowed (403); `can_*` answers yes or no."""

from learning.errors import NotAllowed
from learning.people.models import Role

INVITERS = (Role.ADMIN, Role.LD_MANAGER)


def require_role(person, *roles):
    """Return the person if they hold one of `roles`; otherwise NotAllowed (403)."""
    if not person.is_authenticated or not person.has_role(*roles):
        raise NotAllowed
    return person


def require_admin(person):
    """Admins manage people and roles, company values, digests, failed emails, privacy
    requests, and read the audit log."""
    return require_role(person, Role.ADMIN)


def require_inviter(person):
    """Admins and L&D managers invite people."""
    return require_role(person, *INVITERS)


def can_invite(person):
    return person.is_authenticated and person.has_role(*INVITERS)


def can_administer(person):
    """Admins manage people, roles, values and settings, and read the development outbox."""
    return person.is_authenticated and person.has_role(Role.ADMIN)


def signed_in(person):
    """Everyone signed in: their own account, notices, check-ins and search."""
    return person.is_authenticated
