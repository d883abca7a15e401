"""Polls: start one, answer it (and change a named answer), close it, and what its results
may show to whom. Every rule is checked here, whatever asks: a page, a script, the API.

An anonymous answer is counted on its options and the answerer marked as having answered,
in one transaction, with nothing that ties the two; it cannot be changed afterwards, since
nothing says which answer was theirs."""

import datetime
import math
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from cohorts.access import is_member
from cohorts.models import Cohort
from cohorts.queries import members
from feedback.polls.access import can_choose_who_starts, can_close, can_repeat, can_start
from feedback.polls.models import CLOSED, SCALE, VOTED, Poll, PollOption, Vote, Voter
from learning import ledger, once
from learning.api import webhooks
from learning.db import atomic, insert, utcnow
from learning.errors import NotAllowed, NotFound, Refused
from learning.live import events as live
from learning.mail.services import absolute_url
from learning.notify.services import notify, path_for

QUESTION_MAX, OPTION_MAX = 200, 100
OPTIONS_MIN, OPTIONS_MAX = 2, 10
WEEK = datetime.timedelta(days=7)
# How far back the closing job looks for polls that reached their time.
TOLD_WITHIN = datetime.timedelta(hours=2)


def _options(question, options, scale):
    """The options as they will be kept, or Refused with what to fix."""
    if not (question or "").strip():
        raise Refused(_("Write the question people will answer."), "question")
    if len(question) > QUESTION_MAX:
        raise Refused(_("Keep the question under %(num)d characters.", num=QUESTION_MAX),
                      "question")  # fmt: skip
    if scale:
        return [str(n) for n in SCALE]
    given = [o.strip() for o in options if o and o.strip()]
    if len(given) < OPTIONS_MIN:
        raise Refused(_("Give at least two options, one per line."), "options")
    if len(given) > OPTIONS_MAX:
        raise Refused(_("Give at most %(num)d options.", num=OPTIONS_MAX), "options")
    seen = set()
    for option in given:
        if len(option) > OPTION_MAX:
            raise Refused(_("Keep each option under %(num)d characters.", num=OPTION_MAX),
                          "options")  # fmt: skip
        if option.casefold() in seen:
            raise Refused(_("“%(option)s” is there twice: give each option once.",
                            option=option), "options")  # fmt: skip
        seen.add(option.casefold())
    return given


def start_poll(cohort, author, question, options=(), *, scale=False, multiple=False,
               anonymous=False, results=VOTED, closes_at=None, weekly=False, token=None,
               now=None):  # fmt: skip
    """A new poll in the cohort, told to its other members. `weekly`: a pulse (a scale) its
    facilitator asks again every week, each asking open for a week. The same form sent twice
    (`token`) starts one poll: the second gets it, `repeated`."""
    if not is_member(author, cohort):
        raise NotFound
    if not can_start(author, cohort):
        raise NotAllowed
    now = now or utcnow()
    labels = _options(question, options, scale)
    if weekly and not (scale and can_repeat(author, cohort)):
        raise Refused(_("Only a facilitator's scale question is asked again every week."),
                      "weekly")  # fmt: skip
    if weekly and closes_at is None:
        closes_at = now + WEEK
    if closes_at is not None and closes_at <= now:
        raise Refused(_("Choose a closing time in the future."), "closes_at")
    if results not in (VOTED, CLOSED):
        raise Refused(_("Choose when the results show."), "results")
    if results == CLOSED and closes_at is None:
        raise Refused(_("Give a closing time, or show the results once people answer."),
                      "closes_at")  # fmt: skip
    with atomic():
        first = once.sent_before(author, token, "poll")
        if first is not None:
            return once.again(first, Poll)
        poll = Poll(cohort=cohort, author=author, question=question.strip(), scale=scale,
                    multiple=multiple and not scale, anonymous=anonymous, results=results,
                    closes_at=closes_at, created_at=now, repeats=weekly)  # fmt: skip
        _open(poll, labels, cohort, author)
        once.made(token, poll)
    return poll


def _open(poll, labels, cohort, author, series=None):
    """Write the poll (a new round of `series`, if given) and its options, and tell the
    cohort. None if that round was asked already."""
    if insert(poll, new_only=series is not None) is None:
        return None
    Poll.update(series=series or poll.id).where(Poll.id == poll.id).execute()
    PollOption.insert_many(
        [{"poll": poll, "position": n, "label": label} for n, label in enumerate(labels)]
    ).execute()
    ledger.record(author, "poll_started", cohort_id=cohort.id, obj=poll, at=poll.created_at)
    link = path_for("polls.show", poll_id=poll.id)
    for member in members(cohort):
        if member.person_id != author.id:
            notify(member.person, "poll", f"poll:{poll.id}:person:{member.person_id}",
                   _l("%(name)s asks the cohort: “%(question)s”",
                      name=author.display_name, question=poll.question),
                   link, cohort_id=cohort.id, place=cohort.name)  # fmt: skip
    live.publish(live.POLL_CHANGED, cohort_id=cohort.id, poll=poll.id)
    return poll


def ask_again(poll, now=None):
    """The pulse's next asking, a week after `poll` opened (idempotent: each round once);
    None when it was asked already or the pulse stopped."""
    now = now or utcnow()
    labels = [str(n) for n in SCALE]
    with atomic():
        following = Poll(cohort=poll.cohort_id, author=poll.author_id, question=poll.question,
                         scale=True, anonymous=poll.anonymous, results=poll.results,
                         closes_at=now + WEEK, created_at=now, series=poll.series_id,
                         round=poll.round + 1, repeats=True)  # fmt: skip
        if _open(following, labels, poll.cohort, poll.author, poll.series_id) is None:
            return None
        Poll.update(repeats=False).where(Poll.id == poll.id).execute()
    return following


def stop_repeating(person, poll):
    """The facilitator stops asking the pulse every week; what was asked stays."""
    if not can_repeat(person, poll.cohort):
        raise NotAllowed
    Poll.update(repeats=False).where(Poll.series == poll.series_id).execute()
    poll.repeats = False


def _chosen(poll, option_ids):
    """The poll's options among `option_ids`, or Refused."""
    wanted = {int(i) for i in option_ids if str(i).isdigit()}
    if not wanted:
        raise Refused(_("Choose an answer."), "choice")
    options = list(PollOption.select().where(PollOption.poll == poll, PollOption.id.in_(wanted)))
    if len(options) != len(wanted):
        raise Refused(_("That answer belongs to another poll. Reload the page and try again."),
                      "choice")  # fmt: skip
    if len(options) > 1 and not poll.multiple:
        raise Refused(_("Choose one answer."), "choice")
    return options


def vote(person, poll, option_ids, token=None, now=None):
    """Answer the poll. A named answer may be changed until the poll closes; an anonymous one
    is final. The same form sent twice (a double click) counts once."""
    if not is_member(person, poll.cohort):
        raise NotFound
    now = now or utcnow()
    if poll.is_closed(now):
        raise Refused(_("This poll has closed: it takes no more answers."), "choice")
    options = _chosen(poll, option_ids)
    with atomic():
        if once.sent_before(person, token, "vote") is not None:
            return False
        once.made(token, poll)
        first = insert(Voter(poll=poll, person=person), new_only=True) is not None
        if not first and poll.anonymous:
            raise Refused(_("You have answered already. An anonymous answer cannot be changed: "
                            "nothing ties it to you."), "choice")  # fmt: skip
        if not first:
            _take_back(poll, person)
        else:
            Poll.update(voters=Poll.voters + 1).where(Poll.id == poll.id).execute()
            ledger.record(person, "voted", cohort_id=poll.cohort_id, obj=poll, at=now)
        ids = [o.id for o in options]
        PollOption.update(votes=PollOption.votes + 1).where(PollOption.id.in_(ids)).execute()
        if not poll.anonymous:
            Vote.insert_many([{"poll": poll, "option": i, "person": person} for i in ids]) \
                .execute()  # fmt: skip
        live.publish(live.POLL_CHANGED, cohort_id=poll.cohort_id, poll=poll.id)
    return first


def _take_back(poll, person):
    """A named answer's choices, undone before the new ones count."""
    before = Vote.select(Vote.option).where(Vote.poll == poll, Vote.person == person)
    PollOption.update(votes=PollOption.votes - 1).where(PollOption.id.in_(before)).execute()
    Vote.delete().where(Vote.poll == poll, Vote.person == person).execute()


def close(person, poll, now=None):
    """Close the poll before its time (its author or the cohort's facilitator)."""
    if not is_member(person, poll.cohort):
        raise NotFound
    if not can_close(person, poll):
        raise NotAllowed
    now = now or utcnow()
    if poll.is_closed(now):
        return poll
    with atomic():
        Poll.update(closed_at=now).where(Poll.id == poll.id, Poll.closed_at.is_null()).execute()
        tell_closed(poll)
        live.publish(live.POLL_CHANGED, cohort_id=poll.cohort_id, poll=poll.id)
    poll.closed_at = now
    return poll


def tell_closed(poll):
    """The `poll.closed` webhook, once per poll, whether it closed early or at its time."""
    webhooks.emit("poll.closed", f"poll-{poll.id}",
                  {"poll_id": poll.id, "url": absolute_url("polls.show", poll_id=poll.id)},
                  cohort_id=poll.cohort_id)  # fmt: skip


def choose_who_starts(person, cohort, only):
    """The facilitator decides whether every member may start polls (`only`: facilitators)."""
    if not can_choose_who_starts(person, cohort):
        raise NotAllowed
    Cohort.update(polls_by_facilitators=only).where(Cohort.id == cohort.id).execute()
    cohort.polls_by_facilitators = only


def min_voters():
    """How many must answer an anonymous poll before its results show."""
    return current_app.config["POLL_MIN_VOTERS"]


@dataclass
class Results:
    """What a poll shows a viewer: `shown`, or why not (`waiting`), the answers counted."""

    poll: Poll
    options: list
    voted: bool = False
    chosen: set = field(default_factory=set)  # the viewer's own (named polls)
    closed: bool = False
    waiting: str = ""
    names: dict = field(default_factory=dict)  # option id: names (named polls)

    @property
    def shown(self):
        return not self.waiting

    @property
    def counted(self):
        """Answers counted over every option (a person choosing two counts twice)."""
        return sum(o.votes for o in self.options)

    def share(self, option):
        return round(100 * option.votes / self.counted) if self.counted else 0

    @property
    def mean(self):
        """A pulse check's average answer."""
        if not (self.poll.scale and self.counted):
            return None
        return sum(int(o.label) * o.votes for o in self.options) / self.counted


def results(poll, options, viewer, voted, now, chosen=()):
    """What the viewer may see of the poll's results: hidden until they answered (or until
    it closes, as its author chose), and an anonymous poll's until enough people answered.
    Who chose what (`names`, named polls) is the caller's to add."""
    closed = poll.is_closed(now)
    waiting = ""
    if poll.results == CLOSED and not closed:
        waiting = _("The results show when the poll closes.")
    elif not (voted or closed or poll.author_id == viewer.id):
        waiting = _("Answer to see the results.")
    elif poll.anonymous and poll.voters < min_voters():
        waiting = ngettext(
            "The results show once %(num)d person has answered.",
            "The results show once %(num)d people have answered, so nobody's answer can be "
            "told apart.",
            min_voters(),
        )
    return Results(poll, options, voted=voted, chosen=set(chosen), closed=closed,
                   waiting=waiting)  # fmt: skip


@dataclass
class Week:
    """One asking of a weekly pulse: when, how many answered, the average and the spread
    (population standard deviation) of the answers; none of them for an anonymous pulse
    fewer people answered than `min_voters()`."""

    opened: datetime.datetime
    voters: int
    mean: float | None = None
    spread: float | None = None


def trends(options):
    """[(question, [Week])] of each weekly pulse, from `queries.pulses` rows: computed from
    the counts per value, so no single answer is read, anonymous or not."""
    pulses = {}
    for option in options:
        asked = pulses.setdefault(option.poll.series_id, {}).setdefault(option.poll.id, [])
        asked.append(option)
    found = []
    for askings in pulses.values():
        weeks = []
        for counted in askings.values():
            poll = counted[0].poll
            week = Week(poll.created_at, poll.voters)
            total = sum(o.votes for o in counted)
            if total and not (poll.anonymous and poll.voters < min_voters()):
                week.mean = sum(int(o.label) * o.votes for o in counted) / total
                week.spread = math.sqrt(
                    sum(o.votes * (int(o.label) - week.mean) ** 2 for o in counted) / total
                )
            weeks.append(week)
        found.append((counted[0].poll.question, weeks))
    return found
