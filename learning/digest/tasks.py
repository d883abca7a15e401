"""The digest jobs: a dispatcher the cron runs every few minutes, and the batches it enqueues."""

from learning.digest import services
from learning.jobs.services import task


@task
def dispatch(now=None):
    """Enqueue a digest job for everyone whose hour has come (cron, every five minutes)."""
    return services.dispatch(now)


@task
def send_digests(batch):
    """Compose and send the digests of a batch: [[person id, period, slot], ...]."""
    return services.send(batch)
