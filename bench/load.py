"""The load runner: the app under gunicorn (gthread) on loopback, each scenario driven by wrk.

For each database it generates the company (`bench/generate.py`), starts gunicorn on it, signs
in the demo's member, L&D manager and HR, probes every scenario once (status, queries, bytes),
then loads it at each concurrency for a fixed time. The two references, a static file and a
minimal Flask view, are served by the same gunicorn and loaded in the same run: each scenario's
throughput is also given as a share of the minimal view's."""

import http.cookiejar
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# Two cores: two processes of four threads (BENCH_WORKERS and BENCH_THREADS change them;
# four of two served the cohort space faster and long threads and writes at 32 connections
# slower, within the machine's noise: bench/README.md).
WORKERS = int(os.environ.get("BENCH_WORKERS", 2))
THREADS = int(os.environ.get("BENCH_THREADS", 4))
SECRET_KEY = "bench"  # noqa: S105 (the benchmark's own servers)


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    who: str = "member"  # member, manager, hr, or "" for nobody signed in
    kind: str = "page"  # page, partial (htmx) or reference
    method: str = "GET"
    body: str = ""


# Ids are the generator's: cohort 1 (the member's), thread 1 (200 replies), program and
# challenge 1. "{n}" is unique per request.
SCENARIOS = [
    Scenario("static file (reference)", "/static/css/app.css", "", "reference"),
    Scenario("minimal view (reference)", "/bench/minimal", "", "reference"),
    Scenario("sign-in page", "/sign-in", ""),
    Scenario("home", "/"),
    Scenario("cohort space", "/cohorts/1"),
    Scenario("thread, 200 replies", "/threads/1"),
    Scenario(
        "post a reply",
        "/threads/2/replies",
        kind="partial",
        method="POST",
        body="body=Thanks+for+sharing+this+{n}&parent_id=0",
    ),
    Scenario(
        "check-in",
        "/cohorts/1/challenges/1/check-ins",
        kind="partial",
        method="POST",
        body="c1-status=done&c1-token={token}{n}",
    ),
    Scenario("notification badge poll", "/notifications/bell", kind="partial"),
    Scenario("L&D analytics", "/programs/1/analytics", "manager"),
    Scenario("HR report", "/reports/", "hr"),
]
ACCOUNTS = {"member": "member@demo.test", "manager": "manager@demo.test", "hr": "hr@demo.test"}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def worker_command(*queues):
    """`flask worker` on `queues`, logging warnings only, as a production worker runs."""
    named = [part for queue in queues for part in ("--queue", queue)]
    return [sys.executable, "-m", "flask", "--app", "app", "worker", *named, "--quiet"]


def wait_until_answering(server, name):
    """Wait for `server` (with `base` and `stop()`) to answer its health check; stop it and
    fail if it does not within a minute."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(server.base + "/healthz", timeout=2)  # noqa: S310 (loopback)
            return
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"{name} did not answer within a minute")


class Server:
    """gunicorn with bench/wsgi.py, on its own port, for one database, with a worker for the
    figures' jobs (`jobs=False`: a second web node, whose jobs the first one's worker runs)."""

    def __init__(self, database_url, redis_url, workers=WORKERS, jobs=True):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "SECRET_KEY": SECRET_KEY,
            "DEV_OUTBOX": "0",
            "SIGNIN_LIMIT": "1000 per minute",
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--worker-class",
            "gthread",
            "--workers",
            str(workers),
            "--threads",
            str(THREADS),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--chdir",
            str(BENCH),
            "--pythonpath",
            str(ROOT),
            "--log-level",
            "warning",
            *(
                ["--access-logfile", os.environ["BENCH_ACCESS_LOG"]]
                if os.environ.get("BENCH_ACCESS_LOG")
                else []
            ),
            "wsgi:app",
        ]
        self.process = subprocess.Popen(command, env=env, cwd=ROOT)  # noqa: S603 (ours)
        # The worker that computes the report's and analytics' figures, as in production; the
        # jobs that replies and check-ins leave on the other queues wait (as before workers
        # were started here), so the pages' numbers stay comparable.
        worker = worker_command("exports")
        self.processes = [self.process]
        if jobs:
            self.processes.append(subprocess.Popen(worker, env=env, cwd=ROOT))  # noqa: S603
        wait_until_answering(self, "gunicorn")

    def stop(self):
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
            process.wait(30)


class Visitor:
    """A browser's cookies and CSRF token, signed in as one account (or as nobody)."""

    def __init__(self, base, email=None):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.get("/sign-in")[2]
        self.token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        if email:
            form = {"email": email, "password": "learn-together", "csrf_token": self.token}
            self.request("POST", "/sign-in", urllib.parse.urlencode(form))
            self.token = re.search(r'name="csrf-token" content="([^"]+)"', self.get("/")[2])[1]

    def headers(self, scenario):
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.jar)
        headers = {"Cookie": cookie} if cookie else {}
        if scenario.kind == "partial":
            headers["HX-Request"] = "true"
        if scenario.method == "POST":
            headers |= {
                "X-CSRFToken": self.token,
                "Content-Type": "application/x-www-form-urlencoded",
            }
        return headers

    def get(self, path):
        return self.request("GET", path)

    def request(self, method, path, body=None, headers=None, timeout=30):
        data = body.encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 (loopback http)
            self.base + path, data, headers or {}, method=method
        )
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()


def probe(visitor, scenario, body):
    """The scenario's requests alone: the first as someone meets it first, then, where that
    said figures were being prepared, the page asked again until they show (the worker
    computes them), then once more as under load, when they are kept ones. A dict of the
    first's milliseconds, the milliseconds until the figures showed (if prepared), and the
    last's SQL statements and bytes. Fails on an unexpected answer."""
    headers = visitor.headers(scenario) | {"X-Bench-Queries": "1"}
    n = 0

    def ask():
        nonlocal n
        request_body = body.replace("{n}", f"{n:012}") if scenario.method == "POST" else None
        n += 1
        status, response_headers, text = visitor.request(
            scenario.method, scenario.path, request_body, headers
        )
        if status != 200:
            raise RuntimeError(f"{scenario.name}: {status} on {scenario.path}\n{text[:2000]}")
        return response_headers, text

    began = time.perf_counter()
    _, text = ask()
    found = {"first_ms": (time.perf_counter() - began) * 1000}
    if PREPARING in text:
        deadline = began + PREPARE_TIMEOUT
        while PREPARING in text:
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{scenario.name}: figures not ready in {PREPARE_TIMEOUT} s")
            time.sleep(0.2)
            _, text = ask()
        found["ready_ms"] = (time.perf_counter() - began) * 1000
    response_headers, text = ask()
    return found | {"queries": int(response_headers.get("X-Queries", 0)),
                    "probe_bytes": len(text.encode())}  # fmt: skip


PREPARING = 'id="figures-wait"'  # a page waiting for its figures (_figures_wait.html)
PREPARE_TIMEOUT = 900  # seconds: how long the figures' job may take, measured, not cut


def load(base, scenario, visitor, body, connections, seconds, nodes=()):
    """wrk at `connections` for `seconds`, its threads taking `nodes` (host:port) in turn if
    given; its JSON summary."""
    headers = [f"{name}: {value}" for name, value in visitor.headers(scenario).items()]
    command = [
        "wrk",
        f"--threads={min(2, connections)}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        f"--script={BENCH / 'wrk.lua'}",
        base + scenario.path,
        "--",
        scenario.method,
        body,
        *headers,
    ]
    env = {**os.environ, "BENCH_NODES": ",".join(nodes)}
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)  # noqa: S603
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(database_url, redis_url, connections=(8, 32), seconds=10, only=None, then=None):
    """Every scenario (or those whose names contain `only`) at every concurrency against a
    generated database; a list of rows. `then(server, visitors)` runs last, the server still
    up (the live events' measures)."""
    server = Server(database_url, redis_url)
    try:
        visitors = {"": Visitor(server.base)}
        visitors |= {who: Visitor(server.base, email) for who, email in ACCOUNTS.items()}
        run_token = secrets.token_hex(10)  # check-in tokens are 32 hex digits, new each run
        rows = []
        for scenario in SCENARIOS:
            if (
                only
                and not any(n in scenario.name for n in only.split(","))
                and scenario.kind != "reference"
            ):
                continue
            visitor = visitors[scenario.who]
            body = scenario.body.replace("{token}", run_token)
            probed = probe(visitor, scenario, body)
            for count in connections:
                result = load(server.base, scenario, visitor, body, count, seconds)
                result |= probed | {
                    "scenario": scenario.name,
                    "kind": scenario.kind,
                    "connections": count,
                }
                rows.append(result)
                time.sleep(2)  # what wrk left in the server's queue is served before the next
                print(
                    f"  {scenario.name:28} c={count:<3} {rate(result):8.0f} req/s  "
                    f"p95 {result['p95'] / 1000:7.1f} ms  p99 {result['p99'] / 1000:7.1f} ms  "
                    f"max {result['max'] / 1000:7.1f} ms  {probed['queries']} queries  "
                    f"{result['errors'] + result['status_errors']} errors",
                    flush=True,
                )
        if then is not None:
            then(server, visitors)
        return rows
    finally:
        server.stop()


# Loaded again against two web nodes: the pages and writes people use all day.
ON_TWO_NODES = ["home", "cohort space", "thread, 200 replies", "post a reply", "check-in",
                "notification badge poll"]  # fmt: skip


def two_nodes(one, database_url, redis_url, visitors, seconds, connections=8):
    """Two gunicorn servers on two ports ("nodes"), each with half the workers of `one`, the
    server measured before, sharing its database and Redis; wrk's threads take them in turn,
    with the cookies the visitors got from the first server. A row per scenario."""
    half = max(1, WORKERS // 2)
    servers = [Server(database_url, redis_url, workers=half, jobs=False) for _ in range(2)]
    try:
        nodes = [f"127.0.0.1:{server.port}" for server in servers]
        rows = paired(one.base, servers[0].base, visitors, seconds, connections, nodes)
        for row in rows:
            row |= {"workers_per_node": half, "threads": THREADS}
            print_row("two nodes", row["scenario"], row)
        return rows
    finally:
        for server in servers:
            server.stop()


def paired(direct, other, visitors, seconds, connections=8, nodes=()):
    """The pages of ON_TWO_NODES loaded on `other` (a base URL; `nodes` for wrk to take in
    turn), each right after the same page on `direct`, the base URL of the main run's
    server: the writes of a run make its data grow (a check-in's counts grow with the
    member's check-ins), so each is compared with the page as served a moment before."""
    run_token = secrets.token_hex(10)
    rows = []
    for scenario in SCENARIOS:
        if scenario.name not in ON_TWO_NODES:
            continue
        visitor = visitors[scenario.who]
        body = scenario.body.replace("{token}", run_token)
        before = load(direct, scenario, visitor, body, connections, seconds)
        time.sleep(2)
        result = load(other, scenario, visitor, body, connections, seconds, nodes)
        time.sleep(2)
        rows.append(result | {"scenario": scenario.name, "connections": connections,
                              "direct": before})  # fmt: skip
    return rows


def print_row(label, name, result):
    print(f"  {label}: {name:28} {rate(result):8.0f} req/s  p95 {result['p95'] / 1000:7.1f} ms  "
          f"{result['errors'] + result['status_errors']} errors", flush=True)  # fmt: skip


def rate(result):
    return result["requests"] / result["seconds"]
