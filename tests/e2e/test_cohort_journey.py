"""L&D imports people, fixes a bad row, forms and publishes cohorts; a member finds theirs."""

from playwright.sync_api import expect

from cohorts.models import Cohort, Membership
from tests.e2e.test_invitation_journey import sign_in

HEADER = "email,name,department,location,time zone,manager email\n"
PEOPLE = [
    ("noor@example.com", "Noor Haddad", "Finance", "Berlin", "Europe/Berlin"),
    ("ravi@example.com", "Ravi Iyer", "Engineering", "Berlin", "Europe/Berlin"),
    ("ana@example.com", "Ana Silva", "Sales", "Lisbon", "Europe/Lisbon"),
    ("bo@example.com", "Bo Chen", "Engineering", "London", "Europe/London"),
    ("cy@example.com", "Cy Diaz", "Sales", "Madrid", "Europe/Madrid"),
    ("di@example.com", "Di Novak", "Finance", "Prague", "Europe/Prague"),
    ("ed@example.com", "Ed Kim", "Operations", "Berlin", "Europe/Berlin"),
    ("flo@example.com", "Flo Roth", "Operations", "Vienna", "Europe/Vienna"),
    ("gus@example.com", "Gus Berg", "Engineering", "Oslo", "Europe/Oslo"),
    ("hal@example.com", "Hal Moss", "Sales", "Dublin", "Europe/Dublin"),
]


def csv_file(rows):
    body = HEADER + "".join(f"{e},{n},{d},{loc},{tz},\n" for e, n, d, loc, tz in rows)
    return {"name": "people.csv", "mimeType": "text/csv", "buffer": body.encode()}


def test_import_build_move_publish_and_a_member_meets_the_cohort(
    live_server, manager, program, browser, inbox, run_jobs, check_accessibility
):
    page = browser.new_page()
    sign_in(page, live_server, manager.email, "correct horse battery staple")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programs")
    check_accessibility(page)
    page.get_by_role("link", name=program.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(program.name)
    check_accessibility(page)

    page.get_by_role("link", name="Import people").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Import")
    check_accessibility(page)
    broken = PEOPLE[:-1] + [("hal-at-example.com", "Hal Moss", "Sales", "Dublin", "Europe/Dublin")]
    page.get_by_label("CSV file").set_input_files(files=[csv_file(broken)])
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("status")).to_contain_text("9 ready to import. 1 with problems.")
    expect(page.get_by_text("Bad email")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("CSV file").set_input_files(files=[csv_file(PEOPLE)])
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("status")).to_contain_text("10 ready to import")
    page.get_by_role("button", name="Import 10 people").click()
    expect(page.get_by_text("Importing: 0 of 10")).to_be_visible()
    run_jobs()
    expect(page.get_by_role("status")).to_contain_text("Import finished: 10 created, 0 updated")
    check_accessibility(page)

    page.get_by_role("link", name="Form cohorts").click()
    page.get_by_label("Target cohort size").fill("5")
    page.get_by_role("button", name="Build cohorts").click()
    expect(page.get_by_role("button", name="Publish 2 cohorts")).to_be_visible()
    check_accessibility(page)
    target = "Cohort 2" if _cohort_of("noor@example.com") == "Cohort 1" else "Cohort 1"
    page.get_by_label("Move Noor Haddad to").select_option(label=target)
    page.get_by_role("button", name="Move Noor Haddad").click()
    expect(page.get_by_role("status")).to_have_text(f"Moved Noor Haddad to {target}.")
    assert _cohort_of("noor@example.com") == target
    page.get_by_role("button", name="Publish 2 cohorts").click()
    expect(page.get_by_role("status")).to_contain_text("2 cohorts are live")

    run_jobs()
    link = inbox.link(inbox.to("noor@example.com")[0])
    noor = browser.new_context().new_page()
    noor.goto(link)
    noor.get_by_label("New password", exact=True).fill("curious about data")
    noor.get_by_label("Repeat the new password").fill("curious about data")
    noor.get_by_role("button", name="Continue").click()
    noor.get_by_label("I have read the community guidelines").check()
    noor.get_by_role("button", name="Continue").click()
    noor.get_by_role("button", name="Finish").click()
    expect(noor.get_by_role("heading", level=1)).to_have_text("Hello, Noor")
    noor.get_by_role("link", name=target).click()
    expect(noor.get_by_role("heading", level=1)).to_have_text(target)
    check_accessibility(noor)
    cohort_mates = [
        m.person.display_name
        for m in Membership.select().join(Cohort).where(Cohort.name == target)
        if m.person.email != "noor@example.com"
    ]
    members = noor.get_by_role("region", name="Members")
    for name in cohort_mates:
        expect(members).to_contain_text(name)


def _cohort_of(email):
    from learning.people.models import Person

    return (
        Membership.select(Membership, Cohort)
        .join(Cohort)
        .switch(Membership)
        .join(Person)
        .where(Person.email == email)
        .get()
        .cohort.name
    )
