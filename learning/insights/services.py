"""HR's reports: who may see them, building them, exporting them by job, and the audit."""

import datetime as dt
import json
import uuid
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from learning import once
from learning.api import webhooks
from learning.audit.services import log
from learning.db import atomic, utcnow
from learning.errors import Refused
from learning.i18n import as_reader, at, day, reading
from learning.insights import exports, kept, participation, sources
from learning.insights.access import require_reader
from learning.insights.models import GROUPINGS, Export
from learning.jobs.services import defer
from learning.mail.services import absolute_url
from learning.people.services import confirm_password
from learning.text import one_line

PURPOSE_MIN = 20
# The kept figures' name; a new one when their shape changes (4: in no one's language).
PARTICIPATION = "participation-5"
FORMATS = {"csv": _l("CSV"), "xlsx": _l("Excel (XLSX)")}


def threshold():
    return current_app.config["REPORT_MIN_GROUP"]


def choices():
    """Figures: what the filters offer (programs, cohorts, departments and locations with
    people), kept like the report's (every membership is read to find them), and made again
    as soon as a cohort is published."""
    return kept.figures("report-choices-4", [], since=sources.changed_at())


def options(choices):
    """What the filters offer, from `choices()`: nothing but "All" until first computed."""
    if choices.preparing:
        return {"programs": [], "cohorts": [], "departments": [], "locations": []}
    return kept.remembered(choices, "options", lambda value: value)


def _choices(params, progress):
    members = list(sources.memberships(former=True))
    return {
        "programs": sorted({(m.program_id, m.program) for m in members}, key=lambda p: p[1]),
        "cohorts": sorted(
            {(m.cohort_id, f"{m.cohort} ({m.program})", m.program_id) for m in members},
            key=lambda c: c[1],
        ),
        "departments": sorted({m.department for m in members if m.department}),
        "locations": sorted({m.location for m in members if m.location}),
    }


def participation_table(viewer, filters, grouping):
    """Figures whose value is the report as (header, rows) of cells, computed by a job
    because the whole ledger is read to build it."""
    require_reader(viewer)
    return kept.figures(PARTICIPATION, [filters.describe(), grouping, threshold()])


def _participation(params, progress):
    described, grouping, smallest = params
    report = participation.build(parsed_filters(described), grouping, smallest, progress)
    return table(report)


def table(report):
    """The report as a header (the columns' keys) and rows of cells, in no one's language (a
    job computes it once for every reader): a suppressed number is [why, threshold], a
    group's missing name "" and the total's None. `table_in_words` says them for a reader."""
    header = [report.grouping, *participation.COLUMNS]

    def cells(row):
        if row.suppressed:
            return [row.label, *[hidden_because(row, report)] * len(participation.COLUMNS)]
        return [row.label, *row.values.values()]

    return header, [cells(row) for row in [*report.rows, report.total]]


def hidden_because(row, report):
    """Why a suppressed row's cells are empty: a small group, or a larger one (a total)
    hidden so that a small group cannot be worked out by subtraction."""
    return ["fewer" if row.people < report.threshold else "hidden", report.threshold]


def table_in_words(header, rows):
    """A table of `table` or `person_rows` as its reader reads it (rows may be streamed)."""
    labels = {"person": _l("Person"), **GROUPINGS, **participation.COLUMNS}
    no_group = participation.NO_GROUP.get(header[0], "")
    words = [str(labels[key]) for key in header]

    def label(cell):
        return _("All") if cell is participation.ALL else cell or str(no_group)

    return words, ([label(row[0]), *map(_cell_in_words, row[1:])] for row in rows)


def _cell_in_words(cell):
    if not isinstance(cell, list):
        return cell
    why, smallest = cell
    if why == "fewer":
        return ngettext("fewer than %(num)d", "fewer than %(num)d", smallest)
    return _("hidden to protect a small group")


# Numbers per person have no "people" column: each row is one.
PERSON_COLUMNS = [key for key in participation.COLUMNS if key != "people"]
PERSON_HEADER = ["person", *PERSON_COLUMNS]


def person_rows(filters):
    """Rows of cells per person, streamed, the total last."""
    for row in participation.per_person(filters):
        yield [row.label, *(row.values[key] for key in PERSON_COLUMNS)]


# The individual report: numbers per person, never content


def _confirmed(viewer, purpose, password):
    """The purpose, tidied, once HR confirmed their password (a fresh sign-in) and wrote why."""
    require_reader(viewer)
    if not confirm_password(viewer, password, "individual report"):
        raise Refused(_("That is not your password."), field="password")
    purpose = one_line(purpose)
    if len(purpose) < PURPOSE_MIN:
        raise Refused(
            _(
                "Say in a sentence why you need numbers per person (at least "
                "%(num)d characters): it goes in the audit log.",
                num=PURPOSE_MIN,
            ),
            field="purpose",
        )
    return purpose


def individual_export(viewer, filters, purpose, password, format, token=None):
    purpose = _confirmed(viewer, purpose, password)
    return request_export(viewer, filters, "person", format, purpose, token)


def individual_report(viewer, filters, purpose, password):
    """Participation per person, for HR only, after they confirm their password (a fresh
    sign-in) and write why; audited with the purpose, the filters and the number of rows."""
    purpose = _confirmed(viewer, purpose, password)
    rows = list(person_rows(filters))
    with atomic():
        log(viewer, "individual_report", "participation per person", purpose=purpose,
            filters=filters.describe(), rows=len(rows) - 1)  # fmt: skip
    header, rows = table_in_words(PERSON_HEADER, rows)
    return header, list(rows)


# Exports


def request_export(viewer, filters, grouping, format, purpose="", token=None):
    """Record the export and queue its job; audited now, and again with its row count.
    Numbers per person (grouping "person") come only through `individual_export`. The same
    form sent twice (`token`) makes one export."""
    from learning.insights.tasks import build_export

    require_reader(viewer)
    if format not in FORMATS:
        raise Refused(_("Choose CSV or Excel."), field="format")
    report = "individual" if grouping == "person" else "participation"
    now = utcnow()
    with atomic():
        first = once.sent_before(viewer, token, "export")
        if first:
            return once.again(first, Export)
        export = Export.create(
            requested_by=viewer,
            report=report,
            format=format,
            grouping=grouping,
            filters=json.dumps(filters.describe(), sort_keys=True),
            purpose=purpose,
            expires_at=now + dt.timedelta(days=current_app.config["EXPORT_DAYS"]),
        )
        log(viewer, "export_requested", f"{report} report ({format})", export=export.id,
            grouping=grouping, filters=filters.describe(), purpose=purpose)  # fmt: skip
        defer(build_export, export.id, key=f"export-{export.id}", queue="exports")
        return once.made(token, export)


def recent_exports(viewer, limit=10):
    return list(
        Export.select()
        .where(Export.requested_by == viewer)
        .order_by(Export.created_at.desc(), Export.id.desc())
        .limit(limit)
    )


def file_of(export, now=None):
    """The export's file, or Refused saying why it cannot be downloaded."""
    if export.status != "done":
        raise Refused(_("This export is not ready yet."))
    if (now or utcnow()) >= export.expires_at:
        raise Refused(_("This export has expired. Export the report again."))
    path = Path(current_app.config["EXPORTS_DIR"]) / export.path
    if not path.exists():
        raise Refused(_("This export's file is gone. Export the report again."))
    return path


def filename(export):
    return f"{export.report}-{export.grouping}-{export.created_at:%Y%m%d-%H%M}.{export.format}"


def filters_of(export):
    return parsed_filters(json.loads(export.filters))


def in_words(filters):
    """Whom and when the filters cover, as HR reads them: "program “Onboarding”, department
    Sales, 1 Nov 2026 to 30 Nov 2026"; "everyone, any date" without filters."""
    program, cohort = sources.names(filters.program_id, filters.cohort_id)
    who = []
    if filters.cohort_id:
        who.append(_("cohort “%(name)s”", name=cohort) if cohort else _("a cohort since removed"))
    if filters.program_id:
        who.append(
            _("program “%(name)s”", name=program) if program else _("a program since removed")
        )
    if filters.department:
        who.append(_("department %(name)s", name=filters.department))
    if filters.location:
        who.append(_("location %(name)s", name=filters.location))
    start, end = (
        day(moment, "d MMM y") if moment else None for moment in (filters.start, filters.end)
    )
    when = (
        _("%(start)s to %(end)s", start=start, end=end) if start and end
        else _("from %(start)s", start=start) if start
        else _("until %(end)s", end=end) if end
        else _("any date")
    )  # fmt: skip
    return f"{', '.join(who) or _('everyone')}, {when}"


def export_title(export):
    """The first line of an export's file: what it is, whom and when it covers, when made
    (in the time zone of whom asked for it)."""
    group = str(GROUPINGS.get(export.grouping, "")).lower()
    what = (
        _("Numbers per person") if export.report == "individual"
        else _("Participation by %(group)s", group=group)
    )  # fmt: skip
    made = at(utcnow(), "d MMM y, HH:mm")
    made = _("Made %(moment)s (%(zone)s).", moment=made, zone=reading()[1])
    return f"{what}: {in_words(filters_of(export))}. {made}"


def parsed_filters(values):
    """Filters from what `Filters.describe` gave."""
    values = dict(values)
    for key in ("start", "end"):
        if values.get(key):
            values[key] = dt.date.fromisoformat(values[key])
    return participation.Filters(**values)


def run_export(export_id):
    """Build the report and write its file, with progress the page can show."""
    claimed = (
        Export.update(status="running")
        .where(Export.id == export_id, Export.status == "queued")
        .execute()
    )
    if not claimed:
        return "already done"
    export = Export.get_by_id(export_id)
    with as_reader(export.requested_by):
        return _write_export(export)


def _write_export(export):
    """The export's file, in the words, language and time zone of whom asked for it."""
    try:
        filters = filters_of(export)
        if export.grouping == "person":
            header, rows = PERSON_HEADER, person_rows(filters)
            total = sum(1 for _ in participation.people(filters)) + 1
        else:
            header, rows = table(participation.build(filters, export.grouping, threshold()))
            total = len(rows)
        header, rows = table_in_words(header, rows)
        Export.update(rows=total).where(Export.id == export.id).execute()
        folder = Path(current_app.config["EXPORTS_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{uuid.uuid4().hex}.{export.format}"

        def progress(count):
            Export.update(progress=count).where(Export.id == export.id).execute()

        title = export_title(export)
        written = exports.write(folder / name, export.format, title, header, rows, progress)
    except Exception as error:
        Export.update(status="failed", error=str(error)[:2000], finished_at=utcnow()).where(
            Export.id == export.id
        ).execute()
        raise
    with atomic():
        Export.update(status="done", path=name, progress=written, finished_at=utcnow()).where(
            Export.id == export.id
        ).execute()
        log(export.requested_by, "export_ready", f"{export.report} report ({export.format})",
            export=export.id, rows=written, filters=json.loads(export.filters),
            purpose=export.purpose)  # fmt: skip
        webhooks.emit("export.ready", f"export-{export.id}", {
            "export_id": export.id, "person_id": export.requested_by_id,
            "url": absolute_url("reports.export_status", export_id=export.id),
        })  # fmt: skip
    return f"{written} rows"


def register(app):
    """The report's figures, computed by a job (learning.insights.kept)."""
    kept.register(app, "report-choices-4", _choices)
    kept.register(app, PARTICIPATION, _participation)
