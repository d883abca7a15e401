"""Weeks in each person's time zone, and streaks that forgive: weekly, paused by away weeks,
and never broken by a week that is not over yet."""

import datetime
from zoneinfo import ZoneInfo

from challenges.models import AwayWeek, CheckIn
from learning.db import utcnow

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
    for _ in range(HORIZON):
        if week in active:
            count += 1
        elif week not in away:
            break
        week -= WEEK
    return count


def person_streak(person, now=None):
    """Weeks in a row with at least one check-in of any kind, in any challenge."""
    this_week = week_of(local_date(person, now))
    since = this_week - HORIZON * WEEK
    active = {
        week
        for (week,) in CheckIn.select(CheckIn.week)
        .where(CheckIn.person == person, CheckIn.week >= since)
        .distinct()
        .tuples()
    }
    return streak(this_week, active, away_weeks(person, since))


def cohort_streak(member_ids, cohort, now=None):
    """Weeks in a row in which most members who were not away checked in. A week in which
    everyone was away pauses the streak."""
    this_week = week_of((now or utcnow()).date())
    since = this_week - HORIZON * WEEK
    checked = {}
    for week, person_id in (
        CheckIn.select(CheckIn.week, CheckIn.person)
        .where(CheckIn.cohort == cohort, CheckIn.week >= since, CheckIn.person.in_(member_ids))
        .distinct()
        .tuples()
    ):
        checked.setdefault(week, set()).add(person_id)
    absent = {}
    for week, person_id in (
        AwayWeek.select(AwayWeek.week, AwayWeek.person)
        .where(AwayWeek.person.in_(member_ids), AwayWeek.week >= since)
        .tuples()
    ):
        absent.setdefault(week, set()).add(person_id)
    active, paused = set(), set()
    for week in set(checked) | set(absent):
        present = len(member_ids) - len(absent.get(week, set()) - checked.get(week, set()))
        if present == 0:
            paused.add(week)
        elif 2 * len(checked.get(week, ())) > present:
            active.add(week)
    return streak(this_week, active, paused)


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
        raise ValueError("Choose one of the weeks listed.")
    if away:
        AwayWeek.insert(person=person, week=week).on_conflict_ignore().execute()
    else:
        AwayWeek.delete().where(AwayWeek.person == person, AwayWeek.week == week).execute()
