"""The audit log page, for admins."""

from flask import Blueprint, request
from flask_login import current_user, login_required

from learning import htmx
from learning.audit import services
from learning.audit.forms import AuditFilterForm
from learning.inputs import number

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.get("/")
@login_required
def index():
    page = max(request.args.get("page", 1, type=number) or 1, 1)
    form = AuditFilterForm(request.args).offer(services.actions(current_user))
    valid = form.validate() if request.args else True
    entries = services.entries(current_user, page, **form.filters())
    return htmx.render(
        "learning/audit/index.html",
        "learning/audit/_entries.html",
        200 if valid else 422,
        form=form,
        entries=entries,
        page=page,
        has_more=len(entries) == services.PAGE_SIZE,
    )
