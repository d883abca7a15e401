"""Running the worker and the cron process with the app's configuration."""

import click
from flask import current_app
from flask.cli import with_appcontext
from rq import Worker
from rq.cron import CronScheduler

from learning.db import db
from learning.jobs.services import redis_connection

SCHEDULE = "learning.jobs.schedule"


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
    worker = Worker(queues or every, connection=redis_connection())
    worker.work(burst=burst, with_scheduler=True, logging_level="WARNING" if quiet else "INFO")


@click.command("cron")
@with_appcontext
def cron_command():
    """Run the scheduler that enqueues the jobs in learning/jobs/schedule.py (run one only)."""
    scheduler = CronScheduler(connection=redis_connection())
    scheduler.load_config_from_file(SCHEDULE)
    scheduler.start()


def init_app(app):
    app.cli.add_command(worker_command)
    app.cli.add_command(cron_command)
