"""Admins: a person's data, downloaded for them, and erasing it."""

from flask import Blueprint, Response, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user, fresh_login_required, login_required

from learning import htmx
from learning.errors import Refused
from learning.privacy import services
from learning.privacy.forms import EraseForm

bp = Blueprint("privacy", __name__, url_prefix="/people")


def _page(person, form=None, status=200):
    return htmx.render(
        "learning/privacy/person.html",
        "learning/privacy/_erase_form.html",
        status,
        person=person,
        form=form or EraseForm(formdata=None),
    )


@bp.get("/<int:person_id>/privacy")
@login_required
def person(person_id):
    return _page(services.access_person(current_user, person_id))


@bp.post("/<int:person_id>/data")
@login_required
def download(person_id):
    """A POST, because it is audited: no GET changes anything."""
    person = services.access_person(current_user, person_id)
    data = services.personal_data(current_user, person)
    return Response(
        data,
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename=personal-data-{person.id}.json"},
    )


@bp.post("/<int:person_id>/erase")
@fresh_login_required
def erase(person_id):
    person = services.access_person(current_user, person_id)
    form = EraseForm()
    if form.validate_on_submit():
        if form.confirm.data.strip().lower() != person.email:
            form.confirm.errors.append("That is not their email address; nothing was erased.")
        else:
            try:
                services.erase(current_user, person)
            except Refused as error:
                form.confirm.errors.append(str(error))
            else:
                flash(_("Their personal data is erased. Their contributions stay, anonymous."),
                      "success")  # fmt: skip
                return htmx.redirect(url_for("people.index"))
    return _page(person, form, 422)


def init_app(app):
    app.register_blueprint(bp)
