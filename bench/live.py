"""Live events under load. The events service (`uvicorn app:served`, one process) beside the
gunicorn of `bench/load.py`: N browsers hold `/events` open, half of them the member's on
their cohort, half other people's on their own cohorts (so the process's one reader follows
hundreds of streams), while wrk loads the cohort space and the long thread; the pages' p95 is
compared with runs before the streams open and after they close. Also: the events service's
CPU while the N streams are idle; the time from a reply's commit (its event's Redis id,
written right after the commit, on this machine's clock) to its arrival at every browser on
the reply's cohort; and, the streams closed, what polling costs instead for as many open
cohort spaces: each asks what the page's own poll timers ask (read from the page), for real,
against the same gunicorn, whose requests/s and CPU are measured."""

import asyncio
import html.parser
import os
import random
import statistics
import subprocess
import sys
import threading
import time

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from bench import load

PAGES = ("cohort space", "thread, 200 replies")
REPLIES = 40  # replies posted while the streams listen, one every 100 ms
POLLING_SECONDS = 30  # at least two rounds of every poll


def cpu_seconds(pid):
    """User and system CPU time a process and its children have used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    with open(f"/proc/{pid}/task/{pid}/children") as children:
        return own + sum(cpu_seconds(int(child)) for child in children.read().split())


class EventsService:
    """`uvicorn app:served` on its own port, on the same database as the pages."""

    def __init__(self, database_url, redis_url):
        self.port = load.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
               "SECRET_KEY": load.SECRET_KEY, "DEV_OUTBOX": "0"}  # fmt: skip
        command = [sys.executable, "-m", "uvicorn", "app:served", "--port", str(self.port),
                   "--log-level", "warning", "--no-access-log",
                   "--timeout-graceful-shutdown", "2"]  # fmt: skip
        self.process = subprocess.Popen(command, env=env, cwd=load.ROOT)  # noqa: S603 (ours)
        load.wait_until_answering(self, "the events service")

    def stop(self):
        self.process.terminate()
        self.process.wait(30)


def others(database_url, count):
    """`count` (session cookie, stream path) pairs of people outside the member's cohort, each
    on their own cohort, eight to a cohort: sessions signed with the bench's key, as a sign-in
    would have signed them (the generated people have no password)."""
    from cohorts.models import Membership
    from learning.db import open_database
    from learning.people.models import Person

    database = open_database(database_url.replace("+pool", "").split("?")[0])
    with database.bind_ctx([Membership, Person]):
        rows = list(
            Membership.select(Membership.person, Person.session_version, Membership.cohort)
            .join(Person)
            .where(Membership.cohort != 1)
            .order_by(Membership.cohort, Membership.person)
            .limit(count)
            .tuples()
        )
    database.close()
    keyed = Flask("bench")
    keyed.secret_key = load.SECRET_KEY
    signer = SecureCookieSessionInterface().get_signing_serializer(keyed)
    now = int(time.time())

    def cookie(n, person, version):
        session = {"_user_id": f"{person}:{version}", "_fresh": True, "sid": f"bench{n}",
                   "signed_in_at": now, "seen_at": now}  # fmt: skip
        return f"session={signer.dumps(session)}"

    return [
        (cookie(n, person, version), f"/events?cohort={cohort}")
        for n, (person, version, cohort) in enumerate(rows)
    ]


class Browsers:
    """Event streams held open in a thread's event loop, one per (cookie, path), each
    recording when every `reply-added` event reached it, against the event's Redis id (its
    time in ms)."""

    def __init__(self, port, streams):
        self.port, self.count = port, len(streams)
        self.connected = 0
        self.delays = []  # seconds from the event's Redis id to its arrival, per delivery
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.tasks = [asyncio.run_coroutine_threadsafe(self._listen(*stream), self.loop)
                      for stream in streams]  # fmt: skip

    async def _listen(self, cookie, path):
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
            f"Cookie: {cookie}\r\n\r\n".encode()
        )
        await writer.drain()
        message = {}
        try:
            while line := await reader.readline():
                line = line.decode().strip()
                if line:
                    field, _, value = line.partition(": ")
                    message[field] = value
                    continue
                event = message.get("event")
                if event in ("live-refresh", "live-ready"):
                    self.connected += 1
                    if self.connected == self.count:
                        self.ready.set()
                elif event == "reply-added":
                    # The id is the stream's place in each of its streams; the cohort's last.
                    milliseconds = int(message["id"].split("_")[-1].split("-")[0])
                    self.delays.append(time.time() - milliseconds / 1000)
                message = {}
        finally:
            writer.close()

    def close(self):
        """Every stream closed as a browser leaving closes it, then the loop."""

        async def leave():
            listening = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in listening:
                task.cancel()
            await asyncio.gather(*listening, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(leave(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


class _Polls(html.parser.HTMLParser):
    """The polls a page makes: (URL, seconds) of each element whose hx-trigger has
    `every Ns`."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        trigger = attrs.get("hx-trigger") or ""
        if attrs.get("hx-get") and trigger.startswith("every "):
            self.found.append((attrs["hx-get"], int(trigger.split()[1].rstrip("s,"))))


def polls_of(page):
    parser = _Polls()
    parser.feed(page)
    return parser.found


async def _poll(port, headers, url, every, until, answered):
    """One of a page's polls, first at a random moment of its interval, as tabs opened at
    different times; each answer's time is appended to `answered`."""
    lines = [f"GET {url} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    request = "\r\n".join(lines + [f"{k}: {v}" for k, v in headers.items()] + ["", ""]).encode()
    await asyncio.sleep(random.uniform(0, every))  # noqa: S311 (not a secret)
    while time.perf_counter() < until:
        began = time.perf_counter()
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request)
        status = (await reader.readline()).split()[1]
        await reader.read()
        writer.close()
        answered.append((status, time.perf_counter() - began))
        await asyncio.sleep(max(0.0, every - (time.perf_counter() - began)))


def polling(server, visitor, pages):
    """`pages` open cohort spaces of the member polling as they did before live events, for
    POLLING_SECONDS: requests/s, the share of a core gunicorn spent and the polls' p95."""
    page = visitor.get("/cohorts/1")[2]
    polls = polls_of(page)
    headers = {"Cookie": visitor.headers(load.SCENARIOS[0])["Cookie"], "HX-Request": "true"}
    answered = []

    async def everyone():
        until = time.perf_counter() + POLLING_SECONDS
        await asyncio.gather(*(_poll(server.port, headers, url, every, until, answered)
                               for _ in range(pages) for url, every in polls))  # fmt: skip

    cpu_before, began = cpu_seconds(server.process.pid), time.perf_counter()
    asyncio.run(everyone())
    elapsed = time.perf_counter() - began
    times = sorted(seconds for _, seconds in answered)
    return {
        "pages": pages,
        "polls": [{"url": url, "every_seconds": every} for url, every in polls],
        "requests_per_second": len(answered) / elapsed,
        "cpu_share": (cpu_seconds(server.process.pid) - cpu_before) / elapsed,
        "p95_ms": times[int(len(times) * 0.95) - 1] * 1000,
        "unanswered": sum(1 for status, _ in answered if not status.startswith(b"2")),
    }


def _pages(server, visitor, connections, seconds):
    scenarios = [s for s in load.SCENARIOS if s.name in PAGES]
    measured = {}
    for scenario in scenarios:
        measured[scenario.name] = load.load(server.base, scenario, visitor, "", connections,
                                            seconds)["p95"] / 1000  # fmt: skip
        time.sleep(2)  # what wrk left in the server's queue is served before the next
    return measured


def measure(server, visitor, database_url, redis_url, streams, seconds, connections=8):
    """The live events' numbers with `streams` open streams; `server` is load.py's gunicorn,
    `visitor` the signed-in member."""
    events = EventsService(database_url, redis_url)
    try:
        before = _pages(server, visitor, connections, seconds)
        member = visitor.headers(load.SCENARIOS[0]).get("Cookie", "")
        theirs = others(database_url, streams - streams // 2)
        listening = [(member, "/events?cohort=1")] * (streams // 2) + theirs
        began = time.perf_counter()
        browsers = Browsers(events.port, listening)
        if not browsers.ready.wait(120):
            raise RuntimeError(f"only {browsers.connected} of {streams} streams opened")
        opened = time.perf_counter() - began
        time.sleep(2)
        cpu_before, idle_began = cpu_seconds(events.process.pid), time.perf_counter()
        time.sleep(20)
        idle = (cpu_seconds(events.process.pid) - cpu_before) / (time.perf_counter() - idle_began)
        with_streams = _pages(server, visitor, connections, seconds)
        reply = next(s for s in load.SCENARIOS if s.name == "post a reply")
        headers = visitor.headers(reply)
        for n in range(REPLIES):
            body = f"body=Live+{n}+{time.time_ns()}&parent_id=0"
            visitor.request("POST", reply.path, body, headers)
            time.sleep(0.1)
        time.sleep(2)
        delays = sorted(browsers.delays)
        browsers.close()
    finally:
        events.stop()
    after = _pages(server, visitor, connections, seconds)
    return {
        "streams": streams,
        "people": 1 + len({cookie for cookie, _ in theirs}),
        "cohorts": 1 + len({path for _, path in theirs}),
        "opened_seconds": opened,
        "idle_cpu_share": idle,
        "pages_p95_ms": {"without": before, "with": with_streams, "after": after},
        "deliveries": len(delays),
        "expected_deliveries": REPLIES * (streams // 2),
        "delay_p50_ms": statistics.median(delays) * 1000 if delays else None,
        "delay_p95_ms": delays[int(len(delays) * 0.95) - 1] * 1000 if delays else None,
        "polling": polling(server, visitor, streams),
    }
