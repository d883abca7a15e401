"""Live events under load. The events service (`uvicorn app:served`, one process) beside the
gunicorn of `bench/load.py`: N browsers hold `/events` open on the member's cohort while wrk
loads the cohort space and the long thread, and the pages' p95 is compared with a run without
them; the events service's CPU while the N streams are idle; the time from a reply's commit
(its event's Redis id, written right after the commit, on this machine's clock) to its
arrival at every listening browser; and what polling would cost instead for as many open
cohort spaces (the bell every 15 s, the feed every 10 s)."""

import asyncio
import os
import statistics
import subprocess
import sys
import threading
import time

from bench import load

# The polls an open cohort space made before live events: the bell, the feed.
POLL_INTERVALS = (15, 10)
PAGES = ("cohort space", "thread, 200 replies")
REPLIES = 40  # replies posted while the streams listen, one every 100 ms


class EventsService:
    """`uvicorn app:served` on its own port, on the same database as the pages."""

    def __init__(self, database_url, redis_url):
        self.port = load.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
               "SECRET_KEY": "bench", "DEV_OUTBOX": "0"}  # fmt: skip
        command = [sys.executable, "-m", "uvicorn", "app:served", "--port", str(self.port),
                   "--log-level", "warning", "--no-access-log",
                   "--timeout-graceful-shutdown", "2"]  # fmt: skip
        self.process = subprocess.Popen(command, env=env, cwd=load.ROOT)  # noqa: S603 (ours)
        load.wait_until_answering(self, "the events service")

    def cpu_seconds(self):
        """User and system CPU time the process has used so far."""
        with open(f"/proc/{self.process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.process.terminate()
        self.process.wait(30)


class Browsers:
    """`count` event streams held open in a thread's event loop, each recording when every
    `reply-added` event reached it, against the event's Redis id (its time in ms)."""

    def __init__(self, port, cookie, path, count):
        self.port, self.cookie, self.path, self.count = port, cookie, path, count
        self.connected = 0
        self.delays = []  # seconds from the event's Redis id to its arrival, per delivery
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.tasks = [asyncio.run_coroutine_threadsafe(self._listen(), self.loop)
                      for _ in range(count)]  # fmt: skip

    async def _listen(self):
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        writer.write(
            f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
            f"Cookie: {self.cookie}\r\n\r\n".encode()
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
        for task in self.tasks:
            task.cancel()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def _pages(server, visitor, connections, seconds):
    scenarios = [s for s in load.SCENARIOS if s.name in PAGES]
    return {s.name: load.load(server.base, s, visitor, "", connections, seconds)["p95"] / 1000
            for s in scenarios}  # fmt: skip


def measure(server, visitor, database_url, redis_url, streams, seconds, connections=8):
    """The live events' numbers with `streams` open streams; `server` is load.py's gunicorn,
    `visitor` the signed-in member."""
    events = EventsService(database_url, redis_url)
    try:
        without = _pages(server, visitor, connections, seconds)
        cookie = visitor.headers(load.SCENARIOS[0]).get("Cookie", "")
        began = time.perf_counter()
        browsers = Browsers(events.port, cookie, "/events?cohort=1", streams)
        if not browsers.ready.wait(120):
            raise RuntimeError(f"only {browsers.connected} of {streams} streams opened")
        opened = time.perf_counter() - began
        time.sleep(2)
        cpu_before, idle_began = events.cpu_seconds(), time.perf_counter()
        time.sleep(20)
        idle_share = (events.cpu_seconds() - cpu_before) / (time.perf_counter() - idle_began)
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
    polls = streams * sum(1 / interval for interval in POLL_INTERVALS)
    return {
        "streams": streams,
        "opened_seconds": opened,
        "idle_cpu_share": idle_share,
        "pages_p95_ms": {"without": without, "with": with_streams},
        "deliveries": len(delays),
        "expected_deliveries": REPLIES * streams,
        "delay_p50_ms": statistics.median(delays) * 1000 if delays else None,
        "delay_p95_ms": delays[int(len(delays) * 0.95) - 1] * 1000 if delays else None,
        "polls_per_second": polls,
    }
