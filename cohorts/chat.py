"""Kudos from Slack: between two people who share a cohort, through the same service as the
cohort's kudos page (registered with learning.chat by cohorts.platform)."""

from flask_babel import gettext as _

from cohorts import kudos
from cohorts.models import Cohort, Membership
from learning.errors import Refused
from learning.recognition import services as recognition


class KudosFromChat:
    @staticmethod
    def values():
        return [(value.id, value.name) for value in recognition.values()]

    @staticmethod
    def give(giver, receiver, value_id, message, token):
        """Kudos in the cohort the two share (the one the giver joined last, if several)."""
        if receiver.id == giver.id:
            raise Refused(_("Kudos are for someone else: choose a colleague."), "receiver")
        theirs = Membership.select(Membership.cohort).where(Membership.person == receiver)
        shared = (
            Cohort.select()
            .join(Membership)
            .where(
                Membership.person == giver, Cohort.status == "published", Cohort.id.in_(theirs)
            )  # fmt: skip
            .order_by(Membership.joined_at.desc())
            .first()
        )
        if shared is None:
            raise Refused(_("You and %(name)s share no cohort: kudos are for the people you "
                            "learn with.", name=receiver.display_name), "receiver")  # fmt: skip
        made, _created = kudos.give_kudos(giver, shared, receiver.id, value_id, message, token)
        return _("Kudos to %(name)s in %(cohort)s: they will hear of it, and the cohort sees it.",
                 name=receiver.display_name, cohort=shared.name)  # fmt: skip
