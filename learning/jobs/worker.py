"""Running the worker and the cron process with the app's configuration. Both ride out a
Redis outage: whatever Redis error stops RQ's loop, they wait and start it again, and only a
request to stop (SIGTERM, SIGINT) ends them."""

import itertools
import logging
import signal
import subprocess
import sys
import time

import click
import redis
from flask import current_app
from flask.cli import with_appcontext
from rq import Worker
from rq.cron import CronScheduler

from learning.db import db
from learning.jobs.services import worker_connection

SCHEDULE = "learning.jobs.schedule"
# Seconds between tries while Redis is away: doubling up to the last.
WAITS = (1, 2, 4, 8, 15)

log = logging.getLogger(__name__)


class StoppableWorker(Worker):
    """RQ's worker, remembering whether it was asked to stop: its loop also ends when Redis
    times out, and only then is it started again."""

    asked_to_stop = False

    def request_stop(self, signum, frame):
        self.asked_to_stop = True
        super().request_stop(signum, frame)


def wait_for_redis(connection, what, error):
    """Wait, logging once, until Redis answers again."""
    log.warning("%s: Redis is unavailable (%s); waiting for it", what, error)
    for attempt in itertools.count():
        time.sleep(WAITS[min(attempt, len(WAITS) - 1)])
        try:
            connection.ping()
        except redis.exceptions.RedisError:
            continue
        log.warning("%s: Redis answers again; going on", what)
        return


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option(
    "--queue",
    "queues",
    multiple=True,
    help="Only this queue (repeat for several). Default: every queue, in priority order.",
)
@click.option("--quiet", is_flag=True, help="Log warnings and errors only, not every job.")
@with_appcontext
def worker_command(burst, queues, quiet):
    """Run an RQ worker on every queue, in priority order, or on the queues named."""
    every = current_app.config["QUEUES"]
    unknown = sorted(set(queues) - set(every))
    if unknown:
        raise click.BadParameter(
            f"{', '.join(unknown)}: the queues are {', '.join(every)}", param_hint="--queue"
        )
    # Each job opens its own connection; none may be open when the worker forks.
    if hasattr(db.obj, "close_all"):
        db.close_all()
    elif not db.is_closed():
        db.close()
    connection = worker_connection()
    while True:
        worker = StoppableWorker(queues or every, connection=connection)
        try:
            worker.work(
                burst=burst, with_scheduler=True, logging_level="WARNING" if quiet else "INFO"
            )
        except redis.exceptions.RedisError as error:  # before its loop: registering itself
            wait_for_redis(connection, "worker", error)
            continue
        if burst or worker.asked_to_stop:
            return
        # RQ's loop ended on its own: Redis timed out, or an error it does not handle.
        wait_for_redis(connection, "worker", "its loop ended")


@click.command("cron")
@with_appcontext
def cron_command():
    """Run the scheduler that enqueues the jobs in learning/jobs/schedule.py (run one only)."""
    connection = worker_connection()
    scheduler = CronScheduler(connection=connection)
    scheduler.load_config_from_file(SCHEDULE)
    while True:
        try:
            scheduler.start()  # returns when asked to stop
            return
        except redis.exceptions.RedisError as error:
            wait_for_redis(connection, "cron", error)


@click.command("keep-running", context_settings={"ignore_unknown_options": True})
@click.argument("command", nargs=-1, type=click.UNPROCESSED, required=True)
def keep_running_command(command):
    """Run `flask COMMAND…` and start it again whenever it ends without being asked to stop
    (for `flask dev`, where one process ending would stop the others, the web included)."""
    stopping = False
    child = None

    def stop(signum, frame):
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    argv = [sys.executable, "-m", "flask", *sys.argv[1 : sys.argv.index("keep-running")], *command]
    while True:
        # Its own session: a signal to our process group reaches it once, through `stop`.
        child = subprocess.Popen(argv, start_new_session=True)  # noqa: S603 (our own flask)
        returncode = child.wait()
        if stopping:  # ended as asked (a negative code: by the signal we passed on)
            sys.exit(max(returncode, 0))
        click.echo(f"{' '.join(command)} ended ({returncode}); starting it again", err=True)
        time.sleep(WAITS[1])


def init_app(app):
    app.cli.add_command(worker_command)
    app.cli.add_command(cron_command)
    app.cli.add_command(keep_running_command)
