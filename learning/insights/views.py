"""HR's participation report, its exports (a job with a progress bar) and their downloads.
Nothing here is cached by browsers or proxies."""

from flask import Blueprint, flash, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from learning import htmx
from learning.errors import Refused
from learning.insights import access, kept, services
from learning.insights.forms import ExportForm, IndividualForm, ReportForm
from learning.people.sessions import passive
from learning.people.views import password_checks
from learning.web import show_refused

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(form, export_form, choices, status=200):
    """The report's page; while the filters' options are first computed, it waits for them."""
    figures = choices if choices.preparing else None
    if figures is None and not form.errors:
        figures = services.participation_table(current_user, form.filters(), form.grouping.data)

    def table(value):
        header, rows = services.table_in_words(*value)
        rows = list(rows)
        return render_template("learning/insights/_participation_table.html", header=header,
                               rows=rows, form=form)  # fmt: skip

    return htmx.render(
        "learning/insights/participation.html",
        "learning/insights/participation.html",
        status,
        form=form,
        export_form=export_form,
        figures=figures,
        choices=choices,
        table=kept.rendered(figures, table) if figures and not figures.preparing else None,
        threshold=services.threshold(),
        exports=services.recent_exports(current_user),
    )


@bp.get("/")
@login_required
def participation():
    access.require_reader(current_user)
    choices = services.choices()
    form = ReportForm(request.args).offer(services.options(choices))
    valid = form.validate() if request.args and not choices.preparing else True
    export_form = ExportForm(formdata=None, data=form.data).offer(services.options(choices))
    return _page(form, export_form, choices, 200 if valid else 422)


@bp.route("/people", methods=["GET", "POST"])
@login_required
@password_checks
def individual():
    """Participation per person: only HR, only with a purpose and their password."""
    access.require_reader(current_user)
    form = IndividualForm().offer(services.options(services.choices()))
    header, rows = None, []
    if form.validate_on_submit():
        asked = (current_user, form.filters(), form.purpose.data or "", form.password.data or "")
        try:
            if form.output.data != "screen":
                made = services.individual_export(*asked, form.output.data, form.token.data)
                return htmx.redirect(url_for("reports.export_status", export_id=made.id))
            header, rows = services.individual_report(*asked)
        except Refused as refused:
            show_refused(form, refused)
    page = "learning/insights/individual.html"
    status = 422 if form.errors else 200
    return htmx.render(page, page, status, form=form, header=header, rows=rows)


@bp.post("/exports")
@login_required
def export():
    access.require_reader(current_user)
    choices = services.choices()
    form = ExportForm().offer(services.options(choices))
    if form.validate_on_submit():
        try:
            made = services.request_export(
                current_user, form.filters(), form.grouping.data, form.format.data,
                token=form.token.data,
            )  # fmt: skip
        except Refused as refused:
            show_refused(form, refused)
        else:  # the export's page says how far it is, and then that it is ready
            return htmx.redirect(url_for("reports.export_status", export_id=made.id))
    return _page(_with_errors_of(form, choices), form, choices, 422)


def _with_errors_of(form, choices):
    """The report's own form, showing the filters of an export `form` with their errors."""
    report_form = ReportForm(formdata=None, data=form.data).offer(services.options(choices))
    report_form.validate()
    for name, errors in form.errors.items():
        if name in report_form:
            report_form[name].errors = list(errors)
    return report_form


@bp.get("/exports/<int:export_id>")
@passive
@login_required
def export_status(export_id):
    made = access.access_export(current_user, export_id)
    # The page says whom the export covers; its polls (every second) only how far it is.
    scope = None if htmx.wants_fragment() else services.in_words(services.filters_of(made))
    return htmx.render(
        "learning/insights/export.html", "learning/insights/_export_status.html",
        export=made, scope=scope,
    )  # fmt: skip


@bp.get("/exports/<int:export_id>/download")
@login_required
def download(export_id):
    made = access.access_export(current_user, export_id)
    try:
        path = services.file_of(made)
    except Refused as refused:
        flash(str(refused), "error")
        return htmx.render(
            "learning/insights/export.html",
            "learning/insights/_export_status.html",
            410,
            export=made,
            scope=services.in_words(services.filters_of(made)),
        )
    return send_file(path, as_attachment=True, download_name=services.filename(made))


def init_app(app):
    app.register_blueprint(bp)
