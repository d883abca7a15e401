"""What polls give the platform: what the feed says polls are about, the digest's polls
closing soon, a person's polls and named answers (privacy), and the weekly pulses' trends on
a cohort's health page; registered by `register(app)`. (The cohort space lists the polls
waiting for the viewer among what needs them: feedback.queries.waiting_rows.)"""

import datetime
import math

from cohorts import access as cohort_access
from cohorts import health
from feedback.polls import queries, services
from feedback.polls.models import Vote
from learning.digest import sections
from learning.i18n import said, said_n
from learning.notify.services import path_for
from learning.privacy import services as privacy
from learning.recognition import places
from learning.views import add_section


def register(app):
    places.register_subject(app, "poll", queries.poll_question, lambda poll_id: poll_id,
                            poll_path, cohort_access.is_member)  # fmt: skip
    sections.register(app, "polls", digest_polls)
    privacy.register(app, personal_data, erase_personal)
    add_section(app, health.HEALTH, "feedback/polls/_pulse_trends.html", pulse_trends)


def pulse_trends(cohort):
    """The cohort's health page: each weekly pulse's average and spread, week by week."""
    found = services.trends(queries.pulses(cohort))
    return {"trends": found} if found else None


def poll_path(poll_id, _poll_id=None, _cohort_id=None):
    return path_for("polls.show", poll_id=poll_id)


CLOSING_SOON = datetime.timedelta(days=3)


def digest_polls(readers, until):
    """Each reader's open polls closing within three days that they have not answered (nor
    asked); one query for the whole batch."""
    closing = queries.closing_between(sections.cohort_ids(readers), until, until + CLOSING_SOON,
                                      [r.person_id for r in readers])  # fmt: skip
    result = {}
    for reader in readers:
        for poll in closing:
            if (
                poll.cohort_id not in reader.cohorts
                or poll.author_id == reader.person_id
                or reader.person_id in poll.answered
            ):
                continue
            hours = math.ceil((poll.closes_at - until).total_seconds() / 3600)
            result.setdefault(reader.person_id, []).append(
                sections.Item(
                    said("Answer “%(question)s”", question=poll.question),
                    poll_path(poll.id),
                    poll.closes_at,
                    # News once: in the first digest after it began closing soon.
                    new=poll.closes_at - CLOSING_SOON > reader.since,
                    detail=said_n(
                        "It closes in %(num)d hour.", "It closes in %(num)d hours.", hours
                    ),
                    place=reader.cohorts[poll.cohort_id][0],
                )
            )
    return result


def personal_data(person):
    """The polls the person asked, and their answers to named polls (an anonymous answer is
    not theirs to read back: nothing ties it to them)."""
    return {"polls_asked": queries.asked_by(person), "poll_answers": queries.answers_of(person)}


def erase_personal(person):
    """Their named answers lose their name; the polls' counts stay as they were."""
    Vote.delete().where(Vote.person == person).execute()
