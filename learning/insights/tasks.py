"""The export job."""

from learning.insights import services
from learning.jobs.services import task


@task
def build_export(export_id):
    return services.run_export(export_id)
