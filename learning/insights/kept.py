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
from learning.i18n import reading
from learning.insights.models import KeptFigures
from learning.jobs.services import LOST_AFTER, defer

COMPUTATIONS = "learning.kept_computations"
# Figures no page asked for in this long are forgotten (computed again when asked).
FORGET_AFTER = dt.timedelta(days=7)


def register(app, name, compute):
    """`compute(params, progress)` is how the figures called `name` are computed (kept on
    the app). It returns a JSON value and may call `progress(done, steps)` as it goes. Give
    `name` a new suffix whenever the value's shape changes, so that what an earlier release
    kept is not read as the new one."""
    app.extensions.setdefault(COMPUTATIONS, {})[name] = compute


def _computation(name):
    return current_app.extensions[COMPUTATIONS][name]


@dataclass(frozen=True)
class Figures:
    ready: bool  # False while the first computation runs
    at: dt.datetime | None  # when the computation that gave them began
    refreshing: bool = False  # a newer computation is under way
    done: int = 0  # the computation's progress, while there is nothing to show yet
    steps: int = 0
    key: tuple | None = None  # these very figures, among all kept ones; None if not kept
    failed: str = ""  # why the last computation failed (it is tried again)
    text: str | None = None  # their JSON, when computed in the request

    @property
    def preparing(self):
        return not self.ready

    @cached_property
    def value(self):
        """Read and decoded when first asked for: a page rendered from remembered HTML
        never reads it (at M a program's analytics are 280 kB of JSON)."""
        if not self.ready:
            return None
        text = self.text
        if text is None:
            text = KeptFigures.select(KeptFigures.value).where(KeptFigures.id == self.key[0])
            text = text.scalar()
        return json.loads(text)


# Everything of a kept row but its value, which `Figures.value` reads when needed.
STATE = [field for field in KeptFigures._meta.sorted_fields if field is not KeptFigures.value]


def figures(name, params, since=None):
    """The figures called `name` for `params` (JSON; all they depend on, never who is
    reading). One query when they are fresh and rendered already, two when not; a few more
    when a job must be asked for. Figures computed before `since` (when what they are made
    of last changed, if known) are old whatever their age: shown while new ones are made."""
    if current_app.config["INSIGHTS_CACHE_SECONDS"] <= 0:
        # Through JSON as when kept, so that the value has the same shape either way.
        text = json.dumps(_computation(name)(params, ignore_progress))
        return Figures(True, utcnow(), text=text)
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()
    kept = _state(name, digest).get_or_none()
    now = utcnow()
    if kept is None or _stale(kept, now) or (since and kept.computed_at < since):
        kept = _ask(kept, name, digest, params, now)
    return Figures(kept.computed_at is not None, kept.computed_at, kept.asked_at is not None,
                   kept.done, kept.steps, (kept.id, kept.computed_at), kept.failed)  # fmt: skip


def _state(name, digest):
    return KeptFigures.select(*STATE).where(KeptFigures.name == name, KeptFigures.digest == digest)


def rendered(figures, render):
    """`render(figures.value)`, HTML, remembered in this process for as long as the figures
    are the same ones: a page of many rows is rendered once per computation and per
    language and time zone of its readers, not per reader."""
    made = ("html", *reading()[:2])
    return remembered(figures, made, lambda value: Markup(render(value)))  # noqa: S704 (escaped by render)


def remembered(figures, purpose, make):
    """`make(figures.value)`, remembered in this process for as long as the figures are the
    same ones (under `purpose`, what is made of them). Not for figures still preparing."""
    if figures.key is None:
        return make(figures.value)
    key = (purpose, *figures.key)
    with _remembering:
        made = _remembered.get(key)
    if made is None:
        made = make(figures.value)
        with _remembering:
            _remembered[key] = made
            while len(_remembered) > REMEMBERED:
                _remembered.popitem(last=False)
    return made


# What was made of kept figures, per process, the oldest forgotten first.
REMEMBERED = 64
_remembered = OrderedDict()
_remembering = threading.Lock()


def ignore_progress(done, steps):
    """A computation's `progress` when nobody watches it."""


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
            kept = _state(name, digest).get()
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

    try:
        value = _computation(kept.name)(json.loads(kept.params), progress)
    except Exception as error:
        # The page says so; RQ tries again (jobs.services.RETRY), and a page asks anew once
        # LOST_AFTER has passed.
        failed = f"{type(error).__name__}: {error}"[:500]
        KeptFigures.update(failed=failed).where(KeptFigures.id == kept_id).execute()
        raise
    KeptFigures.update(value=json.dumps(value), computed_at=began, asked_at=None, done=0,
                       steps=0, failed="").where(KeptFigures.id == kept_id).execute()  # fmt: skip
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
