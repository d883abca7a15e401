"""Who may see and do what with challenges and check-ins: each rule once. Views, services
and pages ask these; `access_*` returns the thing or raises NotFound, `can_*` answers yes or
no."""

import datetime

from flask_babel import gettext as _

from challenges import queries
from challenges.models import Challenge, CheckIn
from cohorts.access import access_cohort, can_manage_members, is_member, runs_programs
from cohorts.models import Cohort
from learning.db import utcnow
from learning.errors import NotFound, Refused, found

EDIT_WINDOW = datetime.timedelta(hours=24)


def can_create(person, cohort=None):
    """L&D sets challenges for programs and cohorts; a facilitator for their cohort."""
    return runs_programs(person) or (cohort is not None and can_manage_members(person, cohort))


def access_cohort_to_set(person, cohort_id):
    """The cohort, for someone who may set it a challenge; 404 for everyone else."""
    cohort = access_cohort(person, cohort_id)
    if not can_create(person, cohort):
        raise NotFound
    return cohort


def can_see_challenges(person, cohort):
    """Whoever sees a cohort's space sees its challenges (`access_challenge`)."""
    return True


def access_challenge(person, cohort_id, challenge_id):
    """(cohort, challenge) for people who see the cohort, when the challenge is the cohort's
    (its own, or its program's); 404 otherwise."""
    cohort = access_cohort(person, cohort_id)
    challenge = found(
        next(iter(queries.challenge_in(challenge_id, cohort, cohort.program_id)), None)
    )
    challenge.program = cohort.program
    return cohort, challenge


def access_check_in(person, check_in_id):
    """One's own check-in, while one is still in its cohort; 404 otherwise."""
    entry = (
        CheckIn.select(CheckIn, Challenge, Cohort)
        .join(Challenge)
        .switch(CheckIn)
        .join(Cohort)
        .where(CheckIn.id == check_in_id, CheckIn.person == person)
        .first()
    )
    if entry is None or not is_member(person, entry.cohort):
        raise NotFound
    return entry


def access_challenge_to_change(person, challenge_id):
    """The challenge, for whoever may set one like it (L&D; a facilitator for their cohort's
    own); 404 for everyone else."""
    challenge = Challenge.get_or_none(Challenge.id == challenge_id)
    if challenge is None or not can_create(person, challenge.cohort):
        raise NotFound
    return challenge


def can_hide_board(person, cohort):
    """The facilitator (or L&D) turns the program board off or on for the cohort."""
    return can_manage_members(person, cohort)


def editable(entry, now=None):
    """A check-in can be changed or taken back for 24 hours."""
    return (now or utcnow()) - entry.created_at < EDIT_WINDOW


def require_editable(entry, now=None):
    """The check-in, while it can be changed; else Refused, saying why."""
    if not editable(entry, now):
        raise Refused(_("Check-ins can be changed for 24 hours; this one is older."))


def can_check_in(person, cohort):
    """Members check in to their cohort's challenges."""
    return is_member(person, cohort)
