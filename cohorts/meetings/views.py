"""A cohort's sessions: the list with each one's invite, and scheduling, changing and
cancelling them."""

from flask import Blueprint, flash, make_response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from cohorts import access as cohorts
from cohorts.meetings import access, services
from cohorts.meetings.forms import MeetingForm
from learning import htmx
from learning.calendar import services as calendar
from learning.errors import NotFound, Refused
from learning.web import show_refused, submitted_status

bp = Blueprint("meetings", __name__)


@bp.route("/cohorts/<int:cohort_id>/sessions", methods=["GET", "POST"])
@login_required
def index(cohort_id):
    cohort = cohorts.access_cohort(current_user, cohort_id)
    form = MeetingForm() if access.can_schedule(current_user, cohort) else None
    if form is None and request.method == "POST":
        raise NotFound
    if form is not None and form.validate_on_submit():
        try:
            services.schedule(current_user, cohort, token=form.token.data,
                              **form.for_service(current_user))  # fmt: skip
        except Refused as refused:
            show_refused(form, refused)
        else:
            flash(_("Scheduled. Every member gets an invite for their calendar."), "success")
            return htmx.redirect(url_for("meetings.index", cohort_id=cohort.id))
    return htmx.render("cohorts/meetings/index.html", "cohorts/meetings/_meeting_form.html",
                       submitted_status(form) if form else 200, cohort=cohort, form=form,
                       meetings=services.meetings(cohort))  # fmt: skip


@bp.route("/cohorts/<int:cohort_id>/sessions/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(cohort_id, meeting_id):
    cohort, meeting = access.access_meeting_to_change(current_user, cohort_id, meeting_id)
    form = MeetingForm() if request.method == "POST" else MeetingForm.of(meeting, current_user)
    if form.validate_on_submit():
        try:
            services.change(current_user, cohort, meeting, **form.for_service(current_user))
        except Refused as refused:
            show_refused(form, refused)
        else:
            flash(_("Saved. Those who have it in their calendar get an update."), "success")
            return htmx.redirect(url_for("meetings.index", cohort_id=cohort.id))
    return htmx.render("cohorts/meetings/edit.html", "cohorts/meetings/_meeting_form.html",
                       submitted_status(form), cohort=cohort, form=form,
                       meeting=meeting)  # fmt: skip


@bp.post("/cohorts/<int:cohort_id>/sessions/<int:meeting_id>/cancel")
@login_required
def cancel(cohort_id, meeting_id):
    cohort, meeting = access.access_meeting(current_user, cohort_id, meeting_id)
    meeting = services.cancel(current_user, cohort, meeting)
    flash(_("%(title)s is cancelled; it leaves members' calendars.", title=meeting.title),
          "success")  # fmt: skip
    return htmx.redirect(url_for("meetings.index", cohort_id=cohort.id))


@bp.get("/cohorts/<int:cohort_id>/sessions/<int:meeting_id>/invite.ics")
@login_required
def download(cohort_id, meeting_id):
    cohort, meeting = access.access_meeting(current_user, cohort_id, meeting_id)
    response = make_response(calendar.one(services.meeting_event(meeting, cohort), current_user))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="session-{meeting.id}.ics"'
    return response
