"""Who may see and schedule a cohort's sessions."""

from cohorts import access as cohorts
from cohorts.meetings.models import Meeting
from learning.errors import NotFound, found


def can_schedule(person, cohort):
    """Sessions are scheduled by those who run programs and by the cohort's facilitator."""
    return cohorts.can_manage_members(person, cohort)


def access_meeting(person, cohort_id, meeting_id):
    """(cohort, session) for whoever sees the cohort; NotFound otherwise."""
    cohort = cohorts.access_cohort(person, cohort_id)
    return cohort, found(Meeting.get_or_none(Meeting.id == meeting_id, Meeting.cohort == cohort))


def access_meeting_to_change(person, cohort_id, meeting_id):
    """(cohort, session) for those who schedule the cohort's sessions, while it is on."""
    cohort, meeting = access_meeting(person, cohort_id, meeting_id)
    if not can_schedule(person, cohort) or meeting.cancelled_at is not None:
        raise NotFound
    return cohort, meeting
