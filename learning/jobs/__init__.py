"""Background jobs: the outbox, queues, the worker and the one cron schedule."""
