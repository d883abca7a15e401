"""Weeks in each person's time zone, and streaks that forgive: weekly, paused by away weeks,
and never broken by a week that is not over yet."""

import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from challenges import queries
from challenges.models import AwayWeek
from learning.db import utcnow
from learning.errors import Refused

WEEK = datetime.timedelta(days=7)
HORIZON = 104  # weeks a streak looks back
AWAY_BACK, AWAY_AHEAD = 2, 12  # weeks one can mark as away, before and after this one


def local_date(person, now=None):
    """The person's calendar date at `now` (naive UTC), in their own time zone."""
    moment = (now or utcnow()).replace(tzinfo=datetime.UTC)
    try:
        zone = ZoneInfo(person.time_zone)
    except (KeyError, ValueError):
        zone = datetime.UTC
    return moment.astimezone(zone).date()


def week_of(day):
    """The Monday of the week `day` falls in."""
    return day - datetime.timedelta(days=day.weekday())


def streak(this_week, active, away):
    """Consecutive `active` weeks back from `this_week`. This week counts once it is active
    but cannot break the streak before it is over; weeks in `away` pause it."""
    count, week = 0, this_week
    if week not in active:
        week -= WEEK
    for _week in range(HORIZON):
        if week in active:
            count += 1
        elif week not in away:
            break
        week -= WEEK
    return count


def person_streak(person, now=None):
    """Weeks in a row with at least one check-in of any kind, in any challenge."""
    return streaks(person, None, (), now).own


def cohort_streak(member_ids, cohort, now=None):
    """Weeks in a row in which most members who were not away checked in. A week in which
    everyone was away pauses the streak."""
    return streaks(None, cohort, member_ids, now).together


class Streaks(NamedTuple):
    own: int  # the person's streak
    together: int  # the cohort's
    # The person's check-ins in the cohort, counted: (challenge, step, status, week, count).
    check_ins: list


def streaks(person, cohort, member_ids, now=None):
    """`person`'s streak, `cohort`'s streak over `member_ids`, and the person's check-ins in
    the cohort, in one query; leave the person or the cohort out with None."""
    own_week = week_of(local_date(person, now)) if person is not None else None
    cohort_week = week_of((now or utcnow()).date())
    since = min(filter(None, (own_week, cohort_week))) - HORIZON * WEEK
    mine, checked, away, check_ins = set(), {}, {}, []
    here = getattr(cohort, "id", None)
    for source, week, person_id, challenge_id, cohort_id, step_id, status, count in queries.weeks(
        person, cohort, sorted(member_ids), since
    ):
        if source == "mine":
            mine.add(week)
            if cohort_id == here:
                check_ins.append((challenge_id, step_id, status, week, count))
        elif source == "cohort":
            checked[week] = count  # how many members checked in
        else:
            away.setdefault(week, {})[person_id] = bool(count)  # whether they checked in
    own = 0
    if person is not None:
        own = streak(own_week, mine, {w for w, who in away.items() if person.id in who})
    together = 0
    if cohort is not None:
        members, active, paused = set(member_ids), set(), set()
        for week in set(checked) | set(away):
            gone = sum(1 for i, did in away.get(week, {}).items() if i in members and not did)
            present = len(members) - gone
            if present == 0:
                paused.add(week)
            elif 2 * checked.get(week, 0) > present:
                active.add(week)
        together = streak(cohort_week, active, paused)
    return Streaks(own, together, check_ins)


def away_weeks(person, since):
    return {
        week
        for (week,) in AwayWeek.select(AwayWeek.week)
        .where(AwayWeek.person == person, AwayWeek.week >= since)
        .tuples()
    }


def away_choices(person, now=None):
    """The weeks a person may mark as away: a couple back (forgot to say), a few months on."""
    this_week = week_of(local_date(person, now))
    return [this_week + n * WEEK for n in range(-AWAY_BACK, AWAY_AHEAD + 1)]


def set_away(person, week, away=True, now=None):
    """Mark `week` as away, or not; marking twice is harmless."""
    if week not in away_choices(person, now):
        raise Refused(_("Choose one of the weeks listed."))
    if away:
        AwayWeek.insert(person=person, week=week).on_conflict_ignore().execute()
    else:
        AwayWeek.delete().where(AwayWeek.person == person, AwayWeek.week == week).execute()
