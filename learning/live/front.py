"""The events service: the app's pages, and `/events` streams held cheaply.

A sync worker holds one thread per open stream, so a thousand idle tabs would take a thousand
threads. Here an asyncio server (uvicorn) holds them: `/events` first goes to the app like
any page, which checks the session and what the page may listen to (`live.views`), and
answers with the streams to read; this service then keeps the connection, fed by one Redis
reader per process (`Hub`) shared by every stream, never one Redis connection per browser.
Every other path is the app itself, run in a thread pool (a2wsgi)."""

import asyncio
import json
import logging
import time
import uuid
from collections import defaultdict

import redis
import redis.asyncio as aioredis
from a2wsgi import WSGIMiddleware
from starlette.responses import StreamingResponse

from learning.live import events

log = logging.getLogger(__name__)

HEARTBEAT = 25  # seconds: proxies close connections that say nothing for longer
REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)
STREAM_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
# What the page hears first: "live-refresh", fetch what changed since it was drawn (or since
# the events it missed, no longer kept); or "live-ready", what it missed follows.
FIRST = "id: {id}\nevent: {event}\ndata: {{}}\n\n"
UNAVAILABLE = events.unavailable(30_000)


def front(app, threads=16):
    """An ASGI application serving `app` (a Flask app) and its event streams."""
    pages = WSGIMiddleware(app, workers=threads)
    hub = Hub(app.config["REDIS_URL"])

    async def serve(scope, receive, send):
        if scope["type"] == "lifespan":
            await _lifespan(receive, send, hub)
        elif scope["type"] == "http" and scope["path"] == "/events":
            await _events(scope, receive, send, pages, hub)
        else:
            await pages(scope, receive, send)

    return serve


async def _lifespan(receive, send, hub):
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await hub.close()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _events(scope, receive, send, pages, hub):
    """Ask the app who this is and what they may hear; stream it if it hands over, else
    pass its answer on (a sign-in redirect, a 404)."""
    handed = {}

    async def send_unless_handed(message):
        if message["type"] == "http.response.start":
            headers = {k.decode().lower(): v.decode() for k, v in message["headers"]}
            if message["status"] == 200 and events.STREAMS.lower() in headers:
                handed.update(headers)
        if not handed:
            await send(message)

    await pages(scope, receive, send_unless_handed)
    if not handed:
        return
    listener = Listener(
        handed[events.STREAMS.lower()].split(),
        handed.get(events.SESSION.lower(), ""),
        float(handed.get(events.UNTIL.lower(), 0)),
    )
    last_event_id = dict(scope["headers"]).get(b"last-event-id", b"").decode()
    try:
        first = await hub.subscribe(listener, last_event_id)
    except REDIS_DOWN as error:
        log.warning("Redis unavailable; pages poll instead of listening: %s", error)
        response = StreamingResponse(
            iter([UNAVAILABLE]), 503, STREAM_HEADERS, media_type="text/event-stream"
        )
        await response(scope, receive, send)
        return
    response = StreamingResponse(
        _stream(listener, first), 200, STREAM_HEADERS, media_type="text/event-stream"
    )
    # Until the browser leaves: a stream would otherwise learn it only when it next writes.
    streaming = asyncio.create_task(response(scope, receive, send))
    leaving = asyncio.create_task(_left(receive))
    stopping = False
    try:
        await asyncio.wait({streaming, leaving}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        stopping = True  # the server stops and its graceful timeout ran out
    finally:
        for task in (streaming, leaving):
            task.cancel()
        await asyncio.gather(streaming, leaving, return_exceptions=True)
        hub.unsubscribe(listener)
    if stopping:  # end the response as a finished one: the browser connects again, elsewhere
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _left(receive):
    while (await receive())["type"] != "http.disconnect":
        pass


async def _stream(listener, first):
    for message in first:
        yield message
    while True:
        left = listener.until - time.time()
        if left <= 0:
            return  # the session ends: the browser's next attempt is asked to sign in
        try:
            item = await asyncio.wait_for(listener.queue.get(), min(HEARTBEAT, left))
        except TimeoutError:
            yield ": still here\n\n"
            continue
        if item is None:
            return  # Redis went away: the page polls until it reconnects
        message = listener.accept(*item)
        if message is Listener.CLOSE:
            return
        if message:
            yield message


def _position(entry_id):
    milliseconds, _, sequence = entry_id.partition("-")
    return int(milliseconds), int(sequence or 0)


class Listener:
    """One open page: the streams it hears, how far it has read each, its session."""

    CLOSE = object()

    def __init__(self, keys, session, until):
        self.keys = keys
        self.session = session
        self.until = until
        self.positions = {}
        self.queue = asyncio.Queue()

    def last_event_id(self):
        """Where it stands in each of its streams, as one id: the browser sends it back
        when it reconnects (`Last-Event-ID`)."""
        return "_".join(self.positions[key] for key in self.keys)

    def given(self, last_event_id):
        """The positions a reconnecting browser sent, or None for a new page."""
        parts = last_event_id.split("_") if last_event_id else []
        if len(parts) != len(self.keys):
            return None
        try:
            [_position(part) for part in parts]
        except ValueError:
            return None
        return dict(zip(self.keys, parts, strict=True))

    def accept(self, key, entry_id, fields):
        """The event as the browser reads it; None if already sent, CLOSE if the session
        it belongs to ended."""
        if _position(entry_id) <= _position(self.positions[key]):
            return None
        self.positions[key] = entry_id
        event, data = fields["event"], fields["data"]
        if event == events.CLOSE:
            ended = json.loads(data).get("session")
            return self.CLOSE if ended in ("*", self.session) else None
        return f"id: {self.last_event_id()}\nevent: {event}\ndata: {data}\n\n"


class Hub:
    """One Redis reader per process for every open stream: it waits on all their streams in
    one blocking read and hands each entry to the streams' listeners."""

    def __init__(self, url):
        self.url = url
        self.client = None  # for the listeners' first reads
        self.listeners = defaultdict(set)  # stream -> listeners
        self.positions = {}  # stream -> the last entry read
        # Written to when a new stream is to be read, to end the blocking read at once.
        self.wake = f"live:wake:{uuid.uuid4().hex}"
        self.reader = None

    async def subscribe(self, listener, last_event_id):
        """Start hearing the listener's streams; returns the messages it must hear first:
        what it missed, or a refresh when that is no longer kept."""
        if self.client is None:
            self.client = aioredis.from_url(
                self.url, decode_responses=True, socket_connect_timeout=1, socket_timeout=5
            )
        given = listener.given(last_event_id)
        async with self.client.pipeline(transaction=False) as pipe:
            for key in listener.keys:
                pipe.xinfo_stream(key)
            infos = await pipe.execute(raise_on_error=False)
        for info in infos:
            if isinstance(info, Exception) and not _missing(info):
                raise info
        replay, refresh = [], given is None
        for key, info in zip(listener.keys, infos, strict=True):
            now = "0-0" if isinstance(info, Exception) else info["last-generated-id"]
            if given is not None and _kept_since(info, given[key], now):
                listener.positions[key] = given[key]
                replay.append(key)
            else:
                listener.positions[key] = now
                refresh = True
        self._listen(listener)
        event = "live-refresh" if refresh else "live-ready"
        first = [FIRST.format(id=listener.last_event_id(), event=event)]
        try:
            for key in replay:
                since = listener.positions[key]
                for entry_id, fields in await self.client.xrange(key, f"({since}", "+"):
                    message = listener.accept(key, entry_id, fields)
                    # A stream closed while it was away: the app has just checked it again.
                    if message and message is not Listener.CLOSE:
                        first.append(message)
        except BaseException:
            self.unsubscribe(listener)
            raise
        return first

    def _listen(self, listener):
        new = False
        for key in listener.keys:
            if key not in self.positions:
                self.positions[key] = listener.positions[key]
                new = True
            self.listeners[key].add(listener)
        if self.reader is None:
            self.reader = asyncio.create_task(self._read())
        elif new:
            asyncio.create_task(self._wake_up())

    async def _wake_up(self):
        try:
            await self.client.xadd(self.wake, {"new": "1"}, maxlen=1)
            await self.client.expire(self.wake, events.KEPT_SECONDS)
        except REDIS_DOWN:
            pass  # the blocking read fails too, and ends every stream

    def unsubscribe(self, listener):
        for key in listener.keys:
            listening = self.listeners.get(key)
            if listening is not None:
                listening.discard(listener)
                if not listening:
                    del self.listeners[key]
                    self.positions.pop(key, None)

    async def _read(self):
        reader = aioredis.from_url(
            self.url, decode_responses=True, socket_connect_timeout=1, socket_timeout=None
        )
        woken = "$"
        try:
            while self.listeners:
                streams = {self.wake: woken, **self.positions}
                found = await reader.xread(streams, block=HEARTBEAT * 1000)
                for key, entries in found:
                    for entry_id, fields in entries:
                        if key == self.wake:
                            woken = entry_id
                            continue
                        if key in self.positions:
                            self.positions[key] = entry_id
                        for listener in self.listeners.get(key, ()):
                            listener.queue.put_nowait((key, entry_id, fields))
            # Nobody listens: the next listener starts a new reader (no wait in between, so
            # none can slip in and count on this one).
            self.reader = None
        except Exception as error:  # Redis down, mostly: every stream ends and pages poll
            self.reader = None
            log.warning("The live events' reader stopped; open streams end: %s", error)
            for listener in {one for group in self.listeners.values() for one in group}:
                listener.queue.put_nowait(None)
            self.listeners.clear()
            self.positions.clear()
        finally:
            await reader.aclose()

    async def close(self):
        if self.reader is not None:
            self.reader.cancel()
            await asyncio.gather(self.reader, return_exceptions=True)
        if self.client is not None:
            await self.client.aclose()


def _missing(error):
    return isinstance(error, redis.exceptions.ResponseError) and "no such key" in str(error)


def _kept_since(info, given, now):
    """Whether every entry after `given` is still in the stream: none trimmed (the cap) and
    the stream not gone (a day without entries)."""
    if isinstance(info, Exception):  # gone, or never written to
        return given == "0-0"
    if _position(given) > _position(now):
        return False  # a position this stream never had
    trimmed = info["entries-added"] > info["length"]
    return not trimmed or _position(given) >= _position(info["recorded-first-entry-id"])
