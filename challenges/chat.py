"""Check-ins from Slack: the running challenges of one's cohorts, and a check-in through the
same service as the cohort space (registered with learning.chat by challenges.platform)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from challenges import access, progress, services, streaks
from challenges.models import Challenge
from cohorts.models import Cohort, Membership
from learning.chat.slack import Doable
from learning.errors import Refused
from learning.i18n import worded
from learning.mail.services import absolute_url

STATUSES = {"done": _l("did it"), "blocked": _l("blocked"), "skipped": _l("skipped")}


class CheckInsFromChat:
    @staticmethod
    def running(person):
        """The challenges running today in the person's cohorts, with where each stands."""
        today = streaks.local_date(person)
        rows = list(
            Challenge.select(Challenge, Cohort.id.alias("in_cohort"), Cohort.name.alias("place"))
            .join(Cohort, on=(Cohort.program == Challenge.program)
                  & (Challenge.cohort.is_null() | (Challenge.cohort == Cohort.id)))
            .join(Membership, on=(Membership.cohort == Cohort.id))
            .where(Membership.person == person, Cohort.status == "published",
                   Challenge.starts_on <= today, Challenge.ends_on >= today)
            .order_by(Challenge.ends_on, Challenge.id)
            .objects()
        )  # fmt: skip
        tallies = progress.tally(rows, sorted({row.in_cohort for row in rows}))
        return [
            Doable(row.in_cohort, row.id, row.title, row.place,
                   worded(progress.progress_text(row, tallies[row.id, row.in_cohort])),
                   row.goal == "count",
                   absolute_url("challenges.show", cohort_id=row.in_cohort, challenge_id=row.id))
            for row in rows
        ]  # fmt: skip

    @staticmethod
    def check_in(person, cohort_id, challenge_id, status, token):
        cohort, challenge = access.access_challenge(person, cohort_id, challenge_id)
        if status not in STATUSES:
            raise Refused(_("Choose did it, blocked or skipped."))
        entry = services.check_in(person, challenge, cohort, status, token=token)
        done = _("Checked in to %(title)s: %(status)s.", title=challenge.title,
                 status=STATUSES[status])  # fmt: skip
        if entry.progress is not None:  # None: the same click again, nothing new
            done += " " + worded(progress.progress_text(challenge, entry.progress))
        return done
