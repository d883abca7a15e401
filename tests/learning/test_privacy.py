"""Privacy (#9): a person's data exported for them, erased by an admin (contributions stay,
anonymous), and old data purged by the nightly job."""

import datetime as dt
import json

import pytest

from feedback import services as feedback
from learning.audit.models import AuditEntry
from learning.calendar.models import CalendarFeed
from learning.chat.models import ChatAccount
from learning.db import connection, utcnow
from learning.insights.models import Export
from learning.jobs.services import queue
from learning.ledger import Activity
from learning.mail.models import Delivery
from learning.notify.models import Notification
from learning.once import Submission
from learning.people.models import Person, Role
from learning.privacy.tasks import purge_old_data
from learning.recognition.models import CompanyValue, Kudos
from tests.conftest import PASSWORD


@pytest.fixture
def admin_client(make_person, sign_in):
    return sign_in(make_person("root@example.com", "Ada Admin", (Role.MEMBER, Role.ADMIN)))


@pytest.fixture
def leaver(app, cohort, team, sign_in):
    """Someone who started a thread, got a reply and kudos, and gave kudos."""
    leaver, colleague = team[0], team[1]
    with app.app_context(), connection():
        thread = feedback.start_thread(cohort, leaver, "question", "Where are the slides?",
                                       "I lost the link to the deck.")  # fmt: skip
        feedback.reply(thread, colleague, body="In the team drive.")
    value = CompanyValue.select().first().id
    for client, receiver, token in ((sign_in(colleague), leaver, "1" * 32),
                                    (sign_in(leaver), colleague, "2" * 32)):  # fmt: skip
        data = {"receiver": receiver.id, "value": value, "message": "Thanks!", "token": token}
        assert client.post(f"/cohorts/{cohort.id}/kudos", data=data).status_code == 303
    return leaver, thread


def test_an_admin_downloads_a_persons_data_for_them_and_it_is_audited(admin_client, leaver):
    person, thread = leaver
    ChatAccount.create(person=person, service="slack", team_id="T1", external_id="U1")
    response = admin_client.post(f"/people/{person.id}/data")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.text)
    assert data["profile"]["email"] == person.email
    assert [t["title"] for t in data["threads"]] == ["Where are the slides?"]
    assert data["replies"] == []
    assert [k["message"] for k in data["kudos_given"]] == ["Thanks!"]
    assert [k["message"] for k in data["kudos_received"]] == ["Thanks!"]
    assert data["cohorts"][0]["role"] in ("member", "facilitator")
    assert "check_ins" in data and "notifications" in data
    assert [(a["service"], a["external_id"]) for a in data["chat_accounts"]] == [("slack", "U1")]
    entry = AuditEntry.get(AuditEntry.action == "personal_data_exported")
    assert entry.subject == f"person {person.id}"


def test_erasing_keeps_contributions_under_former_member(
    app, admin_client, leaver, cohort, team, sign_in
):
    person, thread = leaver
    ChatAccount.create(person=person, service="slack", team_id="T1", external_id="U1")
    CalendarFeed.create(person=person, token="secret-address")
    page = admin_client.get(f"/people/{person.id}/privacy")
    assert "Erase their data" in page.text
    response = admin_client.post(f"/people/{person.id}/erase", data={"confirm": person.email})
    assert response.status_code == 303

    erased = Person.get_by_id(person.id)
    assert erased.display_name == "Former member" and person.email not in erased.email
    assert erased.erased_at is not None and not erased.is_active
    # They can no longer sign in, and sessions they had are over.
    attempt = app.test_client().post("/sign-in", data={"email": person.email, "password": PASSWORD})
    assert attempt.status_code == 422
    # What they wrote stays, without their name.
    page = sign_in(team[1]).get(f"/threads/{thread.id}").text
    assert "I lost the link to the deck." in page and "Former member" in page
    assert person.display_name not in page
    assert Kudos.select().count() == 2
    assert not Notification.select().where(Notification.person == person.id).exists()
    # Their Slack account and calendar address are forgotten: nothing reaches them any more.
    assert not ChatAccount.select().exists() and not CalendarFeed.select().exists()
    # The colleague's notice of the kudos no longer names them.
    [notice] = Notification.select().where(Notification.person == team[1].id,
                                           Notification.kind == "kudos")  # fmt: skip
    assert notice.text.startswith("Former member") and person.display_name not in notice.text
    assert not Delivery.select().where(Delivery.to_address == person.email).exists()
    # The audit log says who erased whom, without keeping the name or the address.
    entry = AuditEntry.get(AuditEntry.action == "person_erased")
    assert entry.subject == f"person {person.id}" and person.email not in entry.detail


def test_erasing_needs_the_email_typed_and_keeps_what_was_typed(admin_client, leaver):
    person, _ = leaver
    response = admin_client.post(f"/people/{person.id}/erase", data={"confirm": "someone@else"})
    assert response.status_code == 422
    assert "That is not their email address; nothing was erased." in response.text
    assert 'value="someone@else"' in response.text
    assert Person.get_by_id(person.id).erased_at is None
    empty = admin_client.post(f"/people/{person.id}/erase", data={"confirm": ""})
    assert empty.status_code == 422 and "Type their email address to confirm." in empty.text


def test_an_admin_cannot_erase_themselves(admin_client):
    me = Person.get(Person.email == "root@example.com")
    response = admin_client.post(f"/people/{me.id}/erase", data={"confirm": me.email})
    assert response.status_code == 422 and "You cannot erase yourself" in response.text


def _run_purge(app, run_jobs):
    with app.app_context():
        queue("default").enqueue(purge_old_data)
    run_jobs()


def test_the_nightly_job_purges_old_ledger_entries_expired_export_files_and_old_tokens(
    app, run_jobs, member, tmp_path
):
    now = utcnow()
    old = Activity.create(actor=member, kind="replied", created_at=now - dt.timedelta(days=800))
    recent = Activity.create(actor=member, kind="replied", created_at=now - dt.timedelta(days=600))
    folder = tmp_path / "exports"
    folder.mkdir(exist_ok=True)
    files = {}
    for name, expires in (("gone.csv", now - dt.timedelta(hours=1)),
                          ("kept.csv", now + dt.timedelta(days=1))):  # fmt: skip
        (folder / name).write_text("x")
        files[name] = Export.create(requested_by=member, report="participation", format="csv",
                                    status="done", path=name, expires_at=expires)  # fmt: skip
    forms = {
        age: Submission.create(
            token=f"{age:032d}",
            person=member,
            kind="thread",
            created_at=now - dt.timedelta(days=age),
        )  # fmt: skip
        for age in (1, 3)
    }
    _run_purge(app, run_jobs)
    assert not Activity.select().where(Activity.id == old.id).exists()
    assert Activity.select().where(Activity.id == recent.id).exists()
    # Once-only tokens: a form is sent again within moments, not days.
    assert [s.id for s in Submission.select()] == [forms[1].id]
    assert not (folder / "gone.csv").exists() and (folder / "kept.csv").exists()
    assert Export.get_by_id(files["gone.csv"].id).path == ""
    # A second run finds nothing more.
    _run_purge(app, run_jobs)
    assert Activity.select().where(Activity.id == recent.id).exists()
    assert (folder / "kept.csv").exists()


def test_the_retention_period_is_configurable(app, run_jobs, member):
    app.config["RETENTION_MONTHS"] = 12
    entry = Activity.create(
        actor=member, kind="replied", created_at=utcnow() - dt.timedelta(days=400)
    )
    _run_purge(app, run_jobs)
    assert not Activity.select().where(Activity.id == entry.id).exists()


def test_erasing_removes_them_from_the_imported_files_kept_for_their_programs(
    app, admin_client, manager_client, program, run_jobs
):
    from cohorts.models import PeopleImport
    from tests.cohorts.test_imports import HEADER, latest, upload

    upload(manager_client, program, HEADER + "lee.ving@example.com,Lee Ving,Ops,Oslo,,\n")
    manager_client.post(f"/programs/{program.id}/imports/{latest().id}/start")
    run_jobs()
    person = Person.get(Person.email == "lee.ving@example.com")
    assert admin_client.post(f"/people/{person.id}/erase",
                             data={"confirm": person.email}).status_code == 303  # fmt: skip
    kept = PeopleImport.get_by_id(latest().id).rows
    assert "lee.ving@example.com" not in kept and "Lee Ving" not in kept
