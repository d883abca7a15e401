"""What a page may listen to: the person's own events, and those of the place it shows,
if they may see it. Domains register their places (`register_place`) when the app is built;
learning never imports a domain."""

from flask import Response, current_app

from learning.errors import NotFound
from learning.live import events
from learning.people import sessions

PLACES = "learning.live.places"


def register_place(app, name, may_listen):
    """`may_listen(person, id)`: whether `person` may hear the events of place `name` with
    that id (`/events?<name>=<id>`), such as a cohort's for its members."""
    app.extensions.setdefault(PLACES, {})[name] = may_listen


def streams_for(person, asked):
    """The streams a page asking for `asked` (its query's arguments) hears: the person's,
    and each place's it names. NotFound for a place they may not see, as its page would."""
    streams = [events.person_key(person.id)]
    for name, may_listen in current_app.extensions.get(PLACES, {}).items():
        place_id = asked.get(name, type=int)
        if place_id is None:
            continue
        if not may_listen(person, place_id):
            raise NotFound
        streams.append(events.place_key(name, place_id))
    return streams


def handover(streams):
    """The answer the events service (`live.front`) takes over: the streams to read and when
    the session ends. Reached without that service, it says live events are off, and the
    page polls."""
    return Response(
        events.unavailable(60_000),
        mimetype="text/event-stream",
        headers={
            events.STREAMS: " ".join(streams),
            events.UNTIL: str(sessions.ends_at()),
            events.SESSION: sessions.digest(),
            "Cache-Control": "no-store",
        },
    )
