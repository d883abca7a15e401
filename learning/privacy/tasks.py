"""The daily retention job."""

from dataclasses import asdict

from learning.jobs.services import task
from learning.privacy import services


@task
def purge_old_data():
    """Run daily by cron; a missed day is caught up by the next run. Returns what it removed."""
    return asdict(services.purge())
