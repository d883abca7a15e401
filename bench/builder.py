"""Benchmark: the cohort builder forms 10,000 participants in under 2 seconds.

Run with `make bench`. It times the builder alone, then the whole proposal (builder plus
saving the draft cohorts) on a fresh SQLite database, and exits non-zero over the target."""

import argparse
import datetime
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import scratch_folder  # noqa: E402
from cohorts import forming  # noqa: E402
from cohorts import services as cohorts  # noqa: E402
from cohorts.builder import Candidate, build  # noqa: E402
from learning.db import atomic, connection  # noqa: E402
from learning.factory import create_app  # noqa: E402
from learning.migrate import migrate  # noqa: E402
from learning.people.models import Person, PersonRole, Preferences, Role  # noqa: E402

TARGET_SECONDS = 2.0
ZONES = [
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "America/Los_Angeles",
    "Australia/Sydney",
]
DEPARTMENTS = ["Engineering", "Sales", "Marketing", "Operations", "Finance", "People", "Legal"]


def population(size, seed=1):
    rng = random.Random(seed)
    return [
        Candidate(
            id=n,
            name=f"Person {n}",
            department=rng.choice(DEPARTMENTS),
            location=f"Site {rng.randint(1, 12)}",
            time_zone=rng.choice(ZONES),
            manager_id=rng.randint(1, n - 1) if n > 8 else None,
        )
        for n in range(1, size + 1)
    ]


def timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def bench_builder(size):
    people = population(size)
    proposal, seconds = timed(lambda: build(people, 8, seed=0))
    print(
        f"builder alone: {size} people -> {len(proposal.cohorts)} cohorts in {seconds:.2f} s "
        f"({len(proposal.relaxed)} relaxed rules)"
    )
    return seconds


def bench_proposal(size):
    folder = scratch_folder()
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
            "REDIS_URL": "redis://127.0.0.1:1",
            "SECRET_KEY": "bench",
        }
    )
    with app.app_context():
        migrate()
        with connection():
            with atomic():
                manager = Person.create(email="lnd@bench.test", display_name="L&D")
                PersonRole.create(person=manager, role=Role.LD_MANAGER)
                rows = [
                    {
                        "email": f"p{c.id}@bench.test",
                        "display_name": c.name,
                        "department": c.department,
                        "location": c.location,
                        "time_zone": c.time_zone,
                    }
                    for c in population(size)
                ]
                for start in range(0, len(rows), 500):
                    Person.insert_many(rows[start : start + 500]).execute()
                Preferences.insert_many([{"person": p} for p in Person.select(Person.id)]).execute()
            program = cohorts.save_program(
                manager,
                name="Bench",
                starts_on=datetime.date(2027, 1, 1),
                ends_on=datetime.date(2027, 3, 1),
                cohort_size=8,
            )
            cohorts.add_participants(
                manager, program, list(Person.select().where(Person.id != manager.id))
            )
            proposal, seconds = timed(lambda: forming.propose(manager, program, 8))
    print(f"whole proposal (read, build, save drafts): {len(proposal.cohorts)} cohorts", end="")
    print(f" in {seconds:.2f} s")
    return seconds


def measure(size):
    builder_seconds = bench_builder(size)
    proposal_seconds = bench_proposal(size)
    return {
        "people": size,
        "builder_seconds": builder_seconds,
        "proposal_seconds": proposal_seconds,
        "ok": builder_seconds < TARGET_SECONDS and proposal_seconds < 5 * TARGET_SECONDS,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10_000)
    size = parser.parse_args().size
    result = measure(size)
    verdict = "within" if result["ok"] else "OVER"
    print(f"target: form {size} participants in under {TARGET_SECONDS:g} s: {verdict}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
