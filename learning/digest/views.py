"""The digest page (its preview and when it comes) and the admins' daily numbers."""

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learning import htmx
from learning.digest import services
from learning.people.access import require_admin
from learning.people.forms import DigestForm

bp = Blueprint("digest", __name__)


@bp.route("/digest", methods=["GET", "POST"])
@login_required
def preview():
    """What the next digest would say if it went now; how often and when it comes."""
    form = DigestForm(data=services.settings(current_user) if request.method == "GET" else None)
    if form.validate_on_submit():
        choices = {k: v for k, v in form.data.items() if k != "csrf_token"}
        services.save_settings(current_user, **choices)
        flash(_("Your digest settings are saved."), "success")
        return htmx.redirect(url_for("digest.preview"))
    composed, next_at = services.preview(current_user)
    return htmx.render(
        "learning/digest/preview.html",
        "learning/digest/_settings_form.html",
        422 if form.errors else 200,
        form=form,
        digest=composed,
        next_at=services.local(next_at, current_user.time_zone),
        since=services.local(composed.since, current_user.time_zone),
    )


@bp.get("/admin/digests")
@login_required
def admin():
    """How many digests went out, were skipped as empty, and failed, per day."""
    require_admin(current_user)
    return htmx.render(
        "learning/digest/admin.html", "learning/digest/admin.html", days=services.daily_counts()
    )


def init_app(app):
    app.register_blueprint(bp)
