"""Admin pages of recognition: the company's values, and the words of celebrations."""

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learning import htmx
from learning.digest import sections
from learning.errors import Refused
from learning.forms import in_languages, typed_versions
from learning.people.access import require_admin
from learning.recognition import milestones, services
from learning.recognition.forms import MessagesForm, ValueForm
from learning.web import show_refused, submitted_status

bp = Blueprint("recognition", __name__, url_prefix="/admin/recognition")


@bp.before_request
@login_required
def _admins_only():
    require_admin(current_user)


def _values_page(form, status=200):
    return htmx.render(
        "learning/recognition/values.html",
        "learning/recognition/_value_form.html",
        status,
        values=services.values(include_archived=True),
        form=form,
        value=None,
    )


def _value_form(**data):
    return in_languages(ValueForm, "name", "description")(**data)


@bp.get("/")
def values():
    return _values_page(_value_form(formdata=None))


@bp.post("/values")
def add_value():
    form = _value_form()
    if form.validate_on_submit():
        try:
            value = services.save_value(
                current_user, form.name.data, form.description.data, token=form.token.data,
                versions=form.versions(),
            )  # fmt: skip
        except Refused as refused:
            show_refused(form, refused)
        else:
            flash(_("“%(name)s” is one of the values now.", name=value.name), "success")
            return htmx.redirect(url_for("recognition.values"))
    return _values_page(form, submitted_status(form))


@bp.route("/values/<int:value_id>", methods=["GET", "POST"])
def edit_value(value_id):
    value = services.access_value(current_user, value_id)
    form = _value_form(obj=value, **typed_versions(services.value_versions(value)))
    if form.validate_on_submit():
        try:
            services.save_value(current_user, form.name.data, form.description.data, value,
                                versions=form.versions())  # fmt: skip
        except Refused as refused:
            show_refused(form, refused)
        else:
            flash(_("“%(name)s” is saved.", name=value.name), "success")
            return htmx.redirect(url_for("recognition.values"))
    return htmx.render(
        "learning/recognition/edit_value.html",
        "learning/recognition/_value_form.html",
        submitted_status(form),
        value=value,
        form=form,
    )


@bp.post("/values/<int:value_id>/archive")
def archive_value(value_id):
    value = services.access_value(current_user, value_id)
    archived = request.form.get("archived") != "0"
    services.archive_value(current_user, value, archived)
    flash(
        _(
            "“%(name)s” is archived: kudos given for it keep it, new ones cannot use it.",
            name=value.name,
        )
        if archived
        else _("“%(name)s” can be chosen again.", name=value.name),
        "success",
    )
    return htmx.redirect(url_for("recognition.values"))


@bp.route("/celebrations", methods=["GET", "POST"])
def messages():
    """The words of each kind of celebration; empty means the built-in words."""
    current = milestones.templates()
    form = in_languages(MessagesForm, *milestones.KINDS)(
        data=MessagesForm.shown(current) if request.method == "GET" else None
    )
    if form.validate_on_submit():
        services.save_celebration_words(current_user, form.words())
        flash(_("The celebrations will use these words from now on."), "success")
        return htmx.redirect(url_for("recognition.messages"))
    return htmx.render(
        "learning/recognition/messages.html",
        "learning/recognition/_messages_form.html",
        submitted_status(form),
        form=form,
        boxes=list(form.boxes(current)),
    )


def init_app(app):
    app.register_blueprint(bp)
    sections.register(app, "kudos", services.digest_kudos)
    sections.register(app, "celebrations", services.digest_celebrations)
