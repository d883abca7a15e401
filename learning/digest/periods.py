"""When a person's digest is due: their hour, in their time zone, on their days.

Pure functions of the clock, so the dispatcher can ask "who is due now?" at any moment and a
run it missed is caught up by the next one."""

import datetime as dt

from learning.notify.preferences import UTC, zone

# How far back the latest due moment is looked for: a week covers both frequencies.
LOOKBACK_DAYS = 8


def latest_slot(now, time_zone, frequency, weekday, hour, working_days):
    """(period, moment): the latest moment at or before `now` (naive UTC) when the digest
    was due, as naive UTC, and the period it belongs to: "d<local date>" for daily digests,
    on working days; "w<ISO year>-W<week>" for weekly ones, on `weekday`, or the first
    working day after it when it is a day off. None if none."""
    tz = zone(time_zone)
    utc_now = now.replace(tzinfo=UTC)
    today = utc_now.astimezone(tz).date()
    days = {int(d) for d in working_days} or set(range(7))
    weekday = next(d % 7 for d in range(weekday, weekday + 7) if d % 7 in days)
    for back in range(LOOKBACK_DAYS):
        day = today - dt.timedelta(days=back)
        if frequency == "daily":
            if day.weekday() not in days:
                continue
            period = f"d{day.isoformat()}"
        else:
            if day.weekday() != weekday:
                continue
            year, week, _ = day.isocalendar()
            period = f"w{year}-W{week:02d}"
        # Through UTC and back: an hour a clock change skips becomes the real hour after it.
        moment = dt.datetime.combine(day, dt.time(hour), tz).astimezone(UTC)
        if moment <= utc_now:
            return period, moment.replace(tzinfo=None)
    return None


def next_slot(now, time_zone, frequency, weekday, hour, working_days, had=()):
    """The next moment after `now` when the digest is due (naive UTC), for the preview; a
    moment of a period in `had` (the person had its digest) is passed over."""
    later = now
    for _ in range(2 * LOOKBACK_DAYS * 24):
        later += dt.timedelta(hours=1)
        found = latest_slot(later, time_zone, frequency, weekday, hour, working_days)
        if found and found[1] > now and found[0] not in had:
            return found[1]
    return None


def period_length(frequency):
    return dt.timedelta(days=1 if frequency == "daily" else 7)
