"""The audit log page, for admins."""

from flask import Blueprint, request
from flask_login import current_user, login_required

from learning import htmx
from learning.audit import services
from learning.inputs import number

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.get("/")
@login_required
def index():
    page = request.args.get("page", 1, type=number) or 1
    entries = list(services.entries(current_user, max(page, 1)))
    return htmx.render(
        "learning/audit/index.html",
        "learning/audit/_entries.html",
        entries=entries,
        page=page,
        has_more=len(entries) == services.PAGE_SIZE,
    )
