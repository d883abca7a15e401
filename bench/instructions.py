"""Processor instructions per request of one page, counted by valgrind's callgrind.

A timed run on this machine cannot tell a 10% change of one page (the same code measured 31 to
77 ms p95 between runs); the count of instructions is the same for the same code and data,
whatever else the machine is doing. To compare two commits, run this in a checkout of each
against the same database (`git worktree add /tmp/before <commit>`).

    python bench/instructions.py /cohorts/1                     # the member, SQLite, size S
    python bench/instructions.py /cohorts/1 --who manager --database-url postgresql://...

The page is served in-process (Flask's test client) to one of the generator's accounts. The
process is counted twice, serving the page WARM times and then WARM + N times: the difference
over N is one request, start-up and imports left out. Without `--database-url` a size S
company is generated into a scratch SQLite file; a PostgreSQL database given is used as it is
(fill it with `python bench/generate.py --size S --database-url ...`). The Redis database
(`REDIS_URL`, default 127.0.0.1:6379/15) is emptied before each count, so both start alike.
What the database server does is not counted: the probe prints the page's SQL statements
(`--statements FILE`) to compare them as well.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import ACCOUNTS  # noqa: E402 (after the path)

COLLECTED = re.compile(r"Collected : (\d+)")


def serve(path, who, times, statements_file=None):
    """In this process: sign in as `who` and ask for `path` `times` times."""
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    from app import app
    from learning.db import statements

    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = {"email": ACCOUNTS[who], "password": "learn-together", "csrf_token": token}
    answer = client.post("/sign-in", data=form)
    assert answer.status_code in (302, 303), f"sign-in answered {answer.status_code}"
    for _ in range(times):
        status = client.get(path).status_code
        assert status == 200, f"{path} answered {status}"
    if statements_file:
        with statements() as seen:
            client.get(path)
        Path(statements_file).write_text("".join(f"{statement}\n" for statement in seen))
        print(f"{len(seen)} SQL statements, written to {statements_file}")


def counted(arguments, times):
    """Instructions of a whole process that serves the page `times` times."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        __file__,
        arguments.path,
        "--who",
        arguments.who,
        "--serve",
        str(times),
    ]
    environment = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    found = COLLECTED.search(done.stderr)
    if done.returncode or not found:
        raise SystemExit(done.stderr[-3000:])
    return int(found.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", help="the page, as /cohorts/1")
    parser.add_argument("--who", choices=ACCOUNTS, default="member")
    parser.add_argument("--database-url", help="an existing database (default: a new S one)")
    parser.add_argument("--warm", type=int, default=10, help="requests before counting")
    parser.add_argument("-n", type=int, default=50, help="requests counted")
    parser.add_argument("--statements", help="write the page's SQL statements to this file")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
    os.environ.update(DEV_OUTBOX="0", SIGNIN_LIMIT="1000 per minute")
    os.environ["SECRET_KEY"] = "bench"  # noqa: S105 (a benchmark's own)
    if arguments.serve is not None:
        serve(arguments.path, arguments.who, arguments.serve)
        return
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is needed: apt-get install -y valgrind")
    if arguments.database_url:
        os.environ["DATABASE_URL"] = arguments.database_url
    else:
        from bench.generate import build, scratch_folder

        os.environ["DATABASE_URL"] = f"sqlite:///{scratch_folder() / 'bench.sqlite3'}"
        build("S", os.environ["DATABASE_URL"])
    if arguments.statements:
        serve(arguments.path, arguments.who, 1, arguments.statements)
    base = counted(arguments, arguments.warm)
    total = counted(arguments, arguments.warm + arguments.n)
    each = (total - base) / arguments.n
    print(f"{arguments.path} as {arguments.who}: {each:,.0f} instructions a request")


if __name__ == "__main__":
    main()
