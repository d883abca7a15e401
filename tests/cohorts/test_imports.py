"""Importing people from CSV: every bad row reported, nothing partial saved, re-imports update."""

import io
import tracemalloc

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from cohorts.models import Participant, PeopleImport
from learning.people.models import Person

HEADER = "Email,Name,Department,Location,Time zone,Manager email\n"
BAD = (
    HEADER
    + "ada@example.com,Ada Lovelace,Engineering,London,Europe/London,\n"
    + "not-an-email,Bad Email,Sales,Paris,Europe/Paris,\n"
    + "bo@example.com,Bo Chen,Sales,Mars,Mars/Olympus,\n"
    + "cy@example.com,Cy Diaz,Finance,Berlin,Europe/Berlin,nobody@example.com\n"
    + "ada@example.com,Ada Again,Engineering,London,Europe/London,\n"
    + "di@example.com,,Finance,Berlin,Europe/Berlin,\n"
)


def upload(client, program, text, name="people.csv", encoding="utf-8"):
    data = {"file": (io.BytesIO(text.encode(encoding)), name)}
    return client.post(
        f"/programs/{program.id}/import", data=data, content_type="multipart/form-data"
    )


def latest():
    return PeopleImport.select().order_by(PeopleImport.id.desc()).first()


def test_every_kind_of_bad_row_is_reported_and_nothing_is_saved(manager_client, program):
    response = upload(manager_client, program, BAD)
    assert response.status_code == 303
    page = manager_client.get(response.headers["Location"]).text
    assert "6 rows checked: 1 ready to import. <strong>5 with problems.</strong>" in page
    for problem in (
        "Bad email: It has no @ sign.",
        "Unknown time zone “Mars/Olympus”",
        "Manager nobody@example.com is neither in the file nor on the platform.",
        "Duplicate: the same email is on line 2.",
        "Name is missing.",
    ):
        assert problem in page
    assert "Import only the 1 valid row" in page
    assert Person.select().count() == 1  # only the manager who uploads
    refused = manager_client.post(f"/programs/{program.id}/imports/{latest().id}/start")
    assert refused.status_code == 303
    assert (
        "fix them, or import only the valid rows"
        in manager_client.get(refused.headers["Location"]).text
    )
    assert latest().status == "previewed"
    assert not Person.select().where(Person.email == "ada@example.com").exists()


def test_importing_only_the_valid_rows_is_an_explicit_choice(manager_client, program, run_jobs):
    upload(manager_client, program, BAD)
    manager_client.post(
        f"/programs/{program.id}/imports/{latest().id}/start", data={"valid_only": "1"}
    )
    assert latest().status == "queued"
    run_jobs()
    done = latest()
    assert (done.status, done.created, done.updated, done.skipped) == ("done", 1, 0, 5)
    page = manager_client.get(f"/programs/{program.id}/imports/{done.id}").text
    assert "Import finished: 1 created, 0 updated, 5 skipped." in page
    assert "Unknown time zone" in page  # why each was skipped
    assert Participant.select().where(Participant.program == program).count() == 1


def test_a_file_with_bom_and_semicolons_imports_and_a_reimport_updates(
    manager_client, program, run_jobs
):
    text = (
        "\ufeffManager email;Time zone;Name;Email;Department\n"
        "lead@example.com;Asia/Kolkata;Ravi Iyer;ravi@example.com;Operations\n"
        ";Asia/Kolkata;Lea Lead;lead@example.com;Operations\n"
    )
    upload(manager_client, program, text)
    assert latest().valid_rows == 2
    manager_client.post(f"/programs/{program.id}/imports/{latest().id}/start")
    run_jobs()
    ravi = Person.get(Person.email == "ravi@example.com")
    assert ravi.time_zone == "Asia/Kolkata" and ravi.manager.email == "lead@example.com"
    assert (latest().created, latest().updated) == (2, 0)

    upload(manager_client, program, text.replace("Operations", "Finance"))
    manager_client.post(f"/programs/{program.id}/imports/{latest().id}/start")
    run_jobs()
    assert (latest().created, latest().updated) == (0, 2)
    assert Person.select().where(Person.email == "ravi@example.com").count() == 1
    assert Person.get(Person.email == "ravi@example.com").department == "Finance"
    assert Participant.select().where(Participant.program == program).count() == 2


def test_a_manager_already_on_the_platform_is_found(manager_client, program, manager):
    upload(manager_client, program, HEADER + f"x@example.com,X,,,UTC,{manager.email.upper()}\n")
    assert latest().valid_rows == 1


def test_the_import_shows_progress_while_the_job_runs(manager_client, program):
    upload(manager_client, program, HEADER + "p@example.com,P Q,,,,\n")
    manager_client.post(f"/programs/{program.id}/imports/{latest().id}/start")
    fragment = manager_client.get(
        f"/programs/{program.id}/imports/{latest().id}",
        headers={"HX-Request": "true", "HX-Request-Type": "partial"},
    )
    assert '<progress id="import-progress" max="1" value="0">' in fragment.text
    assert 'hx-trigger="every 1s"' in fragment.text and "<html" not in fragment.text


def test_files_that_cannot_be_read_say_why_next_to_the_field(manager_client, program):
    cases = [
        ("name;department\nA;B\n", "we could not find email"),
        ("", "The file is empty"),
        ("Email,Name\n", "has column names but no people"),
    ]
    for text, message in cases:
        response = upload(manager_client, program, text)
        assert response.status_code == 422 and message in response.text
    latin = upload(manager_client, program, HEADER + "é@example.com,Zoë,,,,\n", encoding="latin-1")
    assert latin.status_code == 422 and "not UTF-8" in latin.text
    missing = manager_client.post(f"/programs/{program.id}/import", data={})
    assert missing.status_code == 422 and "Choose a CSV file to upload." in missing.text
    assert PeopleImport.select().count() == 0


def test_members_cannot_import(member_client, program):
    assert member_client.get(f"/programs/{program.id}/import").status_code == 403
    assert upload(member_client, program, BAD).status_code == 403


def test_a_file_of_a_thousand_people_imports_in_chunks_with_managers(
    manager_client, program, run_jobs
):
    rows = ["boss@example.com,The Boss,Leadership,HQ,Europe/Berlin,"]
    rows += [
        f"p{n}@example.com,Person {n},Team {n % 7},Site {n % 5},Europe/Berlin,boss@example.com"
        for n in range(999)
    ]
    upload(manager_client, program, HEADER + "\n".join(rows) + "\n")
    assert latest().valid_rows == 1000
    manager_client.post(f"/programs/{program.id}/imports/{latest().id}/start")
    run_jobs()
    done = latest()
    assert (done.status, done.processed, done.created) == ("done", 1000, 1000)
    boss = Person.get(Person.email == "boss@example.com")
    assert Person.select().where(Person.manager == boss).count() == 999
    assert Participant.select().where(Participant.program == program).count() == 1000


def _post_bytes(client, program, data, name="people.csv"):
    """Upload `data` as a browser would. The body is built here in memory: the test client
    would spool a big one to a temporary file it never closes."""
    fields = {"csrf_token": client.csrf_token(), "file": FileStorage(io.BytesIO(data), name)}
    boundary, body = encode_multipart(fields)
    return client.post(
        f"/programs/{program.id}/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        csrf=False,
    )


BAD_FILES = [
    # A spreadsheet saved as is (a zip), and an image: binary.
    (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 40, "not a CSV file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 500, "not a CSV file"),
    # Excel's "Unicode text", and Windows-1252.
    ("Email,Name\nzoë@example.com,Zoë\n".encode("utf-16"), "UTF-16 text"),
    ("Email,Name\nzoe@example.com,Zo\u00eb \u2013 Ops\n".encode("cp1252"), "not UTF-8"),
    # 100,000 columns on the first line.
    (("Email,Name," + ",".join(f"c{n}" for n in range(100_000))).encode(), "100,002 columns"),
    # One cell bigger than the CSV reader accepts.
    (b'Email,Name\na@example.com,"' + b"x" * 200_000 + b'"\n', "not readable as CSV"),
]


def test_bad_files_are_refused_next_to_the_field_and_nothing_is_saved(manager_client, program):
    for data, message in BAD_FILES:
        response = _post_bytes(manager_client, program, data)
        assert response.status_code == 422, message
        assert message in response.text
        assert 'aria-invalid="true"' in response.text
    assert PeopleImport.select().count() == 0 and Participant.select().count() == 0


def test_a_huge_upload_is_refused_before_it_is_read(manager_client, program):
    # Just over the limit the form reads: refused after reading no more than 5 MB + 1 byte.
    over = _post_bytes(manager_client, program, HEADER.encode() + b"x" * (5 * 1024 * 1024))
    assert over.status_code == 422 and "larger than 5 MB" in over.text
    # Beyond the request limit (8 MB) the body is not read at all.
    huge = b"Email,Name\n" + b"a@example.com,A\n" * 700_000  # 11 MB
    tracemalloc.start()
    response = manager_client.post(
        f"/programs/{program.id}/import",
        input_stream=io.BytesIO(huge),
        content_type="multipart/form-data; boundary=x",
        content_length=len(huge),
        csrf=False,
    )
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 413 and "A people import can be up to 5 MB" in response.text
    assert peak < 3 * 1024 * 1024, peak
    assert PeopleImport.select().count() == 0
