"""HR's participation report: every number against a small dataset worked out by hand,
small groups suppressed (and totals that would give them away), exports by job in CSV and
XLSX with formula-like cells neutralised, every export audited, and who may see what."""

import csv
import datetime as dt
import io
import json
import re

import openpyxl
import pytest

from cohorts import forming
from cohorts import services as cohort_services
from cohorts.models import Membership
from learning import ledger
from learning.audit.models import AuditEntry
from learning.db import atomic, connection
from learning.insights import participation, services
from learning.insights.models import Export, KeptFigures
from learning.people import services as people
from learning.people.models import Person, Role
from tests.conftest import PASSWORD

D = dt.date
NOVEMBER = participation.Filters(start=D(2026, 11, 1), end=D(2026, 11, 30))


def at(day, hour=12):
    return dt.datetime(2026, day[0], day[1], hour)


@pytest.fixture
def history(app, cohort, team):
    """p0 and p3 are Engineering in Berlin, p1 and p4 Sales in London, p2 and p5 Finance in
    Paris, all in one cohort of six. What they did, by hand:

    week of 2 Nov: p0 starts a thread; p1 replies to p0; p2 gives p0 feedback; p0 checks in
    week of 9 Nov: p0 replies to p1; p3 gives p0 kudos; p1 checks in; the goal is reached
    1 October (outside November): p4 replies to p0
    """
    p = team
    entries = [
        (p[0], "thread_started", None, (11, 2)),
        (p[1], "replied", p[0], (11, 3)),
        (p[2], "feedback_given", p[0], (11, 4)),
        (p[0], "checked_in", None, (11, 5)),
        (p[0], "replied", p[1], (11, 10)),
        (p[3], "kudos_given", p[0], (11, 11)),
        (p[1], "checked_in", None, (11, 12)),
        (p[1], "goal_reached", None, (11, 12)),
        (p[4], "replied", p[0], (10, 1)),
        (p[5], "reacted", p[0], (11, 13)),  # a click, not a contribution
    ]
    with app.app_context(), connection():
        for actor, kind, target, day in entries:
            ledger.Activity.create(actor=actor, kind=kind, cohort_id=cohort.id, target=target,
                                   object_id=1, created_at=at(day))  # fmt: skip
    return cohort


def build(app, filters=NOVEMBER, grouping="program", threshold=5):
    with app.app_context(), connection():
        return participation.build(filters, grouping, threshold)


def test_every_number_of_a_program_in_november_matches_the_hand_count(app, history):
    report = build(app)
    [row] = report.rows
    assert row.label == "Leading with curiosity"
    assert row.values == {
        "people": 6, "active": 4, "threads": 1, "replies": 2, "feedback_given": 1,
        "feedback_received": 1, "check_ins": 2, "kudos_given": 1, "kudos_received": 1,
        "active_weeks": 1.0,  # p0 2 weeks, p1 2, p2 1, p3 1: 6 weeks over 6 people
        "goals": 1, "left": 0,
    }  # fmt: skip
    assert not row.suppressed and report.total.values == row.values


def test_without_dates_october_counts_too(app, history):
    [row] = build(app, participation.Filters()).rows
    assert (row.values["replies"], row.values["active"], row.values["active_weeks"]) == (3, 5, 1.2)


def test_by_department_each_person_counts_where_they_work(app, history):
    rows = {row.label: row.values for row in build(app, grouping="department", threshold=2).rows}
    assert rows["Engineering"] == {
        "people": 2, "active": 2, "threads": 1, "replies": 1, "feedback_given": 0,
        "feedback_received": 1, "check_ins": 1, "kudos_given": 1, "kudos_received": 1,
        "active_weeks": 1.5, "goals": 1, "left": 0,
    }  # fmt: skip
    assert (rows["Sales"]["active"], rows["Sales"]["replies"], rows["Sales"]["active_weeks"]) == (
        1,
        1,
        1.0,
    )
    assert (rows["Finance"]["feedback_given"], rows["Finance"]["active_weeks"]) == (1, 0.5)


def test_someone_who_left_the_company_still_counts_and_is_counted_as_left(
    app, history, team, make_person, sign_in
):
    # The directory deactivates p3 (Engineering), who gave p0 kudos: they leave the cohort,
    # and the report keeps them, and what they did, as someone who left.
    with app.app_context(), connection(), atomic():
        people.set_active(Person.get_by_id(team[3].id), False)
        assert not Membership.get_or_none(person=team[3].id, cohort=history.id)
    rows = {row.label: row.values for row in build(app, grouping="department", threshold=2).rows}
    assert (rows["Engineering"]["people"], rows["Engineering"]["left"]) == (2, 1)
    assert rows["Engineering"]["kudos_given"] == 1 and rows["Sales"]["left"] == 0
    with app.app_context(), connection():
        by_person = {row.label: row.values for row in participation.per_person(NOVEMBER)}
    assert by_person[f"{team[3].display_name} (#{team[3].id})"]["left"] == 1
    assert by_person[f"{team[0].display_name} (#{team[0].id})"]["left"] == 0
    assert by_person[participation.ALL]["left"] == 1
    assert by_person[participation.ALL]["people"] == 6
    hr = sign_in(make_person(roles=(Role.MEMBER, Role.HR)))
    page = hr.get("/reports/?grouping=program&start=2026-11-01&end=2026-11-30")
    assert re.search(r"Left the company</th>.*<td>1</td>\s*</tr>", page.text, re.S), page.text
    # Back at the company, they are no longer counted as having left.
    with app.app_context(), connection(), atomic():
        people.set_active(Person.get_by_id(team[3].id), True)
    assert build(app).total.values["left"] == 0


def test_filters_narrow_to_a_department_and_a_location(app, history):
    filters = participation.Filters(department="Sales", start=D(2026, 11, 1))
    [row] = build(app, filters, grouping="location", threshold=1).rows
    assert (row.label, row.values["people"], row.values["check_ins"]) == ("London", 2, 1)


def test_small_groups_show_no_numbers_and_neither_does_a_total_that_gives_one_away(
    app, history, team
):
    # Groups of two under a threshold of five: all hidden; together they are six people,
    # so the total gives none of them away.
    report = build(app, grouping="department")
    assert all(row.suppressed for row in report.rows) and not report.total.suppressed
    # Move p3 to Sales: Engineering 1, Finance 2, Sales 3. Under a threshold of two only
    # Engineering is hidden, and the total less the others would be its numbers: hidden too.
    with app.app_context(), connection():
        Person.update(department="Sales").where(Person.id == team[3].id).execute()
    report = build(app, grouping="department", threshold=2)
    assert [r.suppressed for r in report.rows] == [True, False, False]
    assert report.total.suppressed
    # Under three, Engineering and Finance are hidden; together they are three people, so
    # the total does not give either away.
    report = build(app, grouping="department", threshold=3)
    assert [r.suppressed for r in report.rows] == [True, True, False]
    assert not report.total.suppressed
    with app.app_context(), connection():
        Person.update(department="Sales").where(Person.id == team[5].id).execute()
        report = build(app, grouping="department", threshold=3)
    # Engineering 1, Finance 1, Sales 4: the two hidden together are 2, fewer than 3.
    assert [r.suppressed for r in report.rows] == [True, True, False]
    assert report.total.suppressed


def test_the_report_page_shows_fewer_than_five_in_words(app, history, make_person, sign_in):
    hr = sign_in(make_person(roles=(Role.MEMBER, Role.HR)))
    page = hr.get("/reports/?grouping=department&start=2026-11-01&end=2026-11-30")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert page.text.count("<td>fewer than 5</td>") == 3 * len(participation.COLUMNS)
    bad = hr.get("/reports/?start=2026-11-30&end=2026-11-01&grouping=nonsense")
    assert bad.status_code == 422
    assert "The end date comes before the start date." in bad.text
    assert "Not a valid choice" in bad.text
    assert 'value="2026-11-30"' in bad.text  # what they typed stays


def test_the_cohort_filter_offers_the_chosen_programs_cohorts(
    app, history, cohort, program, make_person, sign_in
):
    """A company has thousands of cohorts: one program's are offered at a time."""
    hr = sign_in(make_person(roles=(Role.MEMBER, Role.HR)))
    option = f'<option value="{cohort.id}">{cohort.name} ('
    first = hr.get("/reports/")
    assert option not in first.text
    assert "Choose a program, then show the report, to pick a cohort." in first.text
    chosen = hr.get(f"/reports/?program={program.id}")
    assert option in chosen.text and "Choose a program" not in chosen.text
    alone = hr.get(f"/reports/?cohort={cohort.id}")  # a bookmark with a cohort only
    assert alone.status_code == 200
    assert f'<option selected value="{cohort.id}">{cohort.name} (' in alone.text


def test_members_and_admins_cannot_open_reports(app, history, member_client, admin_client):
    for client in (member_client, admin_client):
        assert client.get("/reports/").status_code == 403
        assert client.post("/reports/exports", data={"format": "csv"}).status_code == 403


def unescape(value):
    return value.replace("_x000D_", "\r") if isinstance(value, str) else value


CORPUS = ["=1+1", "+1", "-1", "@SUM(A1)", "\tTabbed", "\rReturned",
          '=HYPERLINK("http://evil.example","click")']  # fmt: skip


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_exports_are_made_by_a_job_audited_and_neutralise_formulas(
    app, history, team, make_person, sign_in, run_jobs, format
):
    with app.app_context(), connection():
        for person, name in zip(team, CORPUS, strict=False):
            Person.update(department=name).where(Person.id == person.id).execute()
    hr_person = make_person(roles=(Role.MEMBER, Role.HR))
    hr = sign_in(hr_person)
    chosen = {"grouping": "department", "start": "2026-11-01", "end": "2026-11-30"}
    response = hr.post("/reports/exports", data={**chosen, "format": format})
    assert response.status_code == 303
    status_page = response.headers["Location"]
    first = hr.get(status_page).text
    # Its progress is the one message: no notice above it that would stay once it is ready.
    assert "Preparing the file" in first and 'class="flash' not in first
    run_jobs()
    page = hr.get(status_page)
    assert "Ready: 7 rows." in page.text
    export = Export.get()
    download = hr.get(f"/reports/exports/{export.id}/download")
    assert download.status_code == 200
    assert download.headers["Cache-Control"] == "no-store"
    data = download.get_data()
    download.close()
    if format == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        # XLSX stores a carriage return as _x000D_; openpyxl leaves it so.
        rows = [[unescape(cell.value) for cell in row] for row in sheet.iter_rows()]
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    # The file says what it holds and whom and when it covers, then leaves a line.
    title, rows = rows[0][0], rows[2:]
    assert title.startswith("Participation by department: everyone, 1 Nov 2026 to 30 Nov 2026.")
    assert "program_id" not in page.text and "everyone, 1 Nov 2026 to 30 Nov 2026" in page.text
    assert rows[0][:2] == ["Department", "People"]
    labels = [row[0] for row in rows[1:-1]]
    assert sorted(labels) == sorted("'" + name for name in CORPUS[:6])
    assert rows[-1][0] == "All"
    assert rows[1][1] == "fewer than 5"  # each department is one person
    # Audited when asked and when ready, with the filters and the number of rows.
    actions = [(e.action, json.loads(e.detail)) for e in AuditEntry.select().where(
        AuditEntry.actor == hr_person, AuditEntry.action.startswith("export_"))]  # fmt: skip
    assert [a for a, _ in actions] == ["export_requested", "export_ready"]
    assert actions[1][1]["rows"] == 7
    assert actions[1][1]["filters"] == {"start": "2026-11-01", "end": "2026-11-30"}


def test_nobody_else_can_download_an_export_and_it_expires(
    app, history, make_person, sign_in, run_jobs
):
    owner, other = (make_person(roles=(Role.MEMBER, Role.HR)) for _ in range(2))
    sign_in(owner).post("/reports/exports", data={"grouping": "program", "format": "csv"})
    run_jobs()
    export = Export.get()
    assert sign_in(other).get(f"/reports/exports/{export.id}/download").status_code == 404
    assert sign_in(other).get(f"/reports/exports/{export.id}").status_code == 404
    with app.app_context(), connection():
        Export.update(expires_at=dt.datetime(2020, 1, 1)).execute()
    gone = sign_in(owner).get(f"/reports/exports/{export.id}/download")
    assert gone.status_code == 410
    assert "This export has expired. Export the report again." in gone.text


def test_the_report_costs_the_same_queries_for_a_few_people_or_many(
    app, history, count_queries, form_cohorts, make_person
):
    with app.app_context(), connection():
        few = count_queries(lambda: participation.build(participation.Filters(), "cohort", 5))
    form_cohorts([make_person() for _ in range(12)])
    with app.app_context(), connection():
        assert (
            count_queries(lambda: participation.build(participation.Filters(), "cohort", 5)) == few
        )


def test_numbers_per_person_need_hr_a_purpose_and_the_password_and_are_audited(
    app, history, team, make_person, sign_in, member_client
):
    hr_person = make_person(roles=(Role.MEMBER, Role.HR))
    hr = sign_in(hr_person)
    assert hr.get("/reports/people").status_code == 200
    assert member_client.get("/reports/people").status_code == 403
    period = {"start": "2026-11-01", "end": "2026-11-30"}
    no_purpose = hr.post("/reports/people", data={**period, "purpose": "because",
                                                  "password": PASSWORD})  # fmt: skip
    assert no_purpose.status_code == 422
    assert "Say in a sentence why you need numbers per person" in no_purpose.text
    purpose = "Checking participation before the review of the pilot program"
    wrong = hr.post("/reports/people", data={**period, "purpose": purpose, "password": "nope"})
    assert wrong.status_code == 422 and "That is not your password." in wrong.text
    assert purpose in wrong.text  # what they wrote stays
    assert not AuditEntry.select().where(AuditEntry.action == "individual_report").exists()
    shown = hr.post("/reports/people", data={**period, "purpose": purpose, "password": PASSWORD})
    assert shown.status_code == 200
    row = re.search(rf"<th scope=\"row\">{team[0].display_name} \(#{team[0].id}\)</th>(.*?)</tr>",
                    shown.text, re.S).group(1)  # fmt: skip
    # p0: active, 1 thread, 1 reply, 0 feedback given, 1 received, 1 check-in, 0 kudos given,
    # 1 received, 2 active weeks, the cohort's goal; still at the company.
    assert re.findall(r"<td>([^<]*)</td>", row) == ["1", "1", "1", "0", "1", "1", "0", "1",
                                                     "2", "1", "0"]  # fmt: skip
    [entry] = AuditEntry.select().where(AuditEntry.action == "individual_report")
    assert entry.actor_id == hr_person.id
    assert json.loads(entry.detail) == {"purpose": purpose, "rows": 6, "filters": period}


def test_numbers_per_person_as_a_file_carry_the_purpose_into_the_audit(
    app, history, team, make_person, sign_in, run_jobs
):
    hr_person = make_person(roles=(Role.MEMBER, Role.HR))
    hr = sign_in(hr_person)
    purpose = "Year-end check of who took part in the pilot cohort"
    asked = hr.post("/reports/people", data={"purpose": purpose, "password": PASSWORD,
                                             "output": "csv"})  # fmt: skip
    assert asked.status_code == 303
    # The aggregated form cannot ask for numbers per person.
    assert (
        hr.post("/reports/exports", data={"grouping": "person", "format": "csv"}).status_code == 422
    )
    run_jobs()
    export = Export.get()
    download = hr.get(f"/reports/exports/{export.id}/download")
    title, _, *rows = csv.reader(io.StringIO(download.get_data().decode("utf-8-sig")))
    download.close()
    assert title[0].startswith("Numbers per person: everyone, any date. Made ")
    assert rows[0][:2] == ["Person", "Active people"]
    assert sorted(row[0] for row in rows[1:-1]) == sorted(
        f"{p.display_name} (#{p.id})" for p in team
    )
    details = [json.loads(e.detail) for e in AuditEntry.select().where(
        AuditEntry.action.startswith("export_")).order_by(AuditEntry.id)]  # fmt: skip
    assert [d["purpose"] for d in details] == [purpose, purpose]
    assert details[1]["rows"] == 7


@pytest.mark.parametrize(
    "period",
    [
        {"start": "0001-01-01", "end": "9999-12-31"},
        {"end": "9999-12-31", "grouping": "cohort"},
        {"start": "1999-12-31"},
    ],
)
def test_dates_out_of_range_are_refused_at_the_form_and_no_job_gets_them(
    app, history, make_person, sign_in, run_jobs, period
):
    hr = sign_in(make_person(roles=(Role.MEMBER, Role.HR)))
    app.config["INSIGHTS_CACHE_SECONDS"] = 300  # figures come from a job, as in production
    hr.get("/reports/", query_string=period)  # the filters' options are prepared first
    run_jobs()
    page = hr.get("/reports/", query_string=period)
    assert page.status_code == 422
    assert "Enter a date between 2000 and 2099." in page.text
    for value in period.values():
        assert f'value="{value}"' in page.text  # what was typed stays
    run_jobs()
    with app.app_context(), connection():
        assert [k.failed for k in KeptFigures.select() if k.failed] == []
        assert KeptFigures.select().where(KeptFigures.name == services.PARTICIPATION).count() == 0
    exported = hr.post("/reports/exports", data={**period, "format": "csv"})
    assert exported.status_code == 422 and "Enter a date between 2000 and 2099." in exported.text
    with app.app_context(), connection():
        assert Export.select().count() == 0


def test_the_filters_of_a_report_or_export_read_as_words(app, history):
    cohort = history
    with app.app_context(), connection():
        chosen = participation.Filters(program_id=cohort.program_id, cohort_id=cohort.id,
                                       department="Sales", start=D(2026, 11, 1))  # fmt: skip
        assert services.in_words(chosen) == (
            f"cohort “{cohort.name}”, program “Leading with curiosity”, department Sales, "
            "from 1 Nov 2026"
        )
        gone = participation.Filters(program_id=10**6, end=D(2026, 11, 30), location="Paris")
        assert (
            services.in_words(gone) == "a program since removed, location Paris, until 30 Nov 2026"
        )
        assert services.in_words(participation.Filters()) == "everyone, any date"


def test_a_cohort_published_a_minute_ago_can_be_chosen_at_once(
    app, history, manager, make_person, sign_in, run_jobs
):
    hr = sign_in(make_person(roles=(Role.MEMBER, Role.HR)))
    app.config["INSIGHTS_CACHE_SECONDS"] = 300  # options kept by a job, as in production
    hr.get("/reports/")
    run_jobs()
    assert "being updated" not in hr.get("/reports/").text
    newcomers = [make_person() for _ in range(6)]
    with app.app_context(), connection():
        later = cohort_services.save_program(
            manager, name="Negotiation lab", description="", starts_on=D(2026, 12, 7),
            ends_on=D(2027, 1, 29), cohort_size=6, guidelines="", show_other_cohorts=True,
        )  # fmt: skip
        cohort_services.add_participants(manager, later, newcomers)
        forming.propose(manager, later, 6)
        forming.publish(manager, later)
    page = hr.get("/reports/").text
    # The options shown are the earlier ones, and the page says they are being updated.
    assert "are being updated" in page and "Negotiation lab" not in page
    run_jobs()
    page = hr.get("/reports/").text
    assert "Negotiation lab" in page and "are being updated" not in page


def test_a_large_total_hidden_to_protect_a_small_group_says_so(
    app, history, team, make_person, sign_in
):
    # Engineering 1, Finance 2, Sales 3 under a threshold of two: Engineering is hidden, and
    # the total of six, less the others, would be its numbers. Six is not "fewer than 2".
    app.config["REPORT_MIN_GROUP"] = 2
    with app.app_context(), connection():
        Person.update(department="Sales").where(Person.id == team[3].id).execute()
    hr = sign_in(make_person(roles=(Role.MEMBER, Role.HR)))
    page = hr.get("/reports/?grouping=department&start=2026-11-01&end=2026-11-30").text
    assert page.count("<td>fewer than 2</td>") == len(participation.COLUMNS)
    assert page.count("<td>hidden to protect a small group</td>") == len(participation.COLUMNS)
    with app.app_context(), connection():
        header, rows = services.table_in_words(
            *services.table(participation.build(NOVEMBER, "department", 2))
        )
        rows = list(rows)
    assert rows[-1] == ["All", *["hidden to protect a small group"] * len(participation.COLUMNS)]
