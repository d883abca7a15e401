"""The development outbox: mail written as .eml files, readable by admins."""

import email
import email.policy
from pathlib import Path

from flask import Blueprint, abort, current_app
from flask_login import current_user, login_required

from learning import htmx
from learning.people.access import require_role
from learning.people.models import Role

bp = Blueprint("outbox", __name__, url_prefix="/dev/outbox")


def _folder():
    if not current_app.config["DEV_OUTBOX"] or current_app.config["SMTP_URL"]:
        abort(404)
    require_role(current_user, Role.ADMIN)
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


@bp.get("/")
@login_required
def index():
    folder = _folder()
    paths = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True)[:200]
    return htmx.render(
        "learning/mail/outbox.html", "learning/mail/outbox.html", messages=[_read(p) for p in paths]
    )


@bp.get("/<name>")
@login_required
def show(name):
    path = _folder() / f"{name}.eml"
    if "/" in name or not path.is_file():
        abort(404)
    return htmx.render(
        "learning/mail/message.html", "learning/mail/message.html", message=_read(path)
    )
