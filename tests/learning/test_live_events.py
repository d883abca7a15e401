"""Live events over a real server (uvicorn with the events service), real Redis, raw streams
read as a browser reads them: who hears what, resuming after a dropped connection, sessions
that end, Redis down."""

import contextlib
import http.client
import json
import queue
import socket
import threading
from urllib.parse import urlsplit

import pytest
import redis
import requests

from cohorts import services as cohorts
from feedback import services as feedback
from learning.db import connection
from learning.live import events
from tests.conftest import Served, free_port


class Stream:
    """`/events` opened with a person's session cookie, its messages read in a thread."""

    def __init__(self, url, cookie, path="/events", last_event_id=None):
        headers = {"Accept": "text/event-stream", "Cookie": f"session={cookie}"}
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        self.connection = http.client.HTTPConnection(urlsplit(url).netloc, timeout=60)
        self.connection.request("GET", path, headers=headers)
        self.response = self.connection.getresponse()
        self.status = self.response.status
        self.messages = queue.Queue()
        if self.status == 200:
            threading.Thread(target=self._read, daemon=True).start()
        else:
            self.text = self.response.read().decode()

    def _read(self):
        message = {}
        try:
            for raw in iter(self.response.readline, b""):
                line = raw.decode().rstrip("\n")
                if not line:
                    if message:
                        self.messages.put(message)
                    message = {}
                elif not line.startswith(":"):
                    field, _, value = line.partition(": ")
                    message[field] = value
        except (OSError, ValueError, AttributeError, http.client.HTTPException):
            pass  # closed by `close()`
        self.messages.put(None)  # the stream ended

    def next(self, timeout=2):
        return self.messages.get(timeout=timeout)

    def heard(self, seconds=1.0):
        """Every message within `seconds` (None when the stream ended)."""
        found = []
        try:
            while True:
                found.append(self.messages.get(timeout=seconds))
        except queue.Empty:
            return found

    def close(self):
        """As a browser leaving the page: the connection goes at once."""
        if self.connection.sock is not None:
            with contextlib.suppress(OSError):
                self.connection.sock.shutdown(socket.SHUT_RDWR)
        self.connection.close()


def cookie_of(client):
    return client.get_cookie("session").value


@pytest.fixture
def streams():
    opened = []

    def open_stream(*args, **kwargs):
        stream = Stream(*args, **kwargs)
        opened.append(stream)
        return stream

    yield open_stream
    for stream in opened:
        stream.close()


def test_members_hear_a_reply_and_an_outsider_hears_nothing_of_it(
    app, served, cohort, team, make_person, sign_in, streams
):
    member = streams(served.url, cookie_of(sign_in(team[1])), f"/events?cohort={cohort.id}")
    outsider_client = sign_in(make_person())
    outsider = streams(served.url, cookie_of(outsider_client), "/events")
    first = member.next()
    assert first["event"] == "live-refresh" and first["id"]
    assert outsider.next()["event"] == "live-refresh"
    # Asking for a cohort they are not in is answered as its page would be.
    assert streams(served.url, cookie_of(outsider_client), f"/events?cohort={cohort.id}") \
        .status == 404  # fmt: skip
    with app.app_context(), connection():
        thread = feedback.start_thread(cohort, team[0], "question", "Where to start?", "Ideas?")
        feedback.reply(thread, team[2], body="With the user.")
    heard = member.heard()
    assert {m["event"] for m in heard} >= {"feed-changed", "reply-added"}
    reply = next(m for m in heard if m["event"] == "reply-added")
    assert json.loads(reply["data"]) == {"thread": thread.id}  # ids only, never content
    assert "With the user" not in str(heard)
    assert outsider.heard(seconds=1.5) == []


def test_a_person_hears_their_own_notices_and_nobody_elses(
    app, served, cohort, team, sign_in, streams
):
    receiver = streams(served.url, cookie_of(sign_in(team[1])), "/events")
    other = streams(served.url, cookie_of(sign_in(team[3])), "/events")
    receiver.next(), other.next()
    with app.app_context(), connection():
        thread = feedback.start_thread(cohort, team[1], "question", "Stuck on step 2", "Help?")
        feedback.reply(thread, team[2], body="Try this.")
    assert "notices-changed" in {m["event"] for m in receiver.heard()}
    assert "notices-changed" not in {m["event"] for m in other.heard(seconds=0.5)}


@pytest.fixture
def heard_one(app, served, cohort, team, sign_in, streams):
    """team[1] listens to the cohort and hears team[0] start a thread: (the session cookie,
    the stream's path, the stream, the thread, the event heard)."""
    cookie = cookie_of(sign_in(team[1]))
    path = f"/events?cohort={cohort.id}"
    stream = streams(served.url, cookie, path)
    stream.next()
    with app.app_context(), connection():
        thread = feedback.start_thread(cohort, team[0], "question", "First", "Body")
    [before] = stream.heard()
    return cookie, path, stream, thread, before


def test_a_dropped_connection_resumes_and_hears_what_it_missed_once(
    app, served, team, streams, heard_one, caplog
):
    cookie, path, stream, thread, before = heard_one
    assert before["event"] == "feed-changed"
    # The server restarts; meanwhile someone replies. The open stream ends as a finished
    # response, not with an error in the server's log.
    served.stop()
    assert stream.heard() == [None]
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []
    with app.app_context(), connection():
        feedback.reply(thread, team[2], body="Missed while away")
    again = Served(app, served.port)
    try:
        resumed = streams(again.url, cookie, path, last_event_id=before["id"])
        heard = resumed.heard()
        assert heard[0]["event"] == "live-ready"
        assert sorted(m["event"] for m in heard[1:]) == ["feed-changed", "reply-added"]
        with app.app_context(), connection():
            feedback.reply(thread, team[3], body="And one more")
        # What follows comes once, after what was missed.
        assert sorted(m["event"] for m in resumed.heard()) == ["feed-changed", "reply-added"]
    finally:
        again.stop()


def test_a_browser_away_longer_than_what_is_kept_is_told_to_refresh(
    app, served, cohort, team, streams, heard_one
):
    cookie, path, stream, _, before = heard_one
    stream.close()
    with app.app_context(), connection():
        feedback.start_thread(cohort, team[0], "question", "Second", "Body")
        feedback.start_thread(cohort, team[0], "question", "Third", "Body")
    # Only the newest entry is kept: the one after what the browser saw is gone.
    redis.Redis.from_url(app.config["REDIS_URL"]).xtrim(
        events.cohort_key(cohort.id), maxlen=1, approximate=False
    )
    heard = streams(served.url, cookie, path, last_event_id=before["id"]).heard()
    assert [m["event"] for m in heard] == ["live-refresh"]


def test_a_stream_ends_with_its_session_and_when_its_person_leaves_the_cohort(
    app, served, cohort, team, sign_in, streams
):
    client = sign_in(team[1])
    stream = streams(served.url, cookie_of(client), f"/events?cohort={cohort.id}")
    stream.next()
    client.post("/sign-out")
    assert stream.heard()[-1] is None
    # Signed out, the same cookie opens nothing.
    assert streams(served.url, cookie_of(client), "/events").status == 302
    other = sign_in(team[2])
    stream = streams(served.url, cookie_of(other), f"/events?cohort={cohort.id}")
    stream.next()
    with app.app_context(), connection():
        cohorts.leave(team[2], cohort)
    assert stream.heard()[-1] is None
    assert streams(served.url, cookie_of(other), f"/events?cohort={cohort.id}") \
        .status == 404  # fmt: skip


def test_with_redis_down_the_stream_says_so_and_pages_still_work(
    app, cohort, team, sign_in, streams
):
    client = sign_in(team[1])
    # Nothing listens where Redis was.
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}"
    app.extensions.pop("redis", None)
    server = Served(app)
    try:
        stream = streams(server.url, cookie_of(client), f"/events?cohort={cohort.id}")
        assert stream.status == 503
        assert "event: live-unavailable" in stream.text
        # Writing still works, and the page shows it (its parts poll).
        posted = client.post(f"/cohorts/{cohort.id}/threads/new", data={
            "kind": "question", "title": "Anyone around?", "body": "Redis is down."})  # fmt: skip
        assert posted.status_code == 303
        cookies = {"session": cookie_of(client)}
        page = requests.get(f"{server.url}/cohorts/{cohort.id}", cookies=cookies, timeout=10)
        assert page.ok and "Anyone around?" in page.text
    finally:
        server.stop()


def test_without_the_events_service_the_app_says_live_events_are_off(
    cohort, team, make_person, sign_in
):
    # Under gunicorn alone, `/events` answers at once: the page keeps polling.
    answer = sign_in(team[1]).get(f"/events?cohort={cohort.id}")
    assert answer.status_code == 200 and answer.mimetype == "text/event-stream"
    assert "event: live-unavailable" in answer.text and "retry: 60000" in answer.text
    assert sign_in(make_person()).get(f"/events?cohort={cohort.id}").status_code == 404
