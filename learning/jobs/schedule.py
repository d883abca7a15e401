"""The one schedule, read by `rq cron` (run exactly one). Cron strings are UTC.

Scheduled jobs find who or what is due now, so a missed run is caught up by the next one."""

from rq import cron

from learning.jobs.tasks import sweep_outbox

cron.register(sweep_outbox, "default", interval=60)
