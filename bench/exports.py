"""Benchmark: an export of 100,000 rows (numbers per person) in CSV and XLSX, with the
worker's peak memory under 100 MB.

Run with `make bench`. It builds 100,000 people in cohorts of eight with a contribution each
on a fresh SQLite database, then runs each export as the real job in a forked RQ work horse
and reads that process's peak resident memory. It uses REDIS_URL, or an embedded Valkey when
it is unset, and exits non-zero over the target."""

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rq import Queue  # noqa: E402

from bench.generate import Writer, fresh_database, scratch_folder, settle  # noqa: E402
from cohorts.models import Cohort, Membership, Program  # noqa: E402
from learning.db import atomic, connection  # noqa: E402
from learning.factory import create_app  # noqa: E402
from learning.insights.models import Export  # noqa: E402
from learning.insights.tasks import build_export  # noqa: E402
from learning.jobs.services import redis_connection  # noqa: E402
from learning.ledger import Activity  # noqa: E402
from learning.migrate import migrate  # noqa: E402
from learning.people.models import Person  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TARGET_MB = 100
COHORT_SIZE = 8
DEPARTMENTS = ["Engineering", "Sales", "Marketing", "Operations", "Finance", "People", "Legal"]


def build(size):
    write = Writer()
    with atomic():
        people = write(Person, ({"email": f"p{n}@bench.test", "display_name": f"Person {n}",
                                 "department": DEPARTMENTS[n % 7], "location": f"Site {n % 12}"}
                                for n in range(size)))  # fmt: skip
        program = Program.create(name="Bench", starts_on=dt.date(2026, 9, 1),
                                 ends_on=dt.date(2026, 12, 1))  # fmt: skip
        count = (size + COHORT_SIZE - 1) // COHORT_SIZE
        cohorts = write(Cohort, ({"program": program.id, "name": f"Cohort {n}",
                                  "status": "published"} for n in range(count)))  # fmt: skip
        write(Membership, ({"cohort": cohorts[i // COHORT_SIZE], "person": p}
                           for i, p in enumerate(people)))  # fmt: skip
        write(Activity, ({"actor": p, "kind": "replied", "cohort_id": cohorts[i // COHORT_SIZE],
                          "created_at": dt.datetime(2026, 10, 1 + i % 28)}
                         for i, p in enumerate(people)))  # fmt: skip
        write.finish()
    return people[0]


# A worker process of its own that runs the job in-process (RQ's SimpleWorker) and prints
# its own peak resident memory in kB: the app, RQ and the export together. VmHWM, not
# ru_maxrss, which on Linux keeps the peak of the process this one was started from.
WORKER = """
import json, re, sys
from pathlib import Path
from rq import SimpleWorker
from learning.factory import create_app
from learning.jobs.services import redis_connection
app = create_app(json.loads(sys.argv[1]))
with app.app_context():
    SimpleWorker(["exports"], connection=redis_connection()).work(burst=True)
print(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1))
"""


def export(config, requester, format):
    """Run one export in a worker process; (seconds, peak MB of that process tree, rows)."""
    with connection():
        made = Export.create(requested_by=requester, report="individual", format=format,
                             grouping="person", filters=json.dumps({}),
                             expires_at=dt.datetime(2100, 1, 1))  # fmt: skip
    Queue("exports", connection=redis_connection()).enqueue(build_export, made.id)
    start = time.perf_counter()
    command = [sys.executable, "-c", WORKER, json.dumps(config)]
    done = subprocess.run(command, check=True, cwd=ROOT, capture_output=True, text=True)  # noqa: S603 (ours)
    seconds = time.perf_counter() - start
    peak = int(done.stdout.split()[-1]) / 1024
    with connection():
        done = Export.get_by_id(made.id)
    assert done.status == "done", done.error
    return seconds, peak, done.progress


def measure(size, database_url=None):
    """Build `size` people on a fresh database and export them as CSV and XLSX, each in a
    worker process of its own; {"csv": {"seconds", "peak_mb", "rows"}, "xlsx": {...}}."""
    folder = scratch_folder()
    url = database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    fresh_database(url)
    config = {"DATABASE_URL": url, "SECRET_KEY": "bench", "EXPORTS_DIR": str(folder / "exports")}
    app = create_app(config)
    config["REDIS_URL"] = app.config["REDIS_URL"]
    result = {"people": size}
    with app.app_context():
        migrate()
        with connection():
            start = time.perf_counter()
            requester = build(size)
            settle()
            print(f"built {size} people in {time.perf_counter() - start:.1f} s")
        for format in ("csv", "xlsx"):
            seconds, peak, rows = export(config, requester, format)
            result[format] = {"seconds": seconds, "peak_mb": peak, "rows": rows}
            print(f"{format}: {rows} rows in {seconds:.1f} s, worker peak {peak:.0f} MB")
    result["ok"] = all(result[f]["peak_mb"] < TARGET_MB for f in ("csv", "xlsx"))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--database-url", help="PostgreSQL to use (its tables are dropped)")
    arguments = parser.parse_args()
    result = measure(arguments.size, arguments.database_url)
    worst = max(result[f]["peak_mb"] for f in ("csv", "xlsx"))
    print(f"target: export {arguments.size} rows with under {TARGET_MB} MB: {worst:.0f} MB, "
          f"{'within' if result['ok'] else 'OVER'}")  # fmt: skip
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
