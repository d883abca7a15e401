"""L&D's analytics of a program and each cohort's health: where conversations happen, and
which cohorts need help (from learning's analytics of the ledger)."""

from dataclasses import asdict
from typing import NamedTuple

from cohorts import services
from cohorts.models import Program
from learning.db import utcnow
from learning.insights import analytics, kept

COMPUTATION = "program-analytics-5"  # 5: polls counted


HEALTH = "cohort health"  # its sections (learning.views.add_section): `context(cohort)`


def judged(program, now):
    """(the day health is judged from, today): the program's start."""
    return program.starts_on, now.date()


def _span(program, cohorts, now):
    """From the first cohort's publication (or the program's start) to the program's end."""
    published = [c.published_at.date() for c in cohorts if c.published_at]
    return min([program.starts_on, *published]), max(program.ends_on, now.date())


def program_analytics(program, now=None, progress=kept.ignore_progress):
    """(the program's Conversation, [(cohort, Conversation, Health)], challenges) for L&D,
    with `progress(done, 3)` as it goes."""
    now = now or utcnow()
    cohorts = services.published_cohorts(program)
    start, end = _span(program, cohorts, now)
    members = analytics.for_members(program_id=program.id)
    progress(1, 3)
    by_cohort, whole = analytics.conversations(members, start, end, now)
    progress(2, 3)
    rows = []
    for cohort in cohorts:
        conversation = by_cohort.get(cohort.id) or analytics.Conversation()
        rows.append((cohort, conversation, analytics.health(conversation, *judged(program, now))))
    return whole, rows, _challenges(cohorts, now)


class AnalyticsCohort(NamedTuple):
    id: int
    name: str


def program_analytics_figures(program):
    """Figures: program_analytics' value as a job computed it (see `analytics_from_plain`)."""
    return kept.figures(COMPUTATION, [program.id])


def analytics_from_plain(value):
    """program_analytics' value from the kept figures' JSON."""
    whole, rows, challenges = value
    rows = [(AnalyticsCohort(*cohort), analytics.Conversation.from_plain(conversation),
             analytics.Health(**health)) for cohort, conversation, health in rows]  # fmt: skip
    return analytics.Conversation.from_plain(whole), rows, challenges


def compute_program_analytics(params, progress):
    """The job's computation of `program_analytics_figures` (learning.insights.kept)."""
    whole, rows, challenges = program_analytics(Program.get_by_id(params[0]), progress=progress)
    rows = [((cohort.id, cohort.name), conversation.plain(), asdict(health))
            for cohort, conversation, health in rows]  # fmt: skip
    return whole.plain(), rows, challenges


def _challenges(cohorts, now):
    """[(title, average percent across the cohorts, cohorts that reached the goal, cohorts)]"""
    by_title = {}
    for _, title, percent, reached in analytics.progress([c.id for c in cohorts], now.date()):
        by_title.setdefault(title, []).append((percent, reached))
    return [
        (title, round(sum(p for p, _ in parts) / len(parts)), sum(r for _, r in parts), len(parts))
        for title, parts in by_title.items()
    ]


def cohort_analytics(cohort, now=None):
    """(the cohort's Conversation, Health), for its facilitator and L&D."""
    now = now or utcnow()
    start, end = _span(cohort.program, [cohort], now)
    members = analytics.for_members(cohort_id=cohort.id)
    by_cohort, _ = analytics.conversations(members, start, end, now)
    conversation = by_cohort.get(cohort.id) or analytics.Conversation()
    health = analytics.health(conversation, *judged(cohort.program, now))
    return conversation, health, _challenges([cohort], now)
