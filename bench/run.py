"""`make bench`: the whole benchmark at one size, on SQLite and on PostgreSQL when reachable.

For each database: generate the company (bench/generate.py), load every page scenario and the
two references (bench/load.py), then time the jobs: digests with an SMTP sink, exports, the
cohort builder. The run is saved to bench/results/<SIZE>.json, a line is added to
bench/results/history.jsonl, and bench/RESULTS.md is written from those files alone.

    python bench/run.py --size S            # a couple of minutes
    python bench/run.py --size M            # the full run (about half an hour per database)
"""

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import builder, digests, exports, generate, live, load, postgres, report  # noqa: E402
from tests.servers import PostgresCluster, postgres_binaries, reachable  # noqa: E402

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
PLANS = {
    # seconds per scenario and concurrency; people for digests; rows per export
    # streams: browsers holding a cohort's live events open (bench/live.py)
    # digest_workers: the digests are timed with each number of worker processes in turn
    "S": {
        "seconds": 3,
        "digests": 200,
        "digest_workers": [1, 2],
        "exports": [10_000],
        "builder": 10_000,
        "streams": 200,
    },  # fmt: skip
    "M": {
        "seconds": 15,
        "digests": 10_000,
        "digest_workers": [1, 2],
        "exports": [100_000, 1_000_000],
        "builder": 10_000,
        "streams": 1000,
    },
    "L": {
        "seconds": 15,
        "digests": 50_000,
        "digest_workers": [1, 2, 4],
        "exports": [100_000, 1_000_000],
        "builder": 10_000,
        "streams": 1000,
    },
}
# The settings that tell how the PostgreSQL measured compares with a company's.
POSTGRES_SETTINGS = ("autovacuum", "fsync", "synchronous_commit", "shared_buffers")


def postgres_url(stack):
    """The benchmark's PostgreSQL database (created if missing), or None without PostgreSQL.

    `BENCH_POSTGRES_URL`'s server, when given; otherwise a cluster of the benchmark's own
    (`stack` stops it), with PostgreSQL's settings as installed. Not the machine's server
    by default: a CI machine's turns autovacuum off, which no company does, and the
    benchmark's writes to one thread then leave its row thousands of dead versions to step
    over (bench/README.md)."""
    import psycopg

    from learning.db import open_database

    url = os.environ.get("BENCH_POSTGRES_URL")
    if url is None:
        if postgres_binaries() is None:
            return None
        cluster = stack.enter_context(PostgresCluster(durable=True))
        url = cluster.url.rsplit("/", 1)[0] + "/bench"
    if not reachable(url):
        return None
    server = url.rsplit("/", 1)[0] + "/postgres"
    database = url.rsplit("/", 1)[1]
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{database}"')
    open_database(url).close()
    return url


def redis_url():
    """REDIS_URL, or an embedded Valkey started for this run (children inherit it)."""
    from learning.factory import create_app

    return create_app({"DATABASE_URL": "sqlite:///:memory:", "SECRET_KEY": "bench"}).config[
        "REDIS_URL"
    ]


def git(*arguments):
    done = subprocess.run(["git", *arguments], capture_output=True, text=True, cwd=BENCH)  # noqa: S603, S607
    return done.stdout.strip()


def machine(database_urls):
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    versions = {
        name: metadata.version(name)
        for name in ("Flask", "Werkzeug", "Jinja2", "peewee", "gunicorn", "rq", "redis", "psycopg")
    }
    versions["Python"] = platform.python_version()
    versions["SQLite"] = sqlite3.sqlite_version
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True)  # noqa: S607
    versions["wrk"] = (wrk.stdout or wrk.stderr).split()[1]
    if "postgresql" in database_urls:
        from learning.db import open_database

        database = open_database(database_urls["postgresql"])
        versions["PostgreSQL"] = database.execute_sql("SHOW server_version").fetchone()[0]
        settings = ", ".join(
            f"{name} {database.execute_sql(f'SHOW {name}').fetchone()[0]}"
            for name in POSTGRES_SETTINGS
        )
        versions["PostgreSQL"] += f" ({settings})"
        database.close()
    import redis

    versions["Redis"] = redis.Redis.from_url(os.environ["REDIS_URL"]).info()["redis_version"]
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain")
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory,
        "os": f"{platform.system()} {platform.release()}",
        "versions": versions,
        "commit": commit + ("+changes" if dirty else ""),
    }


def bench_database(size, kind, url, plan):
    print(f"== {kind}: generating {size}", flush=True)
    rows, seconds = generate.build(size, url)
    # What generating wrote goes to disk before the load: otherwise the kernel writes it back
    # during the first scenarios, and their writes wait for the disk (a reply alone, run
    # right after copying the M database: 173 req/s; after a sync: 206).
    began = time.perf_counter()
    os.sync()
    result = {"generate": {"seconds": seconds, "rows": rows,
                           "sync_seconds": time.perf_counter() - began}}  # fmt: skip
    print(f"== {kind}: load ({WORKERS_LINE})", flush=True)
    # The server connects as the README says to run at scale: PostgreSQL through the pool.
    served = url.replace("postgresql://", "postgresql+pool://", 1) + (
        "?max_connections=16&stale_timeout=300" if kind == "postgresql" else ""
    )
    redis = os.environ["REDIS_URL"]
    result["live"] = {}

    def live_events(server, visitors):
        print(f"== {kind}: two web nodes", flush=True)
        result["two_nodes"] = load.two_nodes(server, served, redis, visitors, plan["seconds"])
        if kind == "postgresql":
            print(f"== {kind}: through PgBouncer", flush=True)
            result["pgbouncer"] = postgres.through_pgbouncer(server, url, redis, visitors,
                                                             plan["seconds"])  # fmt: skip
        print(f"== {kind}: {plan['streams']} live event streams", flush=True)
        result["live"] = live.measure(server, visitors["member"], served, redis,
                                      plan["streams"], plan["seconds"])  # fmt: skip

    result["load"] = load.run(served, redis, seconds=plan["seconds"], then=live_events)
    if kind == "postgresql":
        print(f"== {kind}: restarted under load", flush=True)
        result["restart"] = postgres.restart(redis)
    # The jobs build their own data on a fresh database (the same URL, emptied).
    print(f"== {kind}: digests for {plan['digests']} people", flush=True)
    result["digests"] = digests.measure(plan["digests"], url if kind == "postgresql" else None,
                                        plan["digest_workers"])  # fmt: skip
    result["exports"] = []
    for count in plan["exports"]:
        print(f"== {kind}: export of {count} rows", flush=True)
        result["exports"].append(exports.measure(count, url if kind == "postgresql" else None))
    return result


def _earlier_sqlite(size):
    """SQLite's numbers from the last run at `size`, with that run's date and commit."""
    path = RESULTS / f"{size}.json"
    if not path.exists():
        return {}
    earlier = json.loads(path.read_text())
    found = earlier["databases"].get("sqlite")
    if found is None:
        return {}
    found.setdefault("date", earlier["date"])
    found.setdefault("commit", earlier["machine"]["commit"])
    return {"sqlite": found}


WORKERS_LINE = f"gunicorn gthread, {load.WORKERS} workers x {load.THREADS} threads"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=generate.SIZES, default=os.environ.get("SIZE", "S"))
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgresql-only", action="store_true",
                        help="measure PostgreSQL only; SQLite's numbers stay those of the "
                        "last run at this size")  # fmt: skip
    arguments = parser.parse_args()
    size, plan = arguments.size, PLANS[arguments.size]
    os.environ["REDIS_URL"] = redis_url()
    with contextlib.ExitStack() as stack:  # the benchmark's own PostgreSQL, if started
        return _run(arguments, size, plan, stack)


def _run(arguments, size, plan, stack):
    folder = generate.scratch_folder()
    urls = {} if arguments.postgresql_only else {"sqlite": f"sqlite:///{folder / 'bench.sqlite3'}"}
    postgres = None if arguments.sqlite_only else postgres_url(stack)
    if postgres:
        urls["postgresql"] = postgres
    elif arguments.postgresql_only:
        sys.exit("PostgreSQL is not reachable")
    else:
        print("PostgreSQL is not reachable (or --sqlite-only): SQLite only.")
    began = time.perf_counter()
    run = {
        "size": size,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(urls),
        "server": WORKERS_LINE,
        "plan": plan,
        "sizes": {k: vars(v) for k, v in generate.SIZES.items()},
        "databases": {},
    }
    print(f"== cohort builder on {plan['builder']} participants", flush=True)
    run["builder"] = builder.measure(plan["builder"])
    for kind, url in urls.items():
        run["databases"][kind] = bench_database(size, kind, url, plan)
        run["databases"][kind] |= {"date": run["date"], "commit": run["machine"]["commit"]}
    run["minutes"] = (time.perf_counter() - began) / 60
    if arguments.postgresql_only:
        run["databases"] = _earlier_sqlite(size) | run["databases"]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{size}.json").write_text(json.dumps(run, indent=1) + "\n")
    with (RESULTS / "history.jsonl").open("a") as history:
        history.write(json.dumps(report.headline(run)) + "\n")
    (BENCH / "RESULTS.md").write_text(report.render(RESULTS))
    misses = report.misses(run)
    print(f"done in {run['minutes']:.0f} min; bench/RESULTS.md written")
    for miss in misses:
        print(f"  missed: {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
