"""The participation report: per group of people, how much they took part. Counts only,
from the activity ledger; a group smaller than the threshold shows no numbers, and neither
does a total from which such a group could be worked out."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby

from flask_babel import lazy_gettext as _l
from peewee import SQL, NodeList, fn

from learning.db import is_sqlite, stream, streaming
from learning.insights import kept, sources
from learning.ledger import Activity

COLUMNS = {
    "people": _l("People"),
    "active": _l("Active people"),
    "threads": _l("Threads"),
    "replies": _l("Replies"),
    "feedback_given": _l("Feedback given"),
    "feedback_received": _l("Feedback received"),
    "check_ins": _l("Check-ins"),
    "kudos_given": _l("Kudos given"),
    "kudos_received": _l("Kudos received"),
    "active_weeks": _l("Average active weeks"),
    "goals": _l("Challenge goals reached"),
    "left": _l("Left the company"),
}
# The total's label, put in words when read.
ALL = None
# A group of people with no department (or location) on record.
NO_GROUP = {"department": _l("No department"), "location": _l("No location")}
# Ledger kinds that are a person's contribution, and what each counts as.
GIVEN = {
    "thread_started": "threads",
    "replied": "replies",
    "feedback_given": "feedback_given",
    "checked_in": "check_ins",
    "kudos_given": "kudos_given",
}
# Kinds whose `target` received something.
RECEIVED = {"feedback_given": "feedback_received", "kudos_given": "kudos_received"}


@dataclass(frozen=True)
class Filters:
    program_id: int | None = None
    cohort_id: int | None = None
    department: str = ""
    location: str = ""
    start: dt.date | None = None
    end: dt.date | None = None  # included

    def describe(self):
        """The filters as an audit entry and an export's header keep them."""
        return {k: (v.isoformat() if isinstance(v, dt.date) else v)
                for k, v in self.__dict__.items() if v}  # fmt: skip


@dataclass
class Row:
    label: str
    people: int
    values: dict = field(default_factory=dict)
    suppressed: bool = False


@dataclass
class Report:
    grouping: str
    threshold: int
    rows: list
    total: Row


def _group_key(member, grouping):
    if grouping == "program":
        return member.program
    if grouping == "cohort":
        return f"{member.cohort} ({member.program})"
    return getattr(member, grouping) or ""  # put in words when read (services.in_words)


def _week():
    """The Monday of an entry's week, in the database's own words."""
    if is_sqlite():
        return fn.date(Activity.created_at, "weekday 0", "-6 days")
    # A literal, not a parameter: PostgreSQL must see the same expression in GROUP BY.
    return fn.date_trunc(SQL("'week'"), Activity.created_at)


def _weeks_joined():
    """The distinct Mondays of a group's entries, as one text: "2026-06-01,2026-06-08"."""
    if is_sqlite():
        return fn.group_concat(NodeList((SQL("DISTINCT"), _week())))
    monday = fn.to_char(_week(), SQL("'YYYY-MM-DD'"))
    return fn.string_agg(NodeList((SQL("DISTINCT"), monday)), SQL("','"))


def _window(query, filters, cohort_ids=None):
    """Entries in these cohorts (or any), between the filters' dates."""
    if cohort_ids is None:
        query = query.where(Activity.cohort_id.is_null(False))
    else:
        query = query.where(Activity.cohort_id.in_(cohort_ids))
    if filters.start:
        query = query.where(Activity.created_at >= dt.datetime.combine(filters.start, dt.time()))
    if filters.end:
        end = dt.datetime.combine(filters.end + dt.timedelta(days=1), dt.time())
        query = query.where(Activity.created_at < end)
    return query


# The ledger reads both reports share: per person, cohort and kind (or week), by person.


def _tally(who, kinds, filters, cohort_ids):
    """(person, cohort, kind, count) of ledger entries of `kinds`, by `who` (actor or target)."""
    return (
        _window(
            Activity.select(who, Activity.cohort_id, Activity.kind, fn.COUNT(SQL("*"))),
            filters,
            cohort_ids,
        )
        .where(Activity.kind.in_(list(kinds)), who.is_null(False))
        .group_by(who, Activity.cohort_id, Activity.kind)
        .order_by(who)
    )


def _given(filters, cohort_ids=None):
    """(actor, cohort, kind, count) of contributions."""
    return _tally(Activity.actor, GIVEN, filters, cohort_ids)


def _received(filters, cohort_ids=None):
    """(target, cohort, kind, count) of what people received."""
    return _tally(Activity.target, RECEIVED, filters, cohort_ids)


def _active_weeks(filters, cohort_ids=None):
    """(actor, cohort, Mondays) of the weeks each person contributed to each cohort, the
    Mondays as one text (see `weeks_of`): a row per person and cohort, read in the order of
    an index (at M, 12,000 rows instead of 300,000 and a sort)."""
    return (
        _window(
            Activity.select(Activity.actor, Activity.cohort_id, _weeks_joined()),
            filters,
            cohort_ids,
        )
        .where(Activity.kind.in_(list(GIVEN)), Activity.actor.is_null(False))
        .group_by(Activity.actor, Activity.cohort_id)
        .order_by(Activity.actor)
    )


def weeks_of(joined):
    """The Mondays `_active_weeks` joined into one text, as a set of ISO dates."""
    return set(joined.split(","))


def _goals(filters, cohort_ids=None):
    """(cohort, challenge) of each goal reached."""
    return _window(
        Activity.select(Activity.cohort_id, Activity.object_id)
        .where(Activity.kind == "goal_reached")
        .distinct(),
        filters,
        cohort_ids,
    )


def _members(filters):
    """Everyone who took part, those who have left the company too (`Member.left`)."""
    return sources.memberships(
        program_id=filters.program_id,
        cohort_id=filters.cohort_id,
        department=filters.department,
        location=filters.location,
        former=True,
    )


def people(filters):
    """The distinct people the filters match, streamed."""
    return (person_id for person_id, _ in groupby(_members(filters), key=lambda m: m.person_id))


def build(filters, grouping, threshold, progress=kept.ignore_progress):
    """The report: a row per group, then the total. Five queries whatever the data size,
    with `progress(done, 5)` called after each."""
    members = list(_members(filters))
    progress(1, 5)
    group_of = {(m.person_id, m.cohort_id): _group_key(m, grouping) for m in members}
    cohort_ids = sorted({m.cohort_id for m in members})
    people = defaultdict(set)
    cohorts = defaultdict(set)
    left = defaultdict(set)
    for m in members:
        group = group_of[m.person_id, m.cohort_id]
        people[group].add(m.person_id)
        cohorts[group].add(m.cohort_id)
        if m.left:
            left[group].add(m.person_id)
    counts = defaultdict(lambda: defaultdict(int))
    active = defaultdict(set)
    weeks = defaultdict(set)  # group -> {(person, week)}
    goals = set()
    if cohort_ids:
        for actor, cohort_id, kind, count in _given(filters, cohort_ids).tuples():
            group = group_of.get((actor, cohort_id))
            if group is not None:
                counts[group][GIVEN[kind]] += count
                active[group].add(actor)
        progress(2, 5)
        for target, cohort_id, kind, count in _received(filters, cohort_ids).tuples():
            group = group_of.get((target, cohort_id))
            if group is not None:
                counts[group][RECEIVED[kind]] += count
        progress(3, 5)
        for actor, cohort_id, joined in _active_weeks(filters, cohort_ids).tuples():
            group = group_of.get((actor, cohort_id))
            if group is not None:
                weeks[group].update((actor, week) for week in weeks_of(joined))
        progress(4, 5)
        goals = set(_goals(filters, cohort_ids).tuples())
    rows = [
        _row(
            label,
            people[label],
            counts[label],
            active[label],
            weeks[label],
            sum(1 for cohort_id, _ in goals if cohort_id in cohorts[label]),
            left[label],
            threshold,
        )  # fmt: skip
        for label in sorted(people)
    ]
    everyone = set().union(*people.values()) if people else set()
    total = _row(
        ALL,
        everyone,
        _sum(counts.values()),
        set().union(*active.values()) if active else set(),
        {(person, week) for group in weeks.values() for person, week in group},
        len(goals),
        set().union(*left.values()) if left else set(),
        threshold,
    )
    hidden = [row for row in rows if row.suppressed]
    # A total, less the groups shown, would give away a single hidden group, or several
    # that together are still too small.
    if hidden and (len(hidden) == 1 or sum(row.people for row in hidden) < threshold):
        total.suppressed = True
    return Report(grouping, threshold, rows, total)


def _sum(groups):
    total = defaultdict(int)
    for counts in groups:
        for key, value in counts.items():
            total[key] += value
    return total


def _row(label, people, counts, active, weeks, goals, left, threshold):
    size = len(people)
    values = {
        "people": size,
        "active": len(active),
        **{
            key: counts.get(key, 0)
            for key in COLUMNS
            if key in set(GIVEN.values()) | set(RECEIVED.values())
        },
        "active_weeks": round(len(weeks) / size, 1) if size else 0,
        "goals": goals,
        "left": len(left),
    }
    return Row(label, size, {key: values[key] for key in COLUMNS}, suppressed=size < threshold)


# Numbers per person, streamed: memory stays flat however many people there are.


class _Stream:
    """A query's rows, ordered by their first column (a person's id), taken person by person."""

    def __init__(self, query):
        self.rows = stream(query)
        self.head = next(self.rows, None)

    def take(self, person_id):
        found = []
        while self.head is not None and self.head[0] <= person_id:
            if self.head[0] == person_id:
                found.append(self.head[1:])
            self.head = next(self.rows, None)
        return found


def per_person(filters):
    """A Row per person, in the order of people, then the total ("All"): six queries read
    side by side, so a million people take the memory of a thousand. Never suppressed:
    only HR asks, with a stated purpose."""
    with streaming():
        yield from _per_person(filters)


def _per_person(filters):
    given = _Stream(_given(filters))
    received = _Stream(_received(filters))
    weeks = _Stream(_active_weeks(filters))
    goals = defaultdict(int)
    for cohort_id, _ in _goals(filters).tuples():
        goals[cohort_id] += 1
    total = defaultdict(int)
    people = active = week_count = left = 0
    # Only cohorts with goals are remembered for the total: a set of every cohort seen would
    # grow with the company, and the export's memory with it.
    goal_cohorts = set()
    for person_id, memberships in groupby(_members(filters), key=lambda m: m.person_id):
        memberships = list(memberships)
        cohorts = {m.cohort_id for m in memberships}
        goal_cohorts |= {c for c in cohorts if c in goals}
        counts = defaultdict(int)
        for cohort_id, kind, number in given.take(person_id):
            if cohort_id in cohorts:
                counts[GIVEN[kind]] += number
        took_part = bool(counts)
        for cohort_id, kind, number in received.take(person_id):
            if cohort_id in cohorts:
                counts[RECEIVED[kind]] += number
        own_weeks = len(
            set().union(*(weeks_of(w) for c, w in weeks.take(person_id) if c in cohorts))
        )
        for key, number in counts.items():
            total[key] += number
        people += 1
        active += took_part
        week_count += own_weeks
        first = memberships[0]
        left += first.left
        yield _person_row(f"{first.name} (#{person_id})", took_part, counts, own_weeks,
                          sum(goals.get(c, 0) for c in cohorts), first.left)  # fmt: skip
    row = _person_row(ALL, active, total, round(week_count / people, 1) if people else 0,
                      sum(goals[c] for c in goal_cohorts), left)  # fmt: skip
    row.values["people"] = row.people = people
    yield row


def _person_row(label, active, counts, active_weeks, goals, left):
    values = {key: counts.get(key, 0) for key in COLUMNS}
    values.update(people=1, active=int(active), active_weeks=active_weeks, goals=goals,
                  left=int(left))  # fmt: skip
    return Row(label, 1, values)
