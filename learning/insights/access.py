"""Who may read HR's reports and their exports: HR only, and each their own exports."""

from learning.errors import found
from learning.insights.models import Export
from learning.people.access import require_role
from learning.people.models import Role

READERS = (Role.HR,)


def require_reader(person):
    """HR reads participation reports and exports them; never conversations."""
    return require_role(person, *READERS)


def can_read_reports(person):
    return person.is_authenticated and person.has_role(*READERS)


def access_export(viewer, export_id):
    """One's own export; NotFound for anyone else's, HR included."""
    require_reader(viewer)
    return found(Export.get_or_none(Export.id == export_id, Export.requested_by == viewer))
