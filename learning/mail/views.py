"""Mail for admins: deliveries that failed (retry them), and the development outbox."""

import email
import email.policy
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learning import htmx
from learning.mail import services
from learning.people.access import require_admin

outbox = Blueprint("outbox", __name__, url_prefix="/dev/outbox")
deliveries = Blueprint("deliveries", __name__, url_prefix="/admin/mail")


@deliveries.get("/")
@login_required
def failed():
    require_admin(current_user)
    return htmx.render(
        "learning/mail/failed.html",
        "learning/mail/failed.html",
        failed=services.failed(),
        counts=services.counts(),
    )


@deliveries.post("/<int:delivery_id>/retry")
@login_required
def retry(delivery_id):
    require_admin(current_user)
    if services.retry(delivery_id):
        flash(_("Trying that email again now."), "success")
    else:
        flash(_("That email is not failed any more: nothing to retry."), "info")
    return htmx.redirect(url_for("deliveries.failed"))


def _folder():
    if not current_app.config["DEV_OUTBOX"] or current_app.config["SMTP_URL"]:
        abort(404)
    require_admin(current_user)
    return Path(current_app.config["OUTBOX_DIR"])


def _read(path):
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    text = message.get_body(preferencelist=("plain",))
    return {
        "name": path.stem,
        "to": message["To"],
        "subject": message["Subject"],
        "date": message["Date"],
        "text": text.get_content() if text else "",
    }


@outbox.get("/")
@login_required
def index():
    folder = _folder()
    paths = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True)[:200]
    return htmx.render(
        "learning/mail/outbox.html", "learning/mail/outbox.html", messages=[_read(p) for p in paths]
    )


@outbox.get("/<name>")
@login_required
def show(name):
    path = _folder() / f"{name}.eml"
    if "/" in name or not path.is_file():
        abort(404)
    return htmx.render(
        "learning/mail/message.html", "learning/mail/message.html", message=_read(path)
    )
