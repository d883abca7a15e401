"""The export job, and the jobs that compute and forget kept figures."""

from learning.insights import kept, services
from learning.jobs.services import task


@task
def build_export(export_id):
    return services.run_export(export_id)


@task
def compute_figures(kept_id):
    return kept.compute(kept_id)


@task
def forget_unused_figures():
    """Run daily by cron."""
    return f"{kept.forget_unused()} forgotten"
