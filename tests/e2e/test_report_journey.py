"""HR filters the participation report by department, exports it as XLSX, watches the
progress bar, downloads the file, and the file has the expected rows."""

import openpyxl
from playwright.sync_api import expect

from learning import ledger
from learning.db import connection
from learning.people.models import Role
from tests.conftest import PASSWORD
from tests.e2e.test_invitation_journey import sign_in


def test_hr_filters_exports_xlsx_and_opens_the_file(
    app, live_server, cohort, team, make_person, browser, run_jobs, check_accessibility, tmp_path
):
    with app.app_context(), connection():
        for person in team:
            ledger.record(person, "replied", cohort_id=cohort.id)
    hr = make_person("harper@example.com", "Harper HR", (Role.MEMBER, Role.HR))

    page = browser.new_context(accept_downloads=True).new_page()
    sign_in(page, live_server, hr.email, PASSWORD)
    page.wait_for_url(f"{live_server}/")
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Participation")
    page.get_by_label("Department").select_option("Engineering")
    page.get_by_label("Group by").select_option(label="Location")
    page.get_by_role("button", name="Show the report").click()
    table = page.get_by_role("table", name="Participation by location")
    # Engineering is two people, in Berlin: fewer than five, so no numbers.
    expect(table.get_by_role("row", name="Berlin")).to_contain_text("fewer than 5")
    check_accessibility(page)

    page.get_by_label("Excel (XLSX)").check()
    page.get_by_role("button", name="Export").click()
    expect(page.get_by_text("Preparing the file")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_be_visible()
    check_accessibility(page)
    run_jobs()  # the worker; the page polls and sees it finish
    link = page.get_by_role("link", name="Download the XLSX file")
    expect(link).to_be_visible(timeout=10_000)
    with page.expect_download() as waiting:
        link.click()
    path = tmp_path / "report.xlsx"
    waiting.value.save_as(path)
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(path).active.iter_rows()]
    title, rows = rows[0][0], rows[2:]
    assert title.startswith("Participation by location: department Engineering, any date.")
    assert rows[0][:3] == ["Location", "People", "Active people"]
    assert rows[1][:3] == ["Berlin", "fewer than 5", "fewer than 5"]
    assert rows[2][:3] == ["All", "fewer than 5", "fewer than 5"]
