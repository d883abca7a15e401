"""The benchmark company: deterministic (seeded), written through the real models, at three sizes.

    S  200 people,      30 cohorts,    20,000 ledger entries,     6,000 replies (the demo's size)
    M  10,000 people,   1,500 cohorts, 1,000,000 ledger entries,  300,000 replies
    L  50,000 people,   7,500 cohorts, 5,000,000 ledger entries,  1,500,000 replies

Six months of history end today (UTC): programs of 250 cohorts of eight, twenty threads per
cohort with their replies (each answering the thread's author or an earlier reply), weekly
check-ins on each program's challenge, kudos, joins, notifications and read markers. The
demo's five sign-ins exist with the demo password; `member@demo.test` is in the first cohort,
whose first thread has exactly 200 replies. Rows get their ids here, so nothing is read back,
and are written in bulk (`COPY` on PostgreSQL).

    python bench/generate.py --size M [--database-url postgresql://…]
"""

import argparse
import atexit
import datetime as dt
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from challenges.models import Challenge, CheckIn  # noqa: E402
from cohorts.models import Cohort, CohortVisit, Membership, Participant, Program  # noqa: E402
from feedback.models import Reply, Thread, ThreadRead  # noqa: E402
from learning.db import atomic, connection, db, is_sqlite, open_database  # noqa: E402
from learning.demo import ACCOUNTS, PASSWORD  # noqa: E402
from learning.ledger import Activity  # noqa: E402
from learning.notify.models import Notification  # noqa: E402
from learning.people.models import Person, PersonRole, Preferences, Role  # noqa: E402
from learning.people.services import hasher  # noqa: E402
from learning.recognition.models import CompanyValue, Kudos, Milestone  # noqa: E402


@dataclass(frozen=True)
class Size:
    people: int
    cohorts: int
    ledger: int
    replies: int


SIZES = {
    "S": Size(200, 30, 20_000, 6_000),
    "M": Size(10_000, 1_500, 1_000_000, 300_000),
    "L": Size(50_000, 7_500, 5_000_000, 1_500_000),
}
COHORT_SIZE = 8
COHORTS_PER_PROGRAM = 250
THREADS_PER_COHORT = 20
LONG_THREAD = 200  # replies in the first cohort's first thread
WEEKS = 26
DEPARTMENTS = ["Engineering", "Sales", "Marketing", "Operations", "Finance", "People", "Legal"]
ZONES = ["Europe/London", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"]
KINDS = ["share_work", "question", "reflection"]


class Writer:
    """Rows written in bulk, with ids given here; counts what it wrote. PostgreSQL takes them
    by `COPY`, SQLite by one prepared INSERT run for every row (`executemany`): building
    peewee's multi-row INSERTs took longer than writing them. Each value goes through its
    field's `db_value`, as peewee writes it, and a field a row leaves out gets its default."""

    def __init__(self):
        self.counts = {}

    def __call__(self, model, rows):
        rows = list(rows)
        start = self.counts.get(model, 0)
        for n, row in enumerate(rows, start + 1):
            row.setdefault("id", n)
        named = set().union(*(row.keys() for row in rows)) if rows else set()
        fields = [f for f in model._meta.sorted_fields
                  if f.name in named or f.default is not None]  # fmt: skip
        defaults = {f.name: f.default() if callable(f.default) else f.default for f in fields}
        values = ([f.db_value(row.get(f.name, defaults[f.name])) for f in fields] for row in rows)
        table = model._meta.table_name
        columns = ", ".join(f'"{f.column_name}"' for f in fields)
        if is_sqlite():
            marks = ", ".join("?" * len(fields))
            sql = f'INSERT INTO "{table}" ({columns}) VALUES ({marks})'  # noqa: S608 (our names)
            db.cursor().executemany(sql, values)
        else:
            with db.cursor().copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                for row in values:
                    copy.write_row(row)
        self.counts[model] = start + len(rows)
        return [row["id"] for row in rows]

    def finish(self):
        """PostgreSQL hands out ids from sequences, which the explicit ids did not move."""
        if is_sqlite():
            return
        for model in self.counts:
            table = model._meta.table_name
            db.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 (our names)
                f'(SELECT MAX(id) FROM "{table}"))'
            )


def generate(size, seed=1, today=None):
    """Fill an empty, migrated database at `size` (a name in SIZES, or a Size); returns
    {table: rows written}."""
    size = SIZES[size] if isinstance(size, str) else size
    rng = random.Random(seed)
    today = today or dt.datetime.now(dt.UTC).replace(tzinfo=None).date()
    end = dt.datetime.combine(today, dt.time(0))
    start = end - dt.timedelta(weeks=WEEKS)
    span = int((end - start).total_seconds())

    def moment():
        return start + dt.timedelta(seconds=rng.randrange(span))

    write = Writer()
    with atomic():
        # People: the demo's sign-ins first, then everyone else.
        signed = hasher.hash(PASSWORD)
        people = []
        for email, (name, department, location, _) in ACCOUNTS.items():
            people.append(
                {
                    "email": email,
                    "display_name": name,
                    "department": department,
                    "location": location,
                    "password_hash": signed,
                }
            )
        for n in range(len(people), size.people):
            people.append(
                {
                    "email": f"person{n}@bench.test",
                    "display_name": f"Person {n}",
                    "department": DEPARTMENTS[n % 7],
                    "location": f"Site {n % 12}",
                }
            )
        # Everyone has onboarded; those without a password sign in with the company's
        # provider (which confirmed their profile).
        for row in people:
            row.update(
                time_zone=rng.choice(ZONES),
                guidelines_accepted_at=start,
                onboarded_at=start,
                profile_confirmed_at=start,
                created_at=start,
            )
        ids = write(Person, people)
        manager, facilitator = ids[1], ids[4]
        roles = [{"person": p, "role": Role.MEMBER} for p in ids]
        for person, (*_, granted) in zip(ids, ACCOUNTS.values(), strict=False):
            roles += [{"person": person, "role": r} for r in granted if r != Role.MEMBER]
        write(PersonRole, roles)
        write(Preferences, ({"person": p} for p in ids))

        # Programs of 250 cohorts of eight; a person may be in several programs.
        programs = (size.cohorts + COHORTS_PER_PROGRAM - 1) // COHORTS_PER_PROGRAM
        program_ids = write(
            Program,
            (
                {
                    "name": f"Program {n + 1}",
                    "starts_on": start.date(),
                    "ends_on": (end + dt.timedelta(weeks=8)).date(),
                    "created_by": manager,
                    "created_at": start,
                }
                for n in range(programs)
            ),
        )
        challenge_ids = write(
            Challenge,
            (
                {
                    "program": p,
                    "title": "Weekly practice",
                    "goal": "count",
                    "target": 200,
                    "starts_on": start.date(),
                    "ends_on": (end + dt.timedelta(weeks=8)).date(),
                    "created_by": manager,
                    "created_at": start,
                }
                for p in program_ids
            ),
        )
        cohorts = write(
            Cohort,
            (
                {
                    "program": program_ids[n // COHORTS_PER_PROGRAM],
                    "name": f"Cohort {n + 1}",
                    "status": "published",
                    "position": n,
                    "created_at": start,
                    "published_at": start,
                }
                for n in range(size.cohorts)
            ),
        )
        # Seats go round everyone but admin@, manager@ and hr@: the first cohort holds
        # member@ and facilitator@, who facilitates it.
        seated = ids[3:]
        groups = {
            cohort: [seated[(n * COHORT_SIZE + k) % len(seated)] for k in range(COHORT_SIZE)]
            for n, cohort in enumerate(cohorts)
        }
        first = cohorts[0]
        memberships, participants = [], {}
        for n, (cohort, group) in enumerate(groups.items()):
            program = program_ids[n // COHORTS_PER_PROGRAM]
            for person in dict.fromkeys(group):
                role = "facilitator" if (cohort, person) == (first, facilitator) else "member"
                memberships.append(
                    {"cohort": cohort, "person": person, "role": role, "joined_at": start}
                )
                participants[program, person] = start
        write(Membership, memberships)
        write(
            Participant,
            (
                {"program": p, "person": person, "added_at": at}
                for (p, person), at in participants.items()
            ),
        )
        ledger = [
            {
                "actor": m["person"],
                "kind": "joined",
                "cohort_id": m["cohort"],
                "object_type": "membership",
                "object_id": n,
                "created_at": start,
            }
            for n, m in enumerate(memberships, 1)
        ]

        # Threads and replies: 200 in the first thread, the rest spread over the others.
        threads, replies = [], []
        per_thread, extra = divmod(
            size.replies - LONG_THREAD, size.cohorts * THREADS_PER_COHORT - 1
        )
        thread_id = reply_id = 0
        for cohort, group in groups.items():
            for t in range(THREADS_PER_COHORT):
                thread_id += 1
                author, opened = rng.choice(group), moment()
                count = LONG_THREAD if thread_id == 1 else per_thread + (thread_id <= extra + 1)
                at, said = opened, [(None, author)]
                # Gaps of up to ten hours, shorter when the thread opened lately: history
                # ends today, and nothing lies in the future.
                gap = min(36_000, max(60, int((end - opened).total_seconds()) // (count + 1)))
                for _ in range(count):
                    reply_id += 1
                    at = min(end, at + dt.timedelta(seconds=rng.randint(60, gap)))
                    parent, answered = rng.choice(said) if rng.random() < 0.3 else (None, author)
                    by = rng.choice(group)
                    feedback = KINDS[t % 3] == "share_work" and rng.random() < 0.5
                    replies.append(
                        {
                            "id": reply_id,
                            "thread": thread_id,
                            "author": by,
                            "parent": parent,
                            "body": f"Reply {reply_id}: " + "words " * 30,
                            "is_feedback": feedback,
                            "created_at": at,
                        }
                    )
                    said.append((reply_id, by))
                    ledger.append(
                        {
                            "actor": by,
                            "kind": "feedback_given" if feedback else "replied",
                            "cohort_id": cohort,
                            "object_type": "reply",
                            "object_id": reply_id,
                            "target": answered,
                            "created_at": at,
                        }
                    )
                threads.append(
                    {
                        "id": thread_id,
                        "cohort": cohort,
                        "author": author,
                        "kind": KINDS[t % 3],
                        "title": f"Thread {thread_id} in {cohort}",
                        "body": "What do you think? " * 10,
                        "reply_count": count,
                        "created_at": opened,
                        "last_activity_at": at,
                    }
                )
                ledger.append(
                    {
                        "actor": author,
                        "kind": "thread_started",
                        "cohort_id": cohort,
                        "object_type": "thread",
                        "object_id": thread_id,
                        "created_at": opened,
                    }
                )
        write(Thread, threads)
        write(Reply, replies)

        # Kudos: two a week per cohort.
        value = CompanyValue.select(CompanyValue.id).scalar()
        kudos = []
        for cohort, group in groups.items():
            for _ in range(WEEKS // 2):
                giver, receiver = rng.sample(group, 2)
                kudos.append(
                    {
                        "id": len(kudos) + 1,
                        "giver": giver,
                        "receiver": receiver,
                        "cohort_id": cohort,
                        "value": value,
                        "message": "Thank you!",
                        "token": f"bench-{len(kudos) + 1}",
                        "created_at": moment(),
                    }
                )
                ledger.append(
                    {
                        "actor": giver,
                        "kind": "kudos_given",
                        "cohort_id": cohort,
                        "object_type": "kudos",
                        "object_id": len(kudos),
                        "target": receiver,
                        "created_at": kudos[-1]["created_at"],
                    }
                )
        # The first cohort's latest news holds every kind its feed shows, at every size.
        recent = end - dt.timedelta(hours=1)
        giver, receiver = groups[first][1], groups[first][0]
        kudos.append(
            {
                "id": len(kudos) + 1,
                "giver": giver,
                "receiver": receiver,
                "cohort_id": first,
                "value": value,
                "message": "Thanks for today",
                "token": f"bench-{len(kudos) + 1}",
                "created_at": recent,
            }
        )
        ledger.append(
            {
                "actor": giver,
                "kind": "kudos_given",
                "cohort_id": first,
                "object_type": "kudos",
                "object_id": len(kudos),
                "target": receiver,
                "created_at": recent,
            }
        )
        write(Kudos, kudos)
        write(
            Milestone,
            [
                {
                    "key": "bench:goal",
                    "kind": "goal_reached",
                    "cohort_id": first,
                    "text": "Cohort 1 reached the goal of Weekly practice",
                    "created_at": recent,
                }
            ],
        )
        ledger.append(
            {
                "actor": None,
                "kind": "celebrated",
                "cohort_id": first,
                "object_type": "milestone",
                "object_id": 1,
                "created_at": recent,
            }
        )

        # Check-ins fill the ledger up to its size, spread over the weeks.
        check_ins = []
        per_cohort = max(0, size.ledger - len(ledger)) // size.cohorts
        for n, (cohort, group) in enumerate(groups.items()):
            challenge = challenge_ids[n // COHORTS_PER_PROGRAM]
            for _ in range(per_cohort):
                at, person = moment(), rng.choice(group)
                week = at.date() - dt.timedelta(days=at.weekday())
                check_ins.append(
                    {
                        "id": len(check_ins) + 1,
                        "challenge": challenge,
                        "cohort": cohort,
                        "person": person,
                        "status": "done",
                        "week": week,
                        "token": f"bench-{len(check_ins) + 1}",
                        "created_at": at,
                    }
                )
                ledger.append(
                    {
                        "actor": person,
                        "kind": "checked_in",
                        "cohort_id": cohort,
                        "object_type": "checkin",
                        "object_id": len(check_ins),
                        "created_at": at,
                    }
                )
        write(CheckIn, check_ins)
        ledger.sort(key=lambda row: row["created_at"])
        write(Activity, ledger)

        # What people have seen: each member has read their cohort's threads, a while ago,
        # and visited their cohort; everyone has celebrated one milestone.
        seen = end - dt.timedelta(days=3)
        write(
            CohortVisit,
            ({"cohort": m["cohort"], "person": m["person"], "seen_at": seen} for m in memberships),
        )
        write(
            ThreadRead,
            (
                {"thread": thread["id"], "person": person, "seen_at": seen}
                for thread in threads
                for person in dict.fromkeys(groups[thread["cohort"]])
            ),
        )
        firsts = {}
        for m in memberships:
            firsts.setdefault(m["person"], m["cohort"])
        write(
            Milestone,
            (
                {
                    "key": f"first_reply:{person}",
                    "kind": "first_reply",
                    "person": person,
                    "cohort_id": cohort,
                    "text": "A first reply",
                    "created_at": start + dt.timedelta(days=1),
                }
                for person, cohort in firsts.items()
            ),
        )
        member = ids[3]
        # Everyone has a few read notices; the member's bell has more, five of them unread.
        notices = [
            {"person": p, "kind": "reply", "key": f"bench:{p}:{n}", "text": "Someone replied",
             "link": "/", "created_at": end - dt.timedelta(days=n + 1), "read_at": end}
            for p in ids
            for n in range(3)
        ]  # fmt: skip
        notices += [
            {"person": member, "kind": "reply", "key": f"bench:member:{n}", "cohort_id": first,
             "place": "Cohort 1", "text": f"Someone replied ({n})", "link": "/threads/1",
             "created_at": end - dt.timedelta(hours=n), "read_at": None if n < 5 else end}
            for n in range(60)
        ]  # fmt: skip
        write(Notification, notices)
    write.finish()
    return {model._meta.table_name: count for model, count in write.counts.items()}


def fresh_database(url):
    """Empty the PostgreSQL database at `url` (a SQLite file is new anyway)."""
    if url.startswith("postgres"):
        database = open_database(url)
        database.execute_sql("DROP SCHEMA IF EXISTS public CASCADE")
        database.execute_sql("CREATE SCHEMA public")
        database.close()


def scratch_folder():
    """A folder for a measurement's SQLite database and files, removed when the run ends
    (each run at M left over a gigabyte behind)."""
    folder = Path(tempfile.mkdtemp(prefix="bench-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def settle():
    """Leave the database as a running installation's is: SQLite's log back in the database,
    and the tables analysed (PostgreSQL's autovacuum does it soon after a table grows; without
    statistics its planner chose badly, and 100,000 rows took longer to export than a million).
    On PostgreSQL the new rows are vacuumed and written out too, as autovacuum and the
    checkpointer have long done on a running server: otherwise they do it during the load, a
    core's worth of work for minutes at M (a home page waited 1.1 s behind it)."""
    if is_sqlite():
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute_sql("ANALYZE")
        return
    db.execute_sql("VACUUM ANALYZE")
    db.execute_sql("CHECKPOINT")


def build(size_name, url, seed=1):
    """A migrated database at `url` holding the company; prints and returns the row counts."""
    from learning.factory import create_app
    from learning.migrate import migrate

    fresh_database(url)
    app = create_app(
        {"DATABASE_URL": url, "SECRET_KEY": "bench", "REDIS_URL": "redis://127.0.0.1:1"}
    )
    with app.app_context():
        migrate()
        with connection():
            began = time.perf_counter()
            counts = generate(size_name, seed)
            settle()
            seconds = time.perf_counter() - began
    rows = ", ".join(f"{count:,} {table}" for table, count in counts.items())
    print(f"generated {size_name} in {seconds:.0f} s: {rows}")
    return counts, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=SIZES, default="S")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="PostgreSQL to fill (its tables are dropped)")
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-"))
    url = arguments.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    build(arguments.size, url, arguments.seed)
    print(url)


if __name__ == "__main__":
    main()
