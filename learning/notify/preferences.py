"""Who wants which notices on which channel, and when an email may reach them."""

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from learning.db import atomic
from learning.errors import NotFound
from learning.notify import queries
from learning.notify.models import CHANNELS, CONNECTED, EMAIL_ONLY, KINDS, MutedChannel
from learning.people.models import Person

UTC = dt.UTC


def choices():
    """Every (kind, channel) a person can turn on or off."""
    return [
        (kind, channel)
        for kind in KINDS
        for channel in CHANNELS
        if not (kind in EMAIL_ONLY and channel != "email")
    ]


def muted(person):
    """The (kind, channel) pairs the person turned off."""
    return set(
        MutedChannel.select(MutedChannel.kind, MutedChannel.channel)
        .where(MutedChannel.person == person)
        .tuples()
    )


def muted_channels(person, kind):
    """The channels on which the person turned `kind` off (read inside writes that notify)."""
    return reach(person, kind)[0]


def reach(person, kind):
    """(the channels on which the person turned `kind` off, whether they have a chat account)."""
    found = {channel for (channel,) in queries.muted_channels(person, kind)}
    return found - {CONNECTED}, CONNECTED in found


def save_channels(person, wanted):
    """Keep on exactly the (kind, channel) pairs in `wanted`."""
    off = [pair for pair in choices() if pair not in set(wanted)]
    with atomic():
        MutedChannel.delete().where(MutedChannel.person == person).execute()
        if off:
            MutedChannel.insert_many(
                [{"person": person, "kind": k, "channel": c} for k, c in off]
            ).execute()


def mute(person_id, kind, channel="email"):
    """Turn one kind off on one channel (what an unsubscribe link does)."""
    MutedChannel.insert(person=person_id, kind=kind, channel=channel).on_conflict_ignore().execute()


def unmute(person_id, kind, channel="email"):
    MutedChannel.delete().where(
        MutedChannel.person == person_id, MutedChannel.kind == kind, MutedChannel.channel == channel
    ).execute()


# Unsubscribe links: signed, so they work without signing in, and never expire.


def _signer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="unsubscribe")


def unsubscribe_token(person_id, kind):
    return _signer().dumps([person_id, kind])


def unsubscribing(token):
    """(person, kind) of a signed unsubscribe link; NotFound for a link that is not ours or
    a person who is gone."""
    found = read_unsubscribe_token(token)
    person = found and Person.get_or_none(Person.id == found[0])
    if person is None:
        raise NotFound
    return person, found[1]


def read_unsubscribe_token(token):
    """(person id, kind), or None for a link that was not ours."""
    try:
        person_id, kind = _signer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    return (person_id, kind) if kind in KINDS else None


# Quiet hours and working days


def zone(name):
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def utc_from_local(moment, time_zone):
    """A naive time as read on a clock in `time_zone` (a form's), as naive UTC; None stays."""
    if moment is None:
        return None
    return moment.replace(tzinfo=zone(time_zone)).astimezone(UTC).replace(tzinfo=None)


def is_quiet(hour, quiet_from, quiet_until):
    """Whether a local hour falls in quiet hours; they may span midnight (20 to 8)."""
    if quiet_from == quiet_until:
        return False
    if quiet_from < quiet_until:
        return quiet_from <= hour < quiet_until
    return hour >= quiet_from or hour < quiet_until


def next_send_time(now, time_zone, quiet_from, quiet_until, working_days):
    """The first moment at or after `now` (naive UTC) outside quiet hours on a working day,
    in the person's time zone, as naive UTC. Daylight-saving changes are the zone's."""
    tz = zone(time_zone)
    days = {int(d) for d in working_days} or set(range(7))
    utc_now = now.replace(tzinfo=UTC)

    def allowed(moment):
        local = moment.astimezone(tz)
        return local.weekday() in days and not is_quiet(local.hour, quiet_from, quiet_until)

    if allowed(utc_now):
        return now
    # Quiet time ends at `quiet_until` on some day; with no quiet hours a day starts at 0:00.
    start = quiet_until if quiet_from != quiet_until else 0
    today = utc_now.astimezone(tz).date()
    for ahead in range(9):
        local = dt.datetime.combine(today + dt.timedelta(days=ahead), dt.time(start), tz)
        # Round-trip through UTC, so an hour skipped by a clock change becomes a real one.
        candidate = local.astimezone(UTC)
        if candidate > utc_now and allowed(candidate):
            return candidate.replace(tzinfo=None)
    return now
