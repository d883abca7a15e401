"""Conversation analytics for L&D, and each cohort's health: where people talk to each other,
and which cohorts need help. From the ledger (who answered whom), the members' departments,
and the threads' first replies (registered by the feedback domain). A fixed number of
queries, whatever the number of people or entries."""

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from flask import current_app
from peewee import fn

from learning.i18n import said, said_n
from learning.insights import participation, sources
from learning.ledger import Activity

# A response to a person: what makes a conversation.
RESPONSES = ("replied", "feedback_given")
# What a member says, for the share of voice.
SAYING = ("thread_started", "replied", "feedback_given")
# Ledger kinds counted as they are, and where.
COUNTED = {"checked_in": "check_ins", "goal_reached": "goals", "poll_started": "polls",
           "voted": "poll_answers"}  # fmt: skip
QUIET_DAYS = 14
UNANSWERED_AFTER = dt.timedelta(hours=48)

# What the domains register when the app is built (kept on the app).
PROGRESS, THREADS = "learning.analytics_progress", "learning.analytics_threads"


def register_progress(app, read):
    """`read(cohort_ids, today)`: [(cohort id, challenge title, percent, reached)] for the
    cohorts' current and recent challenges; a fixed number of queries."""
    app.extensions[PROGRESS] = read


def progress(cohort_ids, today):
    read = current_app.extensions.get(PROGRESS)
    return read(cohort_ids, today) if read and cohort_ids else []


def register_threads(app, read):
    """`read(cohort_ids)`: [(cohort id, kind, created_at, first reply by someone else or
    None)] for the cohorts' visible threads; one query."""
    app.extensions[THREADS] = read


def _thread_rows(cohort_ids):
    read = current_app.extensions.get(THREADS)
    return read(cohort_ids) if read and cohort_ids else []


@dataclass
class Conversation:
    """What the ledger says about one cohort, or a whole program."""

    members: int = 0
    active_recently: int = 0  # members with a contribution in the last two weeks
    weekly_active: list = field(default_factory=list)  # [(Monday, active members)]
    replies_between: int = 0  # responses to another person
    pairs: int = 0  # people who answered each other, counted once per pair
    reciprocal: int = 0  # of those pairs, the ones where both answered
    cross_department: int = 0  # pairs from different departments
    median_first_reply: dt.timedelta | None = None
    unanswered: int = 0  # threads with no reply from someone else
    stale_questions: int = 0  # questions unanswered for more than 48 hours
    top_voice: float | None = None  # the most active member's share of what is said
    check_ins: int = 0
    goals: int = 0
    polls: int = 0
    poll_answers: int = 0
    poll_seats: int = 0  # answers there could have been: each poll's cohort's members

    @property
    def poll_response_rate(self):
        return self.poll_answers / self.poll_seats if self.poll_seats else None

    @property
    def reciprocity(self):
        return self.reciprocal / self.pairs if self.pairs else None

    def plain(self):
        """As JSON keeps it, for kept figures; `from_plain` reads it back."""
        values = asdict(self)
        values["weekly_active"] = [[monday.isoformat(), n] for monday, n in self.weekly_active]
        if self.median_first_reply is not None:
            values["median_first_reply"] = self.median_first_reply.total_seconds()
        return values

    @classmethod
    def from_plain(cls, values):
        values = dict(values)
        values["weekly_active"] = [(dt.date.fromisoformat(monday), n)
                                   for monday, n in values["weekly_active"]]  # fmt: skip
        if values["median_first_reply"] is not None:
            values["median_first_reply"] = dt.timedelta(seconds=values["median_first_reply"])
        return cls(**values)


@dataclass
class Health:
    score: int | None  # None before the program starts: nothing is judged yet
    parts: list  # [(what, points, out of, why)]
    attention: list  # [(reason, suggested action)]
    starts_in: int | None = None  # days, before the program starts

    @property
    def rank(self):
        """Least healthy first; cohorts whose program has not started last."""
        return 101 if self.score is None else self.score


def _week(day):
    return day - dt.timedelta(days=day.weekday())


def _weeks(start, end):
    monday, weeks = _week(start), []
    while monday <= end:
        weeks.append(monday)
        monday += dt.timedelta(days=7)
    return weeks


def conversations(members, start, end, now):
    """{cohort id: Conversation} and the program's own Conversation ("all"), for `members`
    (sources.Member rows) between the dates. Six queries."""
    cohort_ids = sorted({m.cohort_id for m in members})
    department = {m.person_id: m.department for m in members}
    in_cohort = {(m.person_id, m.cohort_id) for m in members}
    result = {cohort_id: Conversation() for cohort_id in cohort_ids}
    program = Conversation()
    people = defaultdict(set)
    for m in members:
        people[m.cohort_id].add(m.person_id)
    for cohort_id, conversation in result.items():
        conversation.members = len(people[cohort_id])
    program.members = len(department)
    if not cohort_ids:
        return result, program
    scope = Activity.cohort_id.in_(cohort_ids) & Activity.created_at.between(
        dt.datetime.combine(start, dt.time()), dt.datetime.combine(end, dt.time.max)
    )
    recent_since = now - dt.timedelta(days=QUIET_DAYS)

    # Weekly active members, and who was active lately.
    weekly = defaultdict(set)  # (cohort, monday) -> people
    recent = defaultdict(set)
    rows = (
        Activity.select(
            Activity.cohort_id, Activity.actor, participation._week(), fn.MAX(Activity.created_at)
        )  # fmt: skip
        .where(scope, Activity.kind.in_(list(participation.GIVEN)))
        .group_by(Activity.cohort_id, Activity.actor, participation._week())
        .tuples()
    )
    for cohort_id, actor, monday, latest in rows:
        if (actor, cohort_id) not in in_cohort:
            continue
        monday = dt.date.fromisoformat(str(monday)[:10])
        weekly[cohort_id, monday].add(actor)
        weekly["all", monday].add(actor)
        if latest >= recent_since:
            recent[cohort_id].add(actor)
            recent["all"].add(actor)
    weeks = _weeks(start, min(end, now.date()))
    for key, conversation in [*result.items(), ("all", program)]:
        conversation.weekly_active = [(monday, len(weekly[key, monday])) for monday in weeks]
        conversation.active_recently = len(recent[key])

    # Who answered whom.
    answered = defaultdict(lambda: defaultdict(int))  # key -> {(actor, target): n}
    for cohort_id, actor, target, count in (
        Activity.select(Activity.cohort_id, Activity.actor, Activity.target, fn.COUNT(Activity.id))
        .where(
            scope,
            Activity.kind.in_(RESPONSES),
            Activity.target.is_null(False),
            Activity.target != Activity.actor,
        )  # fmt: skip
        .group_by(Activity.cohort_id, Activity.actor, Activity.target)
        .tuples()
    ):
        answered[cohort_id][actor, target] += count
        answered["all"][actor, target] += count
    for key, conversation in [*result.items(), ("all", program)]:
        edges = answered[key]
        conversation.replies_between = sum(edges.values())
        pairs = {frozenset(edge) for edge in edges}
        conversation.pairs = len(pairs)
        conversation.reciprocal = sum(1 for a, b in map(tuple, pairs) if (b, a) in edges
                                      and (a, b) in edges)  # fmt: skip
        conversation.cross_department = sum(
            1 for a, b in map(tuple, pairs) if department.get(a, "") != department.get(b, "")
        )

    # Share of voice: the most active member's share of threads, replies and feedback.
    said = defaultdict(lambda: defaultdict(int))
    for cohort_id, actor, count in (
        Activity.select(Activity.cohort_id, Activity.actor, fn.COUNT(Activity.id))
        .where(scope, Activity.kind.in_(SAYING))
        .group_by(Activity.cohort_id, Activity.actor)
        .tuples()
    ):
        said[cohort_id][actor] += count
        said["all"][actor] += count
    for key, conversation in [*result.items(), ("all", program)]:
        total = sum(said[key].values())
        conversation.top_voice = max(said[key].values()) / total if total else None

    # Check-ins, goals, polls and their answers.
    for cohort_id, kind, count in (
        Activity.select(Activity.cohort_id, Activity.kind, fn.COUNT(Activity.id))
        .where(scope, Activity.kind.in_(list(COUNTED)))
        .group_by(Activity.cohort_id, Activity.kind)
        .tuples()
    ):
        for conversation in (result[cohort_id], program):
            setattr(conversation, COUNTED[kind], getattr(conversation, COUNTED[kind]) + count)
            if kind == "poll_started":
                conversation.poll_seats += count * result[cohort_id].members

    # Threads: time to first reply, and what nobody answered.
    waits = defaultdict(list)
    for cohort_id, kind, created_at, first_reply in _thread_rows(cohort_ids):
        if not start <= created_at.date() <= end:
            continue
        for conversation, key in ((result[cohort_id], cohort_id), (program, "all")):
            if first_reply is None:
                conversation.unanswered += 1
                if kind == "question" and now - created_at > UNANSWERED_AFTER:
                    conversation.stale_questions += 1
            else:
                waits[key].append(first_reply - created_at)
    for key, conversation in [*result.items(), ("all", program)]:
        if waits[key]:
            conversation.median_first_reply = statistics.median(waits[key])
    return result, program


def health(c, started_on, today):
    """A score out of 100 with its reasons, and what needs attention with what to do. Judged
    only from the program's first day (`started_on`): before it, nobody is late for anything
    (`starts_in` says when); in its first two weeks, activity counts since that day and
    inactivity is pointed out after the first week."""
    if today < started_on:
        return Health(None, [], [], starts_in=(started_on - today).days)
    ran = (today - started_on).days
    since = said("in the last two weeks") if ran >= 14 else _since_the_start(ran)
    parts, attention = [], []
    if c.members:
        active = c.active_recently / c.members
        why = said(
            "%(active)s of %(members)s contributed %(since)s",
            active=c.active_recently,
            members=c.members,
            since=since,
        )
        parts.append((said("Active members"), round(40 * active), 40, why))
        if ran >= 7 and c.members - c.active_recently >= c.members / 2:
            inactive = {"inactive": c.members - c.active_recently, "members": c.members}
            attention.append((
                said("%(inactive)s of %(members)s members inactive for two weeks", **inactive)
                if ran >= 14
                else said("%(inactive)s of %(members)s members inactive %(since)s", since=since,
                          **inactive),
                said("Invite them back: a short check-in or a question addressed to them"),
            ))  # fmt: skip
    points = max(0, 20 - 10 * c.stale_questions)
    stale = said_n(
        "%(num)d question unanswered for more than 48 hours",
        "%(num)d questions unanswered for more than 48 hours",
        c.stale_questions,
    )
    parts.append((said("Questions answered"), points, 20, stale))  # fmt: skip
    if c.stale_questions:
        attention.append((
            stale, said("Nudge the facilitator to answer or to ask someone who knows"),
        ))  # fmt: skip
    reciprocity = c.reciprocity
    parts.append((said("Answering each other"), round(20 * (reciprocity or 0)), 20,
                  said("%(both)s of %(pairs)s pairs answered both ways", both=c.reciprocal,
                       pairs=c.pairs) if c.pairs
                  else said("No one has answered anyone yet")))  # fmt: skip
    if not c.replies_between and c.members:
        attention.append((
            said("No replies between members yet"),
            said("Start a thread that asks everyone a concrete question"),
        ))  # fmt: skip
    voice = c.top_voice
    balance = 20 if voice is None or voice <= 0.4 else round(20 * max(0, 1 - (voice - 0.4) / 0.6))
    parts.append((said("Many voices"), balance, 20,
                  said("The most active member says %(share)s%% of it", share=round(100 * voice))
                  if voice is not None else said("Nothing said yet")))  # fmt: skip
    if voice is not None and voice > 0.5 and c.members > 2:
        attention.append((said("One member says %(share)s%% of the conversation",
                               share=round(100 * voice)),
                          said("Ask quieter members for their feedback by name")))  # fmt: skip
    return Health(sum(p[1] for p in parts), parts, attention)


def _since_the_start(days):
    if days == 0:
        return said("since the program started today")
    return said_n("since the program started %(num)d day ago",
                  "since the program started %(num)d days ago", days)  # fmt: skip


def for_members(program_id=None, cohort_id=None):
    """The members of a program or of one cohort, as reports read them."""
    return list(sources.memberships(program_id=program_id, cohort_id=cohort_id))
