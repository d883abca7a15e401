"""What polls give the platform: the cohort space's section, what the feed says polls are
about, the digest's polls closing soon, and a person's polls and named answers (privacy);
registered by `register(app)`."""

import datetime
import math

from cohorts import access as cohort_access
from cohorts import health, space
from feedback.polls import access, queries, services
from feedback.polls.models import Vote
from feedback.polls.space import cards
from learning.db import utcnow
from learning.digest import sections
from learning.i18n import said, said_n
from learning.notify.services import path_for
from learning.privacy import services as privacy
from learning.recognition import places


def register(app):
    places.register_subject(app, "poll", queries.poll_question, lambda poll_id: poll_id,
                            poll_path, cohort_access.is_member)  # fmt: skip
    space.add_section(app, "feedback/polls/_cohort_polls.html", polls_section, space.TOGETHER)
    sections.register(app, "polls", digest_polls)
    privacy.register(app, personal_data, erase_personal)
    health.add_section(app, "feedback/polls/_pulse_trends.html", pulse_trends)


def pulse_trends(cohort):
    """The cohort's health page: each weekly pulse's average and spread, week by week."""
    found = services.trends(queries.pulses(cohort))
    return {"trends": found} if found else None


def poll_path(poll_id, _poll_id=None, _cohort_id=None):
    return path_for("polls.show", poll_id=poll_id)


def polls_section(cohort, person):
    """The cohort space's polls: the open ones and those closed lately, newest first."""
    if not cohort_access.is_member(person, cohort):
        return None
    shown = queries.cohort_polls(cohort, person, utcnow(), limit=queries.SHOWN_IN_SPACE)
    can_start = access.can_start(person, cohort)
    if not shown and not can_start:
        return None
    return {"cohort": cohort, "cards": cards(shown, person), "can_start": can_start}


CLOSING_SOON = datetime.timedelta(days=3)


def digest_polls(readers, until):
    """Each reader's open polls closing within three days that they have not answered (nor
    asked); two queries for the whole batch."""
    closing = queries.closing_between(sections.cohort_ids(readers), until, until + CLOSING_SOON)
    if not closing:
        return {}
    done = queries.answered([p.id for p in closing], [r.person_id for r in readers])
    result = {}
    for reader in readers:
        for poll in closing:
            if (
                poll.cohort_id not in reader.cohorts
                or poll.author_id == reader.person_id
                or (poll.id, reader.person_id) in done
            ):
                continue
            hours = math.ceil((poll.closes_at - until).total_seconds() / 3600)
            result.setdefault(reader.person_id, []).append(
                sections.Item(
                    said("Answer “%(question)s”", question=poll.question),
                    poll_path(poll.id),
                    poll.closes_at,
                    detail=said_n(
                        "It closes in %(num)d hour.", "It closes in %(num)d hours.", hours
                    ),  # fmt: skip
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
