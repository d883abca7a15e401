"""Challenges in the cohort space: set one, check in, follow progress, the program board."""

import datetime

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from challenges import access, progress, queries, services, space, streaks
from challenges.forms import ChallengeForm, ChangeChallengeForm, check_in_form
from challenges.models import STATUSES
from cohorts import access as cohorts
from learning import htmx
from learning.errors import Refused
from learning.i18n import day
from learning.people.sessions import passive
from learning.web import show_refused, submitted_status

bp = Blueprint("challenges", __name__)
EDIT_PAGE = "challenges/edit.html"


# Setting challenges


@bp.get("/programs/<int:program_id>/challenges")
@login_required
def program(program_id):
    program = cohorts.access_program(current_user, program_id)
    challenges = space.program_challenges(program)
    return htmx.render(
        "challenges/program.html",
        "challenges/program.html",
        program=program,
        challenges=challenges,
        boards=progress.boards(program, [c for c in challenges if c.cohort_id is None]),
        templates=services.TEMPLATES,
    )


def _new(program, cohort, back):
    today = streaks.local_date(current_user)
    key = request.args.get("template", "")
    form = ChallengeForm(data=services.template_values(key, today) or None)
    if form.validate_on_submit():
        try:
            challenge = services.create_challenge(
                current_user, program, cohort=cohort, token=form.token.data,
                **form.challenge_fields(),
            )  # fmt: skip
        except Refused as problem:
            show_refused(form, problem)
        else:
            note = services.outside_program(challenge, program)
            done = _("“%(title)s” is set. Cohorts see it in their space.", title=challenge.title)
            flash(f"{done} {note}".strip(), "success")
            return htmx.redirect(back)
    return htmx.render(
        "challenges/new.html",
        "challenges/_challenge_form.html",
        submitted_status(form),
        form=form,
        program=program,
        cohort=cohort,
        template=key,
        templates=services.TEMPLATES,
    )


@bp.route("/programs/<int:program_id>/challenges/new", methods=["GET", "POST"])
@login_required
def new_for_program(program_id):
    program = cohorts.access_program(current_user, program_id)
    return _new(program, None, url_for("challenges.program", program_id=program.id))


@bp.route("/cohorts/<int:cohort_id>/challenges/new", methods=["GET", "POST"])
@login_required
def new_for_cohort(cohort_id):
    cohort = access.access_cohort_to_set(current_user, cohort_id)
    return _new(cohort.program, cohort, url_for("cohorts.show", cohort_id=cohort.id))


@bp.route("/challenges/<int:challenge_id>/edit", methods=["GET", "POST"])
@login_required
def edit(challenge_id):
    challenge = access.access_challenge_to_change(current_user, challenge_id)
    form = ChangeChallengeForm(challenge)
    if form.validate_on_submit():
        try:
            services.change_challenge(current_user, challenge, **form.changed_fields())
        except Refused as problem:
            show_refused(form, problem)
        else:
            flash(_("“%(title)s” is changed.", title=challenge.title), "success")
            if challenge.cohort_id:
                return htmx.redirect(url_for("cohorts.show", cohort_id=challenge.cohort_id))
            return htmx.redirect(url_for("challenges.program", program_id=challenge.program_id))
    return htmx.render(
        "challenges/edit_challenge.html",
        "challenges/edit_challenge.html",
        submitted_status(form),
        form=form,
        challenge=challenge,
    )


# Progress and check-ins


def _card(cohort, card, form=None, message=None, status=200):
    return htmx.render(
        "challenges/_card.html",
        "challenges/_card.html",
        status,
        cohort=cohort,
        card=card,
        form=form or check_in_form(card),
        message=message,
        can_check_in=True,
    )


@bp.get("/cohorts/<int:cohort_id>/challenges/<int:challenge_id>")
@login_required
def show(cohort_id, challenge_id, form=None, status=200):
    cohort, challenge = access.access_challenge(current_user, cohort_id, challenge_id)
    card = space.card(cohort, challenge, current_user)
    return htmx.render(
        "challenges/show.html",
        "challenges/show.html",
        status,
        cohort=cohort,
        card=card,
        form=form or check_in_form(card),
        can_check_in=access.can_check_in(current_user, cohort),
        can_change=access.can_create(current_user, cohort if challenge.cohort_id else None),
        contributions=progress.contributions(challenge, cohort, current_user),
        recent=progress.recent_check_ins(challenge, cohort),
        board_shown=challenge.cohort_id is None and not queries.board_hidden(cohort),
        editable=access.editable,
    )


@bp.get("/cohorts/<int:cohort_id>/challenges/<int:challenge_id>/progress")
@passive
@login_required
def progress_bar(cohort_id, challenge_id):
    """For the poll: 204 while nothing changed, the progress once it has."""
    cohort, challenge = access.access_challenge(current_user, cohort_id, challenge_id)
    current = progress.progress_of(challenge, cohort)
    if current.fingerprint == request.args.get("v"):
        return "", 204
    today = streaks.local_date(current_user)
    card = space.Card(challenge, current, space.phase(challenge, today), today=today)
    return htmx.render(
        "challenges/_progress.html", "challenges/_progress.html", cohort=cohort, card=card
    )


@bp.post("/cohorts/<int:cohort_id>/challenges/<int:challenge_id>/check-ins")
@login_required
def check_in(cohort_id, challenge_id):
    cohort, challenge = access.access_challenge(current_user, cohort_id, challenge_id)
    card = space.card_to_check_in(cohort, challenge, current_user)
    form = check_in_form(card, request.form)
    if form.validate_on_submit():
        try:
            token = form.token.data or None
            entry = services.check_in(
                current_user, challenge, cohort, token=token, **form.check_in_fields()
            )
        except Refused as problem:
            show_refused(form, problem)
        else:
            return _checked_in(cohort, challenge, card, entry)
    if htmx.is_htmx():
        return _card(cohort, space.card(cohort, challenge, current_user), form, status=422)
    return show(cohort.id, challenge.id, form=form, status=422)


def _checked_in(cohort, challenge, card, entry):
    """Thanks for what was recorded (the first time, if the form was sent again): the card
    again by htmx, else the page the form was on."""
    message = _thanks(entry.status)
    if not htmx.is_htmx():
        flash(message, "success")
        return htmx.redirect(_back(cohort, challenge))
    if entry.progress is None:  # the same form again: nothing new was recorded
        card = space.card(cohort, challenge, current_user)
    else:
        card = space.card_after(card, entry)
    return _card(cohort, card, message=message)


def _thanks(status):
    return {
        "done": _("Checked in. Thank you: it counts for the whole cohort."),
        "blocked": _("Checked in as blocked. Your cohort can see it and help."),
        "skipped": _("Checked in as skipped. That still keeps your streak going."),
    }[status]


def _back(cohort, challenge):
    """Where a check-in without JavaScript returns: the page its form was on."""
    if request.form.get("back") == "challenge":
        return url_for("challenges.show", cohort_id=cohort.id, challenge_id=challenge.id)
    return url_for("cohorts.show", cohort_id=cohort.id, _anchor=f"challenge-{challenge.id}")


@bp.route("/check-ins/<int:check_in_id>/edit", methods=["GET", "POST"])
@login_required
def edit_check_in(check_in_id):
    entry = access.access_check_in(current_user, check_in_id)
    card = space.card(entry.cohort, entry.challenge, current_user)
    card.done_steps.discard(entry.step_id)
    form = check_in_form(card, request.form if request.method == "POST" else None, entry)
    if form.validate_on_submit():
        try:
            services.edit_check_in(current_user, entry, **form.check_in_fields())
        except Refused as problem:
            show_refused(form, problem)
        else:
            flash(_("Your check-in is changed."), "success")
            return htmx.redirect(url_for("challenges.mine"))
    page = {"entry": entry, "form": form, "statuses": STATUSES, "editable": access.editable(entry)}
    return htmx.render(EDIT_PAGE, EDIT_PAGE, submitted_status(form), **page)


@bp.post("/check-ins/<int:check_in_id>/delete")
@login_required
def delete_check_in(check_in_id):
    entry = access.access_check_in(current_user, check_in_id)
    try:
        services.delete_check_in(current_user, entry)
    except Refused as problem:
        flash(str(problem), "error")
    else:
        flash(_("Your check-in is deleted."), "success")
    return htmx.redirect(url_for("challenges.mine"))


# The person's own: check-ins, streak, away weeks, numbers


@bp.get("/check-ins")
@login_required
def mine():
    weeks = streaks.away_choices(current_user)
    return htmx.render(
        "challenges/mine.html",
        "challenges/mine.html",
        entries=space.my_check_ins(current_user),
        streak=streaks.person_streak(current_user),
        weeks=weeks,
        away=streaks.away_weeks(current_user, weeks[0]),
        this_week=streaks.week_of(streaks.local_date(current_user)),
        hidden=services.hides_numbers(current_user),
        editable=access.editable,
    )


@bp.post("/check-ins/away")
@login_required
def away():
    try:
        week = datetime.date.fromisoformat(request.form.get("week", ""))
        streaks.set_away(current_user, week, request.form.get("away") == "1")
    except ValueError:
        flash(_("Choose one of the weeks listed."), "error")
    else:
        if request.form.get("away") == "1":
            flash(
                _(
                    "The week of %(day)s is marked away: it pauses your streak.",
                    day=day(week, "d MMMM"),
                ),
                "success",
            )
        else:
            flash(
                _("The week of %(day)s is no longer marked away.", day=day(week, "d MMMM")),
                "success",
            )
    return htmx.redirect(url_for("challenges.mine"))


@bp.post("/check-ins/numbers")
@login_required
def numbers():
    hidden = request.form.get("hidden") == "1"
    services.hide_numbers(current_user, hidden)
    flash(
        _("Others no longer see your numbers; your check-ins still count for your cohort.")
        if hidden
        else _("Others see your numbers again."),
        "success",
    )
    return htmx.redirect(url_for("challenges.mine"))


# The program board


@bp.get("/cohorts/<int:cohort_id>/board")
@login_required
def board(cohort_id):
    cohort = cohorts.access_cohort(current_user, cohort_id)
    today = streaks.local_date(current_user)
    challenges = [c for c in space.cohort_challenges(cohort, today) if c.cohort_id is None]
    boards = progress.boards(cohort.program, challenges, cohort)
    return htmx.render(
        "challenges/board.html",
        "challenges/board.html",
        cohort=cohort,
        challenges=challenges,
        boards=boards,
        hidden=queries.board_hidden(cohort),
        can_hide=access.can_hide_board(current_user, cohort),
    )


@bp.post("/cohorts/<int:cohort_id>/board")
@login_required
def hide_board(cohort_id):
    cohort = cohorts.access_cohort(current_user, cohort_id)
    hidden = request.form.get("hidden") == "1"
    services.hide_board(current_user, cohort, hidden)
    flash(
        _("The board is off for this cohort.") if hidden else _("The board is on again."), "success"
    )
    return htmx.redirect(url_for("challenges.board", cohort_id=cohort.id))


def init_app(app):
    app.register_blueprint(bp)
