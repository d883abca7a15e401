"""Who may see and do what with polls: each rule once. Views and services ask these;
`access_*` returns the thing or raises NotFound, `can_*` answers yes or no."""

from cohorts.access import access_own_cohort, is_facilitator, is_member, runs_programs
from feedback.polls.models import Poll
from learning.errors import found


def access_poll(person, poll_id):
    """The poll, for members of its cohort only; 404 for everyone else."""
    poll = found(Poll.get_or_none(Poll.id == poll_id))
    poll.cohort = access_own_cohort(person, poll.cohort_id)
    return poll


def can_start(person, cohort):
    """Members start polls in their cohort, unless its facilitator keeps that to facilitators."""
    if not is_member(person, cohort):
        return False
    return is_facilitator(person, cohort) or not cohort.polls_by_facilitators


def can_choose_who_starts(person, cohort):
    """The cohort's facilitator (and those who run programs) decide who starts polls."""
    return is_facilitator(person, cohort) or runs_programs(person)


def can_close(person, poll):
    """Its author closes a poll early, and so does the cohort's facilitator."""
    return poll.author_id == person.id or is_facilitator(person, poll.cohort)


def can_repeat(person, cohort):
    """A facilitator asks a pulse again every week, and stops it."""
    return is_facilitator(person, cohort)
