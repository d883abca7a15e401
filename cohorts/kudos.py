"""Recognition in a cohort, the cohort's side of it: kudos between its members, and cheers
for its celebrations. What kudos and cheers are, and their notices, digests and milestones,
is learning.recognition's."""

from flask_babel import gettext as _

from cohorts import access, queries
from learning import ledger
from learning.errors import Refused, found
from learning.ledger import Activity
from learning.recognition import services as recognition


def choices(cohort, giver):
    """(the members `giver` may thank, the company values to thank them for)."""
    peers = [m for m in queries.members(cohort) if m.person_id != giver.id]
    return peers, recognition.values()


def give_kudos(giver, cohort, receiver_id, value_id, message, token, about=""):
    """Kudos from one member of the cohort to another. Returns (kudos, created)."""
    membership = access.membership_of(receiver_id, cohort)
    if membership is None:
        raise Refused(_("Choose someone in this cohort."), "receiver")
    return recognition.give_kudos(
        giver, membership.person, cohort.id, cohort.name, value_id, message, token, about
    )


def cheer(person, cohort, milestone_id, kind):
    """Cheer a celebration of the cohort (or take the cheer back); its feed entry after."""
    milestone = found(recognition.public_milestone(milestone_id, cohort.id))
    recognition.cheer(person, milestone, kind)
    return found(celebration_entry(cohort, milestone, person))


def celebration_entry(cohort, milestone, viewer):
    """The feed entry of a celebration, with its cheers, or None."""
    entry = (
        ledger.cohort_activity(cohort.id)
        .where(Activity.object_type == "milestone", Activity.object_id == milestone.id)
        .first()
    )
    return recognition.attach([entry], viewer)[0] if entry else None
