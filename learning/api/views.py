"""The API's pages for people: personal tokens, service tokens, the OpenAPI document and its
reference page. The API's resources are served by each package's `api.py`."""

from flask import Blueprint, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learning import htmx
from learning.api import access, http, services
from learning.api.forms import ServiceTokenForm, TokenForm
from learning.errors import Refused
from learning.web import show_refused, submitted_status

bp = Blueprint("api", __name__)


@bp.get(f"{http.PREFIX}/openapi.json")
@http.public
def openapi():
    """The OpenAPI 3.1 document, for code generators and schemathesis."""
    return http.document()


@bp.get(f"{http.PREFIX}/reference")
@http.public
def reference():
    """The reference, readable without any tool: every route, its scope and its fields."""
    return htmx.render("learning/api/reference.html", "learning/api/reference.html",
                       doc=http.document(), scopes=access.SCOPES)  # fmt: skip


@bp.route("/account/api-tokens", methods=["GET", "POST"])
@login_required
def tokens():
    form, made = TokenForm().offer(access.grantable(current_user)), None
    if form.validate_on_submit():
        try:
            row, made = services.make_personal(current_user, form.name.data, form.scopes.data)
        except Refused as refused:
            show_refused(form, refused)
        else:
            form = _made(row, TokenForm(formdata=None).offer(access.grantable(current_user)))
    return htmx.render("learning/api/tokens.html", "learning/api/tokens.html",
                       submitted_status(form), form=form, made=made,
                       tokens=services.personal_tokens(current_user))  # fmt: skip


@bp.route("/admin/api-tokens", methods=["GET", "POST"])
@login_required
def service_tokens():
    access.require_token_admin(current_user)
    form, made = _service_form(), None
    if form.validate_on_submit():
        try:
            row, made = services.make_service(
                current_user, form.name.data, form.roles.data, form.scopes.data
            )
        except Refused as refused:
            show_refused(form, refused)
        else:
            form = _made(row, _service_form(formdata=None))
    return htmx.render("learning/api/service_tokens.html", "learning/api/service_tokens.html",
                       submitted_status(form), form=form, made=made,
                       tokens=services.service_tokens(current_user))  # fmt: skip


def _service_form(**kwargs):
    return ServiceTokenForm(**kwargs).offer(access.service_scopes(access.SERVICE_ROLES))


def _made(row, blank_form):
    flash(_("The token “%(name)s” is made. Copy it now: it is not shown again.", name=row.name),
          "success")  # fmt: skip
    return blank_form


@bp.post("/api-tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id):
    row = services.revoke(current_user, token_id)
    flash(_("The token “%(name)s” is revoked.", name=row.name), "success")
    where = "api.service_tokens" if row.kind == "service" else "api.tokens"
    return htmx.redirect(url_for(where))


def init_app(app):
    app.register_blueprint(bp)

    @app.errorhandler(http.ApiError)
    def _problem(error):
        return http.problem(error.status, error.detail, **error.extra)
