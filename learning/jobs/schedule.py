"""The one schedule, read by `rq cron` (run exactly one). Cron strings are UTC.

Scheduled jobs find who or what is due now, so a missed run is caught up by the next one.
Like the factory, it is a composition root: it names the domains' periodic jobs."""

from rq import cron

from cohorts.tasks import celebrate_dates
from feedback.polls.tasks import ask_pulses_again, tell_closed_polls
from learning.api.tasks import sweep_webhooks
from learning.chat.tasks import release_due as release_chat
from learning.digest.tasks import dispatch as dispatch_digests
from learning.insights.tasks import forget_unused_figures
from learning.jobs.tasks import sweep_outbox
from learning.mail.tasks import release_due
from learning.privacy.tasks import purge_old_data

cron.register(sweep_outbox, "default", interval=60)
cron.register(release_due, "mail", interval=60)
cron.register(sweep_webhooks, "webhooks", interval=60)
cron.register(release_chat, "notices", interval=60)
cron.register(tell_closed_polls, "default", interval=600)
cron.register(celebrate_dates, "default", interval=3600)
cron.register(ask_pulses_again, "default", interval=3600)
# Everyone gets their digest within five minutes of their own hour.
cron.register(dispatch_digests, "digests", interval=300)
# Retention: old ledger entries and expired export files, once a night (UTC).
cron.register(purge_old_data, "default", cron="30 3 * * *")
# Kept report figures no page asked for in a week.
cron.register(forget_unused_figures, "default", cron="45 3 * * *")
