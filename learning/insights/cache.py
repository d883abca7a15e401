"""Figures that are costly to compute and the same for every reader (the HR report, L&D
analytics), kept in Redis for INSIGHTS_CACHE_SECONDS. A page built from them says how old
they are. Without Redis they are computed for each request, as with a zero lifetime."""

import contextlib
import datetime as dt
import hashlib
import json

import redis
from flask import current_app

from learning.db import utcnow
from learning.jobs.services import redis_connection


def remembered(name, params, compute):
    """(compute()'s value, when it was computed); the value must be JSON. `params` are all
    that the value depends on (never who is reading). Give `name` a new suffix whenever the
    value's shape changes, so that what an earlier release kept is not read as the new one."""
    seconds = current_app.config["INSIGHTS_CACHE_SECONDS"]
    if seconds <= 0:
        return compute(), utcnow()
    digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()
    key = f"{current_app.config['RATELIMIT_KEY_PREFIX']}:insights:{name}:{digest}"
    try:
        kept = redis_connection().get(key)
    except redis.RedisError:
        return compute(), utcnow()
    if kept is not None:
        value, at = json.loads(kept)
        return value, dt.datetime.fromisoformat(at)
    value, at = compute(), utcnow()
    with contextlib.suppress(redis.RedisError):
        redis_connection().set(key, json.dumps([value, at.isoformat()]), ex=seconds)
    return value, at
