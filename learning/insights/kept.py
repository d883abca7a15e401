"""Figures that are costly to compute and the same for every reader (the HR report, its
filter options, L&D analytics): a job computes them and the database keeps them.

A page shows the kept figures and says how old they are. Older than INSIGHTS_CACHE_SECONDS,
they are still shown while a job computes new ones; never computed yet, the page says they
are being prepared, with the job's progress, and looks again. One job at a time per
computation and parameters (a unique key per round). With INSIGHTS_CACHE_SECONDS = 0 they
are computed for each request instead, and nothing is kept."""

import datetime as dt
import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property

from flask import current_app
from markupsafe import Markup

from learning.db import atomic, utcnow
from learning.insights.models import KeptFigures
from learning.jobs.services import LOST_AFTER, defer

_computations = {}
# Figures no page asked for in this long are forgotten (computed again when asked).
FORGET_AFTER = dt.timedelta(days=7)


def computation(name):
    """Register `compute(params, progress)` as how the figures called `name` are computed.
    It returns a JSON value and may call `progress(done, steps)` as it goes. Give `name` a
    new suffix whenever the value's shape changes, so that what an earlier release kept is
    not read as the new one."""

    def register(compute):
        _computations[name] = compute
        return compute

    return register


@dataclass(frozen=True)
class Figures:
    text: str | None  # their JSON; None while the first computation runs
    at: dt.datetime | None  # when the computation that gave them began
    refreshing: bool = False  # a newer computation is under way
    done: int = 0  # the computation's progress, while there is nothing to show yet
    steps: int = 0
    key: tuple | None = None  # these very figures, among all kept ones; None if not kept

    @property
    def preparing(self):
        return self.text is None

    @cached_property
    def value(self):
        """Decoded when first read: a page rendered from remembered HTML never reads it."""
        return None if self.text is None else json.loads(self.text)


def figures(name, params):
    """The figures called `name` for `params` (JSON; all they depend on, never who is
    reading). One query when they are fresh; a few more when a job must be asked for."""
    if current_app.config["INSIGHTS_CACHE_SECONDS"] <= 0:
        # Through JSON as when kept, so that the value has the same shape either way.
        return Figures(json.dumps(_computations[name](params, _ignore)), utcnow())
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()
    kept = KeptFigures.get_or_none(KeptFigures.name == name, KeptFigures.digest == digest)
    now = utcnow()
    if kept is None or _stale(kept, now):
        kept = _ask(kept, name, digest, params, now)
    return Figures(kept.value, kept.computed_at, kept.asked_at is not None, kept.done, kept.steps,
                   (kept.id, kept.computed_at))  # fmt: skip


def rendered(figures, render):
    """`render(figures.value)`, HTML, remembered in this process for as long as the figures
    are the same ones: a page of many rows is rendered once per computation, not per reader."""
    if figures.key is None:
        return Markup(render(figures.value))  # noqa: S704 (render escapes, as Jinja does)
    with _rendering:
        html = _rendered.get(figures.key)
    if html is None:
        html = Markup(render(figures.value))  # noqa: S704 (render escapes, as Jinja does)
        with _rendering:
            _rendered[figures.key] = html
            while len(_rendered) > RENDERED:
                _rendered.popitem(last=False)
    return html


# Rendered figures remembered per process, the oldest forgotten first.
RENDERED = 64
_rendered = OrderedDict()
_rendering = threading.Lock()


def _ignore(done, steps):
    pass


def _stale(kept, now):
    seconds = current_app.config["INSIGHTS_CACHE_SECONDS"]
    return kept.computed_at is None or kept.computed_at <= now - dt.timedelta(seconds=seconds)


def _ask(kept, name, digest, params, now):
    """Ask for a computation unless one is under way (one asked for LOST_AFTER ago is taken
    as lost, and asked for again); returns the row as it now stands."""
    from learning.insights.tasks import compute_figures

    with atomic():
        if kept is None:
            KeptFigures.insert(name=name, digest=digest, params=json.dumps(params)) \
                .on_conflict_ignore().execute()  # fmt: skip
            kept = KeptFigures.get(KeptFigures.name == name, KeptFigures.digest == digest)
        if kept.asked_at is not None and kept.asked_at > now - LOST_AFTER:
            return kept
        claimed = (
            KeptFigures.update(round=kept.round + 1, asked_at=now, done=0, steps=0)
            .where(KeptFigures.id == kept.id, KeptFigures.round == kept.round)
            .execute()
        )
        if claimed:
            kept.round, kept.asked_at, kept.done, kept.steps = kept.round + 1, now, 0, 0
            defer(compute_figures, kept.id, key=f"figures-{kept.id}-{kept.round}",
                  queue="exports")  # fmt: skip
    return kept


def compute(kept_id):
    """The job: compute the figures, showing progress, and keep them."""
    kept = KeptFigures.get_or_none(KeptFigures.id == kept_id)
    if kept is None or kept.asked_at is None:
        return "already computed"
    began = utcnow()

    def progress(done, steps):
        KeptFigures.update(done=done, steps=steps).where(KeptFigures.id == kept_id).execute()

    value = _computations[kept.name](json.loads(kept.params), progress)
    KeptFigures.update(value=json.dumps(value), computed_at=began, asked_at=None, done=0,
                       steps=0).where(KeptFigures.id == kept_id).execute()  # fmt: skip
    return f"{kept.name} computed"


def forget_unused(now=None):
    """Forget figures neither computed nor asked for in FORGET_AFTER: no page wanted them."""
    before = (now or utcnow()) - FORGET_AFTER
    return (
        KeptFigures.delete()
        .where(
            (KeptFigures.computed_at.is_null() | (KeptFigures.computed_at < before))
            & (KeptFigures.asked_at.is_null() | (KeptFigures.asked_at < before))
        )
        .execute()
    )
