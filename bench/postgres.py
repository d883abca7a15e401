"""PostgreSQL as a company runs it at scale: the pages through PgBouncer in transaction mode,
and the database restarted under load.

- `through_pgbouncer`: PgBouncer 1.21+ (`make pgbouncer`) in front of the run's database,
  `max_prepared_statements` on, and a gunicorn connecting through it with the pool; the pages
  people use all day loaded as on the direct connection, then PgBouncer's own counts: how
  many statements its clients prepared, how many it prepared on the server, how many it bound.
- `restart`: a PostgreSQL cluster of the benchmark's own holding the S company, gunicorn on it
  through the pool, wrk on the cohort space; five seconds in, the database stops (a fast
  shutdown, as a restart begins) and starts again three seconds later. A second visitor asks
  for the page every 50 ms meanwhile, to tell what each moment was answered.
"""

import subprocess
import threading
import time

from bench import generate, load
from tests.servers import Bouncer, PostgresCluster, pgbouncer

POOL = "?max_connections=16&stale_timeout=300"


def through_pgbouncer(direct, database_url, redis_url, visitors, seconds, connections=8):
    """The scenarios of `load.ON_TWO_NODES` through PgBouncer, each right after the same on
    `direct` (the main run's server); a dict of rows and counts, or None when no PgBouncer
    1.21+ is installed."""
    if not pgbouncer():
        print("  PgBouncer 1.21+ not found (make pgbouncer): not measured")
        return None
    name = database_url.rsplit("/", 1)[1].split("?")[0]
    with Bouncer(database_url, pool_size=16) as bouncer:
        server = load.Server(bouncer.url(name, "postgresql+pool") + POOL, redis_url, jobs=False)
        try:
            before = _stats(bouncer, name)
            rows = load.paired(direct.base, server.base, visitors, seconds, connections)
            after = _stats(bouncer, name)
        finally:
            server.stop()
    for row in rows:
        load.print_row("through PgBouncer", row["scenario"], row)
    counted = {key: int(after[key] - before[key]) for key in before if key.startswith("total_")}
    return {"rows": rows, "client_parses": counted["total_client_parse_count"],
            "server_parses": counted["total_server_parse_count"],
            "binds": counted["total_bind_count"], "queries": counted["total_query_count"],
            "version": _version()}  # fmt: skip


def _stats(bouncer, name):
    return next(row for row in bouncer.admin("SHOW STATS") if row["database"] == name)


def _version():
    printed = subprocess.run([pgbouncer(), "--version"], capture_output=True, text=True)  # noqa: S603
    return printed.stdout.split()[1]


STOP_AFTER, DOWN_FOR = 5, 3  # seconds


def restart(redis_url, seconds=20, connections=8):
    """wrk on the cohort space while PostgreSQL stops and starts; a dict of what it saw."""
    with PostgresCluster() as cluster:
        generate.build("S", cluster.url)
        server = load.Server(cluster.url.replace("postgresql://", "postgresql+pool://") + POOL,
                             redis_url, jobs=False)  # fmt: skip
        try:
            loader = load.Visitor(server.base, load.ACCOUNTS["member"])
            watcher = load.Visitor(server.base, load.ACCOUNTS["member"])
            scenario = next(s for s in load.SCENARIOS if s.name == "cohort space")
            seen, stop = [], threading.Event()
            watching = threading.Thread(target=_watch, args=(watcher, scenario, seen, stop))
            wrk = {}
            loading = threading.Thread(target=lambda: wrk.update(
                load.load(server.base, scenario, loader, "", connections, seconds)))  # fmt: skip
            began = time.monotonic()
            watching.start()
            loading.start()
            time.sleep(STOP_AFTER)
            cluster.stop()
            stopped = time.monotonic()
            time.sleep(DOWN_FOR)
            starting = time.monotonic()
            cluster.start()
            loading.join()
            stop.set()
            watching.join()
        finally:
            server.stop()
    down = [status for at, status in seen if stopped <= at < starting]
    after = [(at, status) for at, status in seen if at >= starting]
    back = next((at for at, status in after if status == 200), None)
    return {
        "requests": wrk["requests"], "seconds": wrk["seconds"],
        "connection_errors": wrk["errors"], "not_2xx": wrk["status_errors"],
        "statuses_while_down": sorted(set(down)),
        "statuses_after": sorted({status for at, status in after if back and at >= back}),
        "statuses": sorted({status for _, status in seen}),
        "back_after_start_s": None if back is None else back - starting,
        "down_s": starting - stopped, "stopped_at_s": stopped - began,
    }  # fmt: skip


def _watch(visitor, scenario, seen, stop):
    headers = visitor.headers(scenario)
    while not stop.is_set():
        asked = time.monotonic()
        try:
            status = visitor.request("GET", scenario.path, headers=headers, timeout=10)[0]
        except OSError:
            status = 0  # no answer at all
        seen.append((asked, status))
        time.sleep(0.05)
