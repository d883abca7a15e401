"""Programs: L&D managers create and edit them; bad input is explained and kept."""

from cohorts.models import DEFAULT_GUIDELINES, Program
from learning.audit.models import AuditEntry

GOOD = {
    "name": "Data literacy",
    "description": "Read charts together.",
    "starts_on": "2026-12-01",
    "ends_on": "2027-02-28",
    "cohort_size": "8",
    "guidelines": "Be kind.",
    "show_other_cohorts": "y",
}


def test_the_new_program_form_suggests_guidelines(manager_client):
    page = manager_client.get("/programs/new")
    assert page.status_code == 200
    assert DEFAULT_GUIDELINES.splitlines()[0] in page.text


def test_a_manager_creates_a_program_and_it_is_audited(manager_client):
    response = manager_client.post("/programs/new", data=GOOD)
    assert response.status_code == 303
    program = Program.get(Program.name == "Data literacy")
    assert response.headers["Location"] == f"/programs/{program.id}"
    assert program.cohort_size == 8 and program.show_other_cohorts
    assert AuditEntry.get(AuditEntry.action == "program_created").subject == "Data literacy"
    assert "Data literacy" in manager_client.get("/programs/").text


def test_bad_program_input_is_explained_and_what_was_typed_is_kept(manager_client):
    response = manager_client.post(
        "/programs/new", data={**GOOD, "cohort_size": "20", "ends_on": "2026-01-01"}
    )
    assert response.status_code == 422
    assert "Choose a size from 5 to 12" in response.text
    assert "The end date must be on or after the start date." in response.text
    assert 'value="Data literacy"' in response.text and "Read charts together." in response.text
    assert Program.select().count() == 0


def test_editing_a_program_saves_it(manager_client, program):
    response = manager_client.post(f"/programs/{program.id}/edit", data={**GOOD, "name": "Renamed"})
    assert response.status_code == 303
    assert Program.get_by_id(program.id).name == "Renamed"


def test_the_program_list_does_a_constant_number_of_queries(
    manager_client, manager, app, count_queries
):
    import datetime

    from cohorts import services
    from learning.db import connection

    def add(n):
        with app.app_context(), connection():
            for i in range(n):
                services.save_program(
                    manager, name=f"P{i}", starts_on=datetime.date(2027, 1, 1),
                    ends_on=datetime.date(2027, 2, 1), cohort_size=8,
                )  # fmt: skip

    add(1)
    few = count_queries(lambda: manager_client.get("/programs/"))
    add(10)
    assert count_queries(lambda: manager_client.get("/programs/")) == few


def test_dates_out_of_range_are_refused_with_a_message_and_nothing_is_saved(manager_client):
    typed = {**GOOD, "starts_on": "0001-01-01", "ends_on": "9999-12-31"}
    response = manager_client.post("/programs/new", data=typed)
    assert response.status_code == 422
    assert response.text.count("Enter a date between 2000 and 2099.") == 2
    assert 'value="0001-01-01"' in response.text and "Read charts together." in response.text
    assert Program.select().count() == 0
