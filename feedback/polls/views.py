"""Polls in the cohort space: start one, answer it, see its results, close it; the cohort's
polls, and whether members may start them."""

from flask import Blueprint, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from cohorts import access as cohorts
from feedback.polls import access, queries, services, space
from feedback.polls.forms import PollForm, VoteForm, WhoStartsForm
from learning import htmx
from learning.errors import Refused
from learning.people.sessions import passive
from learning.web import show_refused, submitted_status

bp = Blueprint("polls", __name__)


@bp.get("/cohorts/<int:cohort_id>/polls")
@login_required
def index(cohort_id):
    cohort = cohorts.access_own_cohort(current_user, cohort_id)
    polls = queries.cohort_polls(cohort, current_user)
    return render_template(
        "feedback/polls/index.html", cohort=cohort, cards=space.cards(polls, current_user),
        can_start=access.can_start(current_user, cohort),
        who_starts=WhoStartsForm(facilitators_only=cohort.polls_by_facilitators)
        if access.can_choose_who_starts(current_user, cohort) else None,
    )  # fmt: skip


@bp.post("/cohorts/<int:cohort_id>/polls/who-starts")
@login_required
def who_starts(cohort_id):
    cohort = cohorts.access_own_cohort(current_user, cohort_id)
    form = WhoStartsForm()
    if form.validate_on_submit():
        services.choose_who_starts(current_user, cohort, form.facilitators_only.data)
        flash(_("Only facilitators start polls here now.") if form.facilitators_only.data
              else _("Every member may start polls here now."), "success")  # fmt: skip
    return htmx.redirect(url_for("polls.index", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/polls/new", methods=["GET", "POST"])
@login_required
def start(cohort_id):
    cohort = cohorts.access_own_cohort(current_user, cohort_id)
    form = PollForm()
    if form.validate_on_submit():
        try:
            poll = services.start_poll(cohort, current_user, **form.for_service(current_user))
        except Refused as problem:
            show_refused(form, problem)
        else:
            return htmx.redirect(url_for("polls.show", poll_id=poll.id))
    return htmx.render("feedback/polls/new.html", "feedback/polls/_poll_form.html",
                       submitted_status(form), cohort=cohort, form=form,
                       can_start=access.can_start(current_user, cohort),
                       can_repeat=access.can_repeat(current_user, cohort))  # fmt: skip


def _card(poll):
    return space.card(queries.one_poll(poll, current_user), current_user)


@bp.get("/polls/<int:poll_id>")
@login_required
def show(poll_id):
    poll = access.access_poll(current_user, poll_id)
    return render_template("feedback/polls/show.html", cohort=poll.cohort, card=_card(poll))


@bp.get("/polls/<int:poll_id>/results")
@passive
@login_required
def results(poll_id):
    """The poll's results again, for a page that heard the poll changed."""
    card = _card(access.access_poll(current_user, poll_id))
    return render_template("feedback/polls/_results.html", poll=card["shown"].poll,
                           results=card["results"])  # fmt: skip


@bp.post("/polls/<int:poll_id>/votes")
@login_required
def vote(poll_id):
    poll = access.access_poll(current_user, poll_id)
    form = VoteForm()
    try:
        if form.validate_on_submit():
            services.vote(current_user, poll, form.choice.data or (), form.token.data or None)
            if not htmx.is_htmx():
                flash(_("Thank you: your answer is counted."), "success")
                return htmx.redirect(url_for("polls.show", poll_id=poll.id))
            form = None  # answered: the card shows what it may of the results
    except Refused as problem:
        show_refused(form, problem)
    shown = queries.one_poll(poll, current_user)
    if form is not None:
        form.offer(shown)
    return htmx.render("feedback/polls/show.html", "feedback/polls/_poll.html",
                       submitted_status(form) if form else 200, cohort=poll.cohort,
                       card=space.card(shown, current_user, form))  # fmt: skip


@bp.post("/polls/<int:poll_id>/close")
@login_required
def close(poll_id):
    return _changed(poll_id, services.close, _("The poll is closed; its results are final."))


@bp.post("/polls/<int:poll_id>/stop")
@login_required
def stop(poll_id):
    """The facilitator stops asking a pulse every week."""
    return _changed(poll_id, services.stop_repeating,
                    _("This pulse is no longer asked every week."))  # fmt: skip


def _changed(poll_id, change, done):
    """`change(person, poll)`, then the poll's page saying it is `done`."""
    poll = access.access_poll(current_user, poll_id)
    change(current_user, poll)
    flash(done, "success")
    return htmx.redirect(url_for("polls.show", poll_id=poll.id))
