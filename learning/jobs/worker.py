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
@with_appcontext
def worker_command(burst):
    """Run an RQ worker on every queue, in priority order."""
    # Each job opens its own connection; none may be open when the worker forks.
    if hasattr(db.obj, "close_all"):
        db.close_all()
    elif not db.is_closed():
        db.close()
    worker = Worker(current_app.config["QUEUES"], connection=redis_connection())
    worker.work(burst=burst, with_scheduler=True)


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
