"""Challenges and each cohort's progress in the public API: what the cohort's members see."""

import datetime as dt
from typing import Literal

from pydantic import BaseModel

from challenges import access, progress
from challenges.models import Challenge
from cohorts.access import access_cohort
from learning.api import http

bp = http.blueprint("challenges_api", __name__)
TAGS = ("Challenges",)


class ChallengeOut(BaseModel):
    id: int
    program_id: int
    cohort_id: int | None
    title: str
    starts_on: dt.date
    ends_on: dt.date
    goal: Literal["count", "amount", "checklist"]
    target: float
    unit: str


class ProgressOut(BaseModel):
    challenge: ChallengeOut
    cohort_id: int
    done: float
    goal: float
    percent: int
    reached_at: http.Moment | None


Challenges = http.listing_of(ChallengeOut)


def _challenge(c):
    return {"id": c.id, "program_id": c.program_id, "cohort_id": c.cohort_id, "title": c.title,
            "starts_on": c.starts_on, "ends_on": c.ends_on, "goal": c.goal,
            "target": c.target, "unit": c.unit}  # fmt: skip


@bp.get("/cohorts/<int:cohort_id>/challenges")
@http.validate("read:programs", resp=http.responses(Challenges), tags=TAGS)
def challenges(cohort_id, query: http.Paging):
    """A cohort's challenges: its own and its program's; `updated_since` reads when each was
    set."""
    cohort = access_cohort(http.actor(), cohort_id)
    mine = Challenge.select().where(
        Challenge.program == cohort.program_id,
        Challenge.cohort.is_null() | (Challenge.cohort == cohort.id),
    )
    rows, more = http.page(mine, Challenge.id, query, Challenge.created_at)
    return http.listing([_challenge(c) for c in rows], more)


@bp.get("/cohorts/<int:cohort_id>/challenges/<int:challenge_id>/progress")
@http.validate("read:programs", resp=http.responses(ProgressOut), tags=TAGS)
def challenge_progress(cohort_id, challenge_id):
    """How far the cohort is with a challenge, together (never per person)."""
    cohort, challenge = access.access_challenge(http.actor(), cohort_id, challenge_id)
    made = progress.progress_of(challenge, cohort)
    return {"challenge": _challenge(challenge), "cohort_id": cohort.id, "done": made.done,
            "goal": made.goal, "percent": made.percent, "reached_at": made.reached_at}  # fmt: skip
