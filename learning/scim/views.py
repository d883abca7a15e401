"""SCIM 2.0 at /scim/v2 (the protocol: learning/scim/protocol.py), and the admins' page of the
directory's tokens."""

from flask import Blueprint, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learning import htmx
from learning.errors import Refused
from learning.people.access import require_admin
from learning.scim import services
from learning.scim.forms import TokenForm
from learning.security import csrf, limiter
from learning.web import show_refused, submitted_status

bp = Blueprint("scim", __name__)
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@bp.route("/scim/v2", defaults={"rest": ""}, methods=METHODS)
@bp.route("/scim/v2/<path:rest>", methods=METHODS)
@csrf.exempt
@limiter.exempt
def serve(rest):
    """Every SCIM request: its answer, as the protocol says (RFC 7644's errors included).
    The protocol's libraries (pydantic models of every SCIM schema, some 10 MB) load with the
    first SCIM request, not in every web and worker process."""
    from learning.scim import protocol

    return protocol.answer(request, rest, current_app.config["SECRET_KEY"])


# The admins' page


@bp.route("/admin/provisioning", methods=["GET", "POST"])
@login_required
def tokens():
    require_admin(current_user)
    form, made = TokenForm(), None
    if form.validate_on_submit():
        try:
            row, made = services.make_token(current_user, form.name.data)
        except Refused as refused:
            show_refused(form, refused)
        else:
            flash(_("The token “%(name)s” is made. Copy it now: it is not shown again.",
                    name=row.name), "success")  # fmt: skip
            form = TokenForm(formdata=None)
    return htmx.render("learning/scim/tokens.html", "learning/scim/tokens.html",
                       submitted_status(form), form=form, made=made,
                       tokens=services.tokens(current_user), groups=services.chosen_groups(),
                       endpoint=f"{request.url_root.rstrip('/')}/scim/v2")  # fmt: skip


@bp.post("/admin/provisioning/groups")
@login_required
def choose_groups():
    """What the directory's groups are: departments, or programs' enrolments."""
    try:
        services.choose_groups(current_user, request.form.get("groups", ""))
    except Refused as refused:
        flash(str(refused), "error")
    else:
        flash(_("The directory's groups are saved."), "success")
    return htmx.redirect(url_for("scim.tokens"))


@bp.post("/admin/provisioning/<int:token_id>/revoke")
@login_required
def revoke(token_id):
    row = services.revoke_token(current_user, token_id)
    flash(_("The token “%(name)s” is revoked.", name=row.name), "success")
    return htmx.redirect(url_for("scim.tokens"))


def init_app(app):
    app.register_blueprint(bp)
