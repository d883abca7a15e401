"""The notification centre and the bell."""

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user, login_required

from learning import htmx
from learning.inputs import number
from learning.notify import preferences, services
from learning.notify.models import CHANNELS, KINDS
from learning.people.sessions import passive
from learning.security import csrf

bp = Blueprint("notify", __name__)


@bp.get("/notifications")
@login_required
def index():
    return htmx.render(
        "learning/notify/index.html",
        "learning/notify/index.html",
        groups=services.grouped(current_user),
        unread=services.unread_count(current_user),
    )


@bp.get("/notifications/bell")
@passive
@login_required
def bell():
    """For the poll: 204 while the unread count is what the page shows, the bell otherwise."""
    unread = services.unread_count(current_user)
    if request.args.get("shown", type=number) == unread:
        return "", 204
    return htmx.render("learning/notify/_bell.html", "learning/notify/_bell.html", unread=unread)


@bp.post("/notifications/<int:notification_id>")
@login_required
def open_notice(notification_id):
    """Mark it read and go to what it is about."""
    notice = services.open_notice(current_user, notification_id) or abort(404)
    return redirect(notice.link, 303)


@bp.post("/notifications/read")
@login_required
def read_all():
    services.mark_all_read(current_user)
    return htmx.redirect(url_for("notify.index"))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the authority; mail clients POST here without a session
def unsubscribe(token):
    """Stop emails of one kind, signed in or not. GET asks (link checkers follow links);
    POST does it, from the page's button or a mail client's one-click (RFC 8058)."""
    person, kind = preferences.unsubscribing(token)
    done = request.method == "POST"
    if done:
        preferences.mute(person.id, kind)
    return htmx.render(
        "learning/notify/unsubscribe.html",
        "learning/notify/unsubscribe.html",
        person=person,
        kind_label=KINDS[kind],
        done=done,
        token=token,
    )


def init_app(app):
    app.register_blueprint(bp)
    # Called by the page layout only, so fragments cost no query.
    app.jinja_env.globals["unread_notices"] = lambda: services.unread_count(current_user)
    app.jinja_env.globals.update(notice_kinds=KINDS, notice_channels=CHANNELS)
