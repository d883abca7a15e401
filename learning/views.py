"""The home page and a health check."""

from flask import Blueprint
from flask_login import current_user, login_required

from learning import htmx
from learning.db import db
from learning.people.access import can_invite
from learning.people.models import Role

home = Blueprint("home", __name__)


@home.get("/")
@login_required
def index():
    return htmx.render(
        "learning/home.html", "learning/home.html", can_invite=can_invite(current_user), Role=Role
    )


@home.get("/healthz")
def health():
    db.execute_sql("SELECT 1")
    return {"status": "ok"}
