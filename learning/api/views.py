"""The API's pages for people: personal tokens, service tokens, the OpenAPI document and its
reference page. The API's resources are served by each package's `api.py`."""

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learning import htmx
from learning.api import access, http, services, webhooks
from learning.api.forms import ServiceTokenForm, TokenForm, WebhookForm
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
                       doc=http.document(), scopes=access.SCOPES,
                       events=webhooks.EVENTS)  # fmt: skip


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
    return _tokens_page(form, made, services.personal_tokens(current_user), service=False)


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
    return _tokens_page(form, made, services.service_tokens(current_user), service=True)


def _tokens_page(form, made, tokens, service):
    return htmx.render("learning/api/tokens.html", "learning/api/tokens.html",
                       submitted_status(form), form=form, made=made, tokens=tokens,
                       service=service)  # fmt: skip


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


# Webhooks


@bp.route("/admin/webhooks", methods=["GET", "POST"])
@login_required
def webhooks_page():
    access.require_token_admin(current_user)
    form = WebhookForm().offer(webhooks.EVENTS)
    if form.validate_on_submit():
        try:
            made = webhooks.subscribe(current_user, form.url.data, form.events.data,
                                      form.description.data)  # fmt: skip
        except Refused as refused:
            show_refused(form, refused)
        else:
            flash(_("Subscribed. Check signatures with the secret below."), "success")
            return htmx.redirect(url_for("api.webhook", subscription_id=made.id))
    return htmx.render("learning/api/webhooks.html", "learning/api/webhooks.html",
                       submitted_status(form), form=form, events=webhooks.EVENTS,
                       subscriptions=webhooks.subscriptions(current_user))  # fmt: skip


@bp.get("/admin/webhooks/<int:subscription_id>")
@login_required
def webhook(subscription_id):
    """A subscription: its secret, its events and what became of its latest deliveries."""
    made = webhooks.subscription(current_user, subscription_id)
    return htmx.render("learning/api/webhook.html", "learning/api/webhook.html", made=made,
                       events=webhooks.EVENTS, deliveries=webhooks.deliveries(made))  # fmt: skip


@bp.post("/admin/webhooks/<int:subscription_id>/switch")
@login_required
def switch_webhook(subscription_id):
    made = webhooks.switch(current_user, subscription_id, request.form.get("active") == "1")
    flash(_("Turned on.") if made.active else _("Turned off: no events go to it."), "success")
    return htmx.redirect(url_for("api.webhook", subscription_id=made.id))


@bp.post("/admin/webhooks/<int:subscription_id>/remove")
@login_required
def remove_webhook(subscription_id):
    made = webhooks.remove(current_user, subscription_id)
    flash(_("No more events go to %(url)s.", url=made.url), "success")
    return htmx.redirect(url_for("api.webhooks_page"))


@bp.post("/admin/webhooks/<int:subscription_id>/deliveries/<int:delivery_id>/again")
@login_required
def send_again(subscription_id, delivery_id):
    webhooks.send_again(current_user, subscription_id, delivery_id)
    flash(_("Sent again, with the same webhook-id."), "success")
    return htmx.redirect(url_for("api.webhook", subscription_id=subscription_id))


def init_app(app):
    app.register_blueprint(bp)

    @app.errorhandler(http.ApiError)
    def _problem(error):
        return http.problem(error.status, error.detail, **error.extra)
