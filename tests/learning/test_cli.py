"""Command-line operations: migrate, create the first admin, demo data."""

from learning.notify.models import Notification
from learning.people.models import Person
from learning.recognition.models import Kudos, Milestone


def test_migrate_reports_an_up_to_date_schema(app):
    result = app.test_cli_runner().invoke(args=["migrate"])
    assert result.exit_code == 0 and "Schema is up to date." in result.output


def test_create_admin_makes_someone_who_can_sign_in(app, client):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "Root@Example.com", "--name", "Root"],
        input="a very long passphrase\na very long passphrase\n",
    )
    assert result.exit_code == 0, result.output
    person = Person.get(Person.email == "root@example.com")
    assert person.has_role("admin") and person.onboarding_step() is None
    response = client.post(
        "/sign-in", data={"email": "root@example.com", "password": "a very long passphrase"}
    )
    assert response.status_code == 303


def test_create_admin_refuses_a_short_password_and_a_bad_email(app):
    runner = app.test_cli_runner()
    short = runner.invoke(
        args=["create-admin", "--email", "a@example.com", "--name", "A"], input="short\nshort\n"
    )
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    bad = runner.invoke(
        args=["create-admin", "--email", "nope", "--name", "A"],
        input="a very long passphrase\na very long passphrase\n",
    )
    assert bad.exit_code != 0 and "It has no @ sign." in bad.output
    assert Person.select().count() == 0


def test_demo_loads_once(app):
    runner = app.test_cli_runner()
    assert "Demo data loaded." in runner.invoke(args=["demo"]).output
    assert "already has people" in runner.invoke(args=["demo"]).output
    assert Person.select().count() == 200
    # Recognition in the demo cohorts, and unread notices waiting for member@demo.test.
    assert Kudos.select().count() >= 10 and Milestone.select().count() >= 10
    member = Person.get(Person.email == "member@demo.test")
    unread = Notification.select().where(
        Notification.person == member, Notification.read_at.is_null()
    )
    assert {"kudos", "reply"} <= {n.kind for n in unread}


def test_a_worker_takes_only_the_queues_it_is_given(app, program, cohort, manager_client):
    from learning.insights.models import KeptFigures
    from learning.jobs.models import PendingJob

    app.config["INSIGHTS_CACHE_SECONDS"] = 300
    manager_client.get(f"/programs/{program.id}/analytics")  # a job on the exports queue
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["worker", "--burst", "--queue", "reports"])
    assert unknown.exit_code != 0 and "reports: the queues are notices, mail" in unknown.output

    done = runner.invoke(args=["worker", "--burst", "--queue", "exports"])
    assert done.exit_code == 0, done.output
    assert KeptFigures.get().value is not None
    waiting = PendingJob.select().where(PendingJob.done_at.is_null())
    assert {job.queue for job in waiting} == {"mail"}  # the invitations, for another worker
