"""Telling open pages what changed: small named events carrying ids only, never content.

A write calls `publish` inside its transaction; the event reaches Redis once the write
commits (never before), in a stream per cohort and per person, capped at `CAP` entries so a
browser that reconnects gets what it missed. Redis down loses the event, never the write:
the pages poll as they did before there were events."""

import json
import logging

import redis
from flask import g

from learning.db import db
from learning.jobs.services import redis_answered, redis_connection, redis_resting

log = logging.getLogger(__name__)

CAP = 1000
# A stream nobody wrote to for this long goes; a browser asking for it is told to refresh.
KEPT_SECONDS = 24 * 3600

# What a page listens for (`hx-trigger="… from:body"`).
FEED_CHANGED = "feed-changed"
REPLY_ADDED = "reply-added"
PROGRESS_CHANGED = "progress-changed"
NOTICES_CHANGED = "notices-changed"
POLL_CHANGED = "poll-changed"
# Not for pages: the events service closes the person's streams, those of one session
# (`session`: its digest) or all ("*"). A browser that was only moved reconnects, and is
# asked again what it may hear.
CLOSE = "close-stream"


# How the app hands a stream over to the events service (live.front): response headers.
STREAMS, UNTIL, SESSION = "X-Live-Streams", "X-Live-Until", "X-Live-Session"


def unavailable(retry_ms):
    """The message that says live events are off: the page polls, and asks again later."""
    return f"retry: {retry_ms}\nevent: live-unavailable\ndata: {{}}\n\n"


def place_key(place, place_id):
    return f"live:{place}:{place_id}"


def cohort_key(cohort_id):
    return place_key("cohort", cohort_id)


def person_key(person_id):
    return place_key("person", person_id)


def close_streams(person_id, session="*"):
    """End the person's open streams (a session ended, or what they may see changed)."""
    publish(CLOSE, person_id=person_id, session=session)


def publish(event, *, cohort_id=None, person_id=None, **ids):
    """Send `event` with `ids` to the pages of a cohort or of a person once the current
    transaction commits (at once outside one). Sent once however often a write asks."""
    key = cohort_key(cohort_id) if cohort_id is not None else person_key(person_id)
    if "live_waiting" not in g:
        g.live_waiting = []
    entry = (key, event, json.dumps(ids, sort_keys=True))
    if entry not in g.live_waiting:
        g.live_waiting.append(entry)
    # Each call asks: the first commit sends them all, and the others find nothing left.
    db.after_commit(_send)


def _send():
    entries, g.live_waiting = g.get("live_waiting", []), []
    if not entries:
        return
    if redis_resting():
        return
    try:
        with redis_connection().pipeline(transaction=False) as pipe:
            for key, event, data in entries:
                pipe.xadd(key, {"event": event, "data": data}, maxlen=CAP, approximate=True)
                pipe.expire(key, KEPT_SECONDS)
            pipe.execute()
        redis_answered()
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as error:
        redis_answered(error)
        log.warning("Redis unavailable; pages will see this change when they next poll: %s", error)
