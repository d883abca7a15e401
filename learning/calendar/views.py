"""Calendars: a person's secret feed address (to subscribe in any calendar app), the feed
itself, and a new address when the old one was shared by mistake."""

from flask import Blueprint, abort, flash, make_response, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learning import htmx
from learning.calendar import services
from learning.forms import Form
from learning.mail.services import absolute_url

bp = Blueprint("calendar", __name__)


@bp.get("/account/calendar")
@login_required
def page():
    feed = services.feed_of(current_user)
    address = feed and absolute_url("calendar.feed", token=feed.token)
    return render_template("learning/calendar/page.html", address=address, form=Form(),
                           webcal=address and "webcal://" + address.split("://", 1)[1])  # fmt: skip


@bp.post("/account/calendar/new-address")
@login_required
def new_address():
    if Form().validate_on_submit():
        had = services.feed_of(current_user) is not None
        services.new_address(current_user)
        if had:
            flash(_("Your calendar has a new address; the old one no longer works. Subscribe "
                    "again with the new one."), "success")  # fmt: skip
    return htmx.redirect(url_for("calendar.page"))


@bp.get("/calendar/<token>.ics")
def feed(token):
    """The feed a calendar app fetches, with no session: the address is the secret."""
    text = services.feed(token)
    if text is None:
        abort(404)
    response = make_response(text)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = "private, max-age=900"
    return response


def init_app(app):
    app.register_blueprint(bp)
