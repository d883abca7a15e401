"""Benchmark: dispatching and composing digests for 10,000 people in under 60 seconds,
with one worker, and a fixed number of queries per batch of digests; then the same with more
workers, which must go faster.

Run with `make bench`. It builds a company on a fresh database (cohorts of 8, a week of
threads, replies, kudos, check-ins and joins), gives everyone a digest last week, then times
the dispatcher and real `flask worker` processes (one, then more) composing every digest
(each one recorded and its email sent to an SMTP sink on loopback, which counts what came
twice). It uses REDIS_URL, or an embedded Valkey when it is unset, and exits non-zero over
the target.

    python bench/digests.py --size 10000 --workers 1 2 4 [--database-url postgresql://…]"""

import argparse
import datetime as dt
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402
from peewee import fn  # noqa: E402
from rq import Worker  # noqa: E402

from bench import load  # noqa: E402
from bench.generate import Writer, fresh_database, scratch_folder, settle  # noqa: E402
from challenges.models import Challenge, CheckIn  # noqa: E402
from cohorts.models import Cohort, Membership, Program  # noqa: E402
from feedback.models import FeedbackRequest, Reply, Thread  # noqa: E402
from learning.db import atomic, connection, db, statements  # noqa: E402
from learning.digest import services  # noqa: E402
from learning.digest.models import Digest  # noqa: E402
from learning.factory import create_app  # noqa: E402
from learning.jobs.models import PendingJob  # noqa: E402
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


def build(size, seed=1):
    """A company of `size` people in cohorts of eight, with a week of conversations."""
    rng = random.Random(seed)

    def moment():
        return WEEK_AGO + dt.timedelta(minutes=rng.randint(1, 7 * 24 * 60 - 1))

    write = Writer()
    with atomic():
        people = write(
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
        # No quiet hours and every day a working day: each email leaves at once, whatever
        # the hour and day the benchmark runs.
        write(
            Preferences,
            [
                {
                    "person": p,
                    "digest_frequency": "daily",
                    "quiet_from": 0,
                    "quiet_until": 0,
                    "working_days": "0123456",
                }
                for p in people
            ],
        )
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
        cohort_ids = write(
            Cohort,
            [
                {"program": program.id, "name": f"Cohort {n}", "status": "published"}
                for n in range(len(groups))
            ],
        )
        members = dict(zip(cohort_ids, groups, strict=True))
        write(Membership, [{"cohort": c, "person": p} for c, g in members.items() for p in g])
        # The last of each cohort joined this week.
        write(
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
        rows = [(thread_id, t["cohort"], t["author"], t["kind"])
                for thread_id, t in zip(write(Thread, threads), threads, strict=True)]  # fmt: skip
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
                        "challenge": challenge.id,
                        "cohort": cohort_id,
                        "person": rng.choice(group),
                        "status": "done",
                        "week": at.date(),
                        "token": f"{cohort_id}-{n}",
                        "created_at": at,
                    }
                )
        write(Reply, replies)
        write(FeedbackRequest, asks)
        write(Kudos, kudos)
        write(CheckIn, check_ins)
        write(
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
        write.finish()
    return len(rows) + len(replies) + len(kudos) + len(check_ins)


def queries_per_batch(size):
    """Queries to compose one batch of digests, and to compose one digest alone."""
    with statements() as seen:
        people = list(Person.select(Person, Preferences).join(Preferences).limit(size))
        seen.clear()
        services.compose(people, NOW)
        batch = len(seen)
        seen.clear()
        services.compose(people[:1], NOW)
        return batch, len(seen)


class Sink:
    """An SMTP server on loopback that keeps the Message-ID of everything it accepts."""

    def __init__(self):
        self.ids = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.ids.append(re.search(rb"Message-ID: <([^>]+)>", envelope.content, re.I)[1])
        return "250 OK"


def measure(size, database_url=None, workers=(1,)):
    """Build `size` people on a fresh database, then, for each number of `workers`, time the
    dispatcher and that many worker processes composing every digest and handing them to an
    SMTP sink; a dict of the numbers (the first count's at its top, each count's in `runs`)."""
    folder = scratch_folder()
    url = database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    fresh_database(url)
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=load.free_port())
    controller.start()
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "SMTP_URL": f"smtp://127.0.0.1:{controller.port}",
        }
    )
    # The workers connect as the README says to run at scale: PostgreSQL through the pool.
    environment = {**os.environ, "DATABASE_URL": url.replace("postgresql://", "postgresql+pool://"),
                   "REDIS_URL": app.config["REDIS_URL"], "SECRET_KEY": "bench",
                   "SMTP_URL": app.config["SMTP_URL"]}  # fmt: skip
    try:
        with app.app_context():
            migrate()
            redis_connection().flushdb()
            with connection():
                start = time.perf_counter()
                items = build(size)
                settle()
                print(
                    f"built {size} people with {items} contributions in "
                    f"{time.perf_counter() - start:.1f} s"
                )
                batch_queries, one_queries = queries_per_batch(services.BATCH)
                built = Digest.select(fn.MAX(Digest.id)).scalar()
            db.close()  # nothing open while the workers start
            runs = []
            for count in workers:
                runs.append(_with_workers(count, environment, sink, built, folder))
                print(f"{count} worker(s): {runs[-1]['seconds']:.1f} s", flush=True)
    finally:
        controller.stop()
    result = {**runs[0], "people": size, "batch_queries": batch_queries,
              "batch": services.BATCH, "one_queries": one_queries, "runs": runs}  # fmt: skip
    result["ok"] = result["seconds"] < TARGET_SECONDS and all(run["ok"] for run in runs)
    return result


def _with_workers(count, environment, sink, built, folder):
    """Everyone due again (the digests of an earlier run forgotten), `count` `flask worker`
    processes waiting on the digest and mail queues; the time from the dispatch to the last
    job done, and what the sink received."""
    conn = redis_connection()
    with connection():
        Digest.delete().where(Digest.id > built).execute()
        Delivery.delete().execute()
        PendingJob.delete().execute()
    conn.flushdb()
    sink.ids.clear()
    log = (folder / f"workers-{count}.log").open("wb")
    processes = [
        subprocess.Popen(  # noqa: S603 (ours)
            load.worker_command("digests", "mail"),
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(count)
    ]
    try:
        while Worker.count(connection=conn) < count:
            time.sleep(0.1)
        start = time.perf_counter()
        with connection():
            due = services.dispatch(NOW)
        while not _all_done():
            time.sleep(0.1)
        seconds = time.perf_counter() - start
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(60)
        log.close()
    with connection():
        skipped = Digest.select().where(Digest.status == "skipped", Digest.id > built).count()
        emails = Delivery.select().where(Delivery.key.startswith("digest-")).count()
    received = len(sink.ids)
    run = {"workers": count, "due": due, "skipped": skipped, "emails": emails,
           "received": received, "duplicates": received - len(set(sink.ids)),
           "seconds": seconds}  # fmt: skip
    run["ok"] = run["duplicates"] == 0 and received == emails == due - skipped
    return run


def _all_done():
    with connection():
        return not PendingJob.select().where(PendingJob.done_at.is_null()).exists()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--database-url", help="PostgreSQL to use (its tables are dropped)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1],
                        help="numbers of worker processes to time in turn, e.g. 1 2 4")  # fmt: skip
    arguments = parser.parse_args()
    result = measure(arguments.size, arguments.database_url, arguments.workers)
    print(
        f"{result['due']} due, {result['skipped']} empty, {result['received']} of "
        f"{result['emails']} emails accepted by the SMTP sink ({result['duplicates']} twice) "
        f"in {result['seconds']:.1f} s; {result['batch_queries']} queries per batch of "
        f"{result['batch']}; target under {TARGET_SECONDS} s: "
        f"{'within' if result['ok'] else 'OVER'}"
    )
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
