"""Benchmark: dispatching and composing digests for 10,000 people in under 60 seconds,
with one worker, and a fixed number of queries per batch of digests.

Run with `make bench`. It builds a company on a fresh SQLite database (1,250 cohorts of 8,
a week of threads, replies, kudos, check-ins and joins), gives everyone a digest last week,
then times the dispatcher and one RQ worker composing every digest (each one recorded and
its email queued). It uses REDIS_URL, or an embedded Valkey when it is unset, and exits
non-zero over the target."""

import argparse
import datetime as dt
import logging
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rq import Worker  # noqa: E402

from challenges.models import Challenge, CheckIn  # noqa: E402
from cohorts.models import Cohort, Membership, Program  # noqa: E402
from feedback.models import FeedbackRequest, Reply, Thread  # noqa: E402
from learning.db import atomic, connection, db  # noqa: E402
from learning.digest import services  # noqa: E402
from learning.digest.models import Digest  # noqa: E402
from learning.factory import create_app  # noqa: E402
from learning.jobs.services import redis_connection  # noqa: E402
from learning.ledger import Activity  # noqa: E402
from learning.mail.models import Delivery  # noqa: E402
from learning.migrate import migrate  # noqa: E402
from learning.people.models import Person, Preferences  # noqa: E402
from learning.recognition.models import CompanyValue, Kudos  # noqa: E402

TARGET_SECONDS = 60
COHORT_SIZE = 8
ZONES = [
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "America/Los_Angeles",
    "UTC",
]
NOW = dt.datetime(2026, 11, 23, 23, 30)  # a Monday, after everyone's 9:00
WEEK_AGO = NOW - dt.timedelta(days=7)


def chunks(rows, size=500):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def insert(model, rows):
    for chunk in chunks(rows):
        model.insert_many(chunk).execute()


def build(size, seed=1):
    """A company of `size` people in cohorts of eight, with a week of conversations."""
    rng = random.Random(seed)

    def moment():
        return WEEK_AGO + dt.timedelta(minutes=rng.randint(1, 7 * 24 * 60 - 1))

    with atomic():
        insert(
            Person,
            [
                {
                    "email": f"p{n}@bench.test",
                    "display_name": f"Person {n}",
                    "time_zone": rng.choice(ZONES),
                    "onboarded_at": WEEK_AGO - dt.timedelta(days=30),
                }
                for n in range(size)
            ],
        )
        people = [p for (p,) in Person.select(Person.id).order_by(Person.id).tuples()]
        insert(Preferences, [{"person": p, "digest_frequency": "daily"} for p in people])
        program = Program.create(
            name="Bench", starts_on=WEEK_AGO.date(), ends_on=(NOW + dt.timedelta(days=60)).date()
        )
        challenge = Challenge.create(
            program=program,
            title="Ship it",
            goal="count",
            target=40,
            starts_on=WEEK_AGO.date(),
            ends_on=program.ends_on,
        )
        groups = [people[i : i + COHORT_SIZE] for i in range(0, size, COHORT_SIZE)]
        insert(
            Cohort,
            [
                {"program": program, "name": f"Cohort {n}", "status": "published"}
                for n in range(len(groups))
            ],
        )
        cohort_ids = [c for (c,) in Cohort.select(Cohort.id).order_by(Cohort.id).tuples()]
        members = dict(zip(cohort_ids, groups, strict=True))
        insert(Membership, [{"cohort": c, "person": p} for c, g in members.items() for p in g])
        # The last of each cohort joined this week.
        insert(
            Activity,
            [
                {"actor": g[-1], "kind": "joined", "cohort_id": c, "created_at": moment()}
                for c, g in members.items()
            ],
        )
        threads = []
        for c, group in members.items():
            for kind in ("share_work", "question", "reflection"):
                threads.append(
                    {
                        "cohort": c,
                        "author": rng.choice(group),
                        "kind": kind,
                        "title": f"A {kind} in {c}",
                        "body": "Text",
                        "created_at": moment(),
                    }
                )
        insert(Thread, threads)
        rows = list(Thread.select(Thread.id, Thread.cohort, Thread.author, Thread.kind).tuples())
        replies, asks, kudos, check_ins = [], [], [], []
        value = CompanyValue.get().id
        for thread_id, cohort_id, author, kind in rows:
            group = members[cohort_id]
            if kind != "question":
                for _ in range(4):
                    replies.append(
                        {
                            "thread": thread_id,
                            "author": rng.choice(group),
                            "body": "A thoughtful reply " * 5,
                            "created_at": moment(),
                        }
                    )
            if kind == "share_work":
                asks.append(
                    {
                        "thread": thread_id,
                        "person": rng.choice([p for p in group if p != author]),
                        "created_at": moment(),
                    }
                )
        for cohort_id, group in members.items():
            for n in range(3):
                giver, receiver = rng.sample(group, 2) if len(group) > 1 else (group[0], group[0])
                kudos.append(
                    {
                        "giver": giver,
                        "receiver": receiver,
                        "cohort_id": cohort_id,
                        "value": value,
                        "message": "Thank you",
                        "token": f"{cohort_id}-{n}",
                        "created_at": moment(),
                    }
                )
            for n in range(12):
                at = moment()
                check_ins.append(
                    {
                        "challenge": challenge,
                        "cohort": cohort_id,
                        "person": rng.choice(group),
                        "status": "done",
                        "week": at.date(),
                        "token": f"{cohort_id}-{n}",
                        "created_at": at,
                    }
                )
        insert(Reply, replies)
        insert(FeedbackRequest, asks)
        insert(Kudos, kudos)
        insert(CheckIn, check_ins)
        insert(
            Digest,
            [
                {
                    "person": p,
                    "period": "d2026-11-16",
                    "status": "sent",
                    "since": WEEK_AGO,
                    "until": WEEK_AGO,
                    "created_at": WEEK_AGO,
                }
                for p in people
            ],
        )
    return len(rows) + len(replies) + len(kudos) + len(check_ins)


class Counter(logging.Handler):
    count = 0

    def emit(self, record):
        self.count += 1


def queries_per_batch(size):
    """Queries to compose one batch of digests, and to compose one digest alone."""
    logger, counter = logging.getLogger("peewee"), Counter()
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    try:
        people = list(Person.select(Person, Preferences).join(Preferences).limit(size))
        services.compose(people, NOW)
        batch, counter.count = counter.count, 0
        services.compose(people[:1], NOW)
        return batch, counter.count
    finally:
        logger.removeHandler(counter)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10_000)
    size = parser.parse_args().size
    folder = Path(tempfile.mkdtemp(prefix="bench-"))
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
            "SECRET_KEY": "bench",
            "SMTP_URL": "smtp://127.0.0.1:1",
        }
    )
    with app.app_context():
        migrate()
        redis_connection().flushdb()
        with connection():
            start = time.perf_counter()
            items = build(size)
            print(
                f"built {size} people with {items} contributions in "
                f"{time.perf_counter() - start:.1f} s"
            )
            batch_queries, one_queries = queries_per_batch(services.BATCH)
            print(
                f"queries to compose: {batch_queries} for a batch of {services.BATCH}, "
                f"{one_queries} for one digest"
            )
            start = time.perf_counter()
            due = services.dispatch(NOW)
            dispatched = time.perf_counter() - start
        print(f"dispatcher: {due} people due, enqueued in {dispatched:.2f} s")
        db.close()  # nothing open when the worker forks
        start = time.perf_counter()
        Worker(["digests"], connection=redis_connection()).work(burst=True)
        composed = time.perf_counter() - start
        with connection():
            sent = Digest.select().where(Digest.status == "sent", Digest.period != "d2026-11-16")
            skipped = Digest.select().where(Digest.status == "skipped").count()
            emails = Delivery.select().where(Delivery.key.startswith("digest-")).count()
            print(
                f"one worker: {sent.count()} digests with news, {skipped} skipped as empty, "
                f"{emails} emails queued, in {composed:.1f} s"
            )
    total = dispatched + composed
    verdict = "within" if total < TARGET_SECONDS else "OVER"
    print(
        f"target: dispatch and compose {size} digests in under {TARGET_SECONDS} s: "
        f"{total:.1f} s, {verdict}"
    )
    return 0 if total < TARGET_SECONDS and emails == due - skipped else 1


if __name__ == "__main__":
    sys.exit(main())
