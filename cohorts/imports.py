"""Importing people from a CSV: check every row, preview, then apply in a job."""

import codecs
import csv
import io
import json
from zoneinfo import available_timezones

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from cohorts.models import PeopleImport
from cohorts.tasks import apply_import
from learning import once
from learning.audit.services import log
from learning.db import atomic
from learning.errors import Refused
from learning.i18n import number, said
from learning.jobs.services import defer
from learning.people.models import Person
from learning.people.services import email_problem, normalize_email

MAX_BYTES = 5 * 1024 * 1024
MAX_COLUMNS = 50
TOO_LARGE = _l("The file is larger than 5 MB. Split it into smaller files.")
ZONES = available_timezones()
# Header names people use, normalised (lower case, letters only) -> our column.
HEADERS = {
    "email": "email", "emailaddress": "email", "mail": "email", "workemail": "email",
    "name": "name", "fullname": "name", "displayname": "name",
    "department": "department", "dept": "department", "team": "department",
    "location": "location", "office": "location", "site": "location", "city": "location",
    "timezone": "time_zone", "tz": "time_zone", "zone": "time_zone",
    "manageremail": "manager_email", "manager": "manager_email", "reportsto": "manager_email",
}  # fmt: skip
COLUMNS = ["email", "name", "department", "location", "time_zone", "manager_email"]
REQUIRED = ["email", "name"]


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message says why, for the person uploading."""


def _header_key(name):
    return HEADERS.get("".join(ch for ch in name.lower() if ch.isalpha()))


def read_rows(data):
    """The file's rows as dicts of our columns. UTF-8 with or without BOM; comma or semicolon."""
    if len(data) > MAX_BYTES:
        raise FileProblem(TOO_LARGE)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileProblem(
            _("The file is UTF-16 text (“Unicode text” in Excel). Save it as “CSV UTF-8”.")
        )
    if b"\x00" in data:
        raise FileProblem(
            _(
                "This is not a CSV file (it looks like a spreadsheet, an image or another binary "
                "file). In your spreadsheet, save it as “CSV UTF-8”."
            )
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(
            _("The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8”.")
        ) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise FileProblem(_("The file is empty. The first line must name the columns."))
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    try:
        return _parse(text, delimiter)
    except csv.Error as error:
        raise FileProblem(
            _("The file is not readable as CSV (%(reason)s). Check it is a CSV file.", reason=error)
        ) from None


def _parse(text, delimiter):
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader)
    if len(header) > MAX_COLUMNS:
        raise FileProblem(
            _(
                "The first line has %(count)s columns; we expect a few (email, name, department, "
                "location, time zone, manager email), at most %(most)s.",
                count=number(len(header)),
                most=MAX_COLUMNS,
            )
        )
    keys = [_header_key(name) for name in header]
    missing = [c for c in REQUIRED if c not in keys]
    if missing:
        raise FileProblem(
            _(
                "The first line must name the columns; we could not find %(missing)s. "
                "We found: %(found)s.",
                missing=", ".join(missing),
                found=", ".join(h.strip() for h in header if h.strip()) or "–",
            )
        )
    rows = []
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = dict.fromkeys(COLUMNS, "")
        for key, cell in zip(keys, cells, strict=False):
            if key:
                values[key] = cell.strip()
        rows.append({"line": line, **values})
    if not rows:
        raise FileProblem(_("The file has column names but no people."))
    return rows


def check_rows(rows):
    """Add each row's problems: bad email, missing name, unknown time zone, manager not
    found, duplicate in the file. Managers may be in the file or already on the platform."""
    seen = {}
    for row in rows:
        problems = []
        try:
            row["email"] = normalize_email(
                validate_email(row["email"], check_deliverability=False).normalized
            )
        except EmailNotValidError as error:
            problems.append(said("Bad email: %(reason)s", reason=email_problem(error)))
        if not row["name"]:
            problems.append(said("Name is missing."))
        if row["time_zone"] and row["time_zone"] not in ZONES:
            problems.append(
                said("Unknown time zone “%(zone)s” (use names like Europe/Berlin).",
                     zone=row["time_zone"])
            )  # fmt: skip
        if row["email"] in seen and not problems:
            problems.append(
                said("Duplicate: the same email is on line %(line)s.", line=seen[row["email"]])
            )
        seen.setdefault(row["email"], row["line"])
        row["manager_email"] = normalize_email(row["manager_email"])
        row["problems"] = problems
    in_file = {row["email"] for row in rows}
    wanted = {row["manager_email"] for row in rows if row["manager_email"]} - in_file
    known = _existing_emails(wanted)
    for row in rows:
        manager = row["manager_email"]
        if manager and manager == row["email"]:
            row["problems"].append(said("A person cannot be their own manager."))
        elif manager and manager not in in_file and manager not in known:
            row["problems"].append(
                said("Manager %(email)s is neither in the file nor on the platform.", email=manager)
            )
    return rows


def _existing_emails(emails):
    emails, found = sorted(emails), set()
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        found |= {e for (e,) in Person.select(Person.email).where(Person.email.in_(chunk)).tuples()}
    return found


def preview_upload(actor, program, file, token=None):
    """`preview` of an uploaded file, read up to one byte over the limit: never more in
    memory, whatever the upload's size (a big one waits in a temporary file)."""
    data = file.read(MAX_BYTES + 1)
    file.close()
    return preview(actor, program, file.filename or "", data, token)


def preview(actor, program, filename, data, token=None):
    """Check an uploaded file and keep it for the preview; nothing about people is saved.
    The same form sent twice (`token`) keeps one."""
    rows = check_rows(read_rows(data))
    with atomic():
        first = once.sent_before(actor, token, "people_import")
        if first:
            return once.again(first, PeopleImport)
        upload = PeopleImport.create(
            program=program,
            uploaded_by=actor,
            filename=filename[:200],
            rows=json.dumps(rows),
            total_rows=len(rows),
            valid_rows=sum(1 for r in rows if not r["problems"]),
        )
        return once.made(token, upload)


def start(actor, upload, valid_only):
    """Queue the import. A file with errors is imported only if `valid_only` is chosen."""
    if upload.status != "previewed":
        return upload
    if upload.valid_rows < upload.total_rows and not valid_only:
        raise Refused(
            _("This file has rows with problems: fix them, or import only the valid rows.")
        )
    if upload.valid_rows == 0:
        raise Refused(_("No row can be imported: fix the file and upload it again."))
    with atomic():
        # Started twice at once (a double click): the first claims it.
        claimed = (
            PeopleImport.update(status="queued", valid_only=valid_only)
            .where(PeopleImport.id == upload.id, PeopleImport.status == "previewed")
            .execute()
        )
        upload.status, upload.valid_only = "queued", valid_only
        if not claimed:
            return upload
        log(actor, "people_import_started", upload.filename, rows=upload.valid_rows)
        defer(apply_import, upload.id, key=f"import-{upload.id}", queue="default")
    return upload


def rows_of(upload):
    return json.loads(upload.rows)
