"""Cohort jobs: applying a people import, celebrating cohorts' dates."""

import datetime
import json

from cohorts.models import Cohort, Participant, PeopleImport, Program
from cohorts.queries import members
from learning.db import atomic, utcnow
from learning.jobs.services import task
from learning.notify.services import path_for
from learning.people.models import Person
from learning.people.services import create_person
from learning.recognition import milestones

CHUNK = 200


@task
def apply_import(upload_id):
    """Apply a checked import; a failure is shown on the import's page."""
    try:
        _apply(upload_id)
    except Exception as error:
        PeopleImport.update(status="failed", error=str(error)[:2000]).where(
            PeopleImport.id == upload_id
        ).execute()
        raise


def _apply(upload_id):
    """Create or update people and add them to the program, a chunk per transaction, with
    progress saved as it goes. Importing the same file again updates, never duplicates."""
    claimed = (
        PeopleImport.update(status="running")
        .where(PeopleImport.id == upload_id, PeopleImport.status == "queued")
        .execute()
    )
    if not claimed:
        return
    upload = PeopleImport.get_by_id(upload_id)
    rows = [r for r in json.loads(upload.rows) if not r["problems"]]
    created = updated = 0
    ids = {}
    for start_at in range(0, len(rows), CHUNK):
        chunk = rows[start_at : start_at + CHUNK]
        with atomic():
            existing = {
                p.email: p
                for p in Person.select().where(Person.email.in_([r["email"] for r in chunk]))
            }
            for row in chunk:
                fields = {
                    "department": row["department"],
                    "location": row["location"],
                    "time_zone": row["time_zone"] or "UTC",
                }
                person = existing.get(row["email"])
                if person is None:
                    person = create_person(row["email"], row["name"], **fields)
                    created += 1
                else:
                    Person.update(display_name=row["name"], **fields).where(
                        Person.id == person.id
                    ).execute()
                    updated += 1
                ids[row["email"]] = person.id
            Participant.insert_many(
                [{"program": upload.program_id, "person": ids[r["email"]]} for r in chunk]
            ).on_conflict_ignore().execute()
            PeopleImport.update(processed=start_at + len(chunk)).where(
                PeopleImport.id == upload_id
            ).execute()
    _set_managers(rows, ids)
    PeopleImport.update(
        status="done",
        created=created,
        updated=updated,
        skipped=upload.total_rows - len(rows),
        finished_at=utcnow(),
    ).where(PeopleImport.id == upload_id).execute()


def _set_managers(rows, ids):
    wanted = {r["manager_email"] for r in rows if r["manager_email"]} - set(ids)
    for start_at in range(0, len(wanted), 500):
        chunk = sorted(wanted)[start_at : start_at + 500]
        ids.update(Person.select(Person.email, Person.id).where(Person.email.in_(chunk)).tuples())
    with atomic():
        for row in rows:
            manager = ids.get(row["manager_email"]) if row["manager_email"] else None
            Person.update(manager=manager).where(Person.id == ids[row["email"]]).execute()


MONTH = datetime.timedelta(days=30)


@task
def celebrate_dates(now=None):
    """Celebrate, once each, cohorts a month old and cohorts halfway through their program.
    Run hourly by cron; a missed run is caught up by the next. Returns how many."""
    now = now or utcnow()
    today = now.date()
    running = list(
        Cohort.select(Cohort, Program)
        .join(Program)
        .where(Cohort.status == "published", Program.ends_on >= today)
    )
    celebrated = 0
    for cohort in running:
        people = None
        for kind, due, values in (
            ("month_together", cohort.published_at and cohort.published_at + MONTH <= now, {}),
            ("halfway", _halfway(cohort.program) <= today, {"program": cohort.program.name}),
        ):
            if not due or milestones.reached(f"{kind}:{cohort.id}"):
                continue
            people = people or [m.person_id for m in members(cohort)]
            celebrated += bool(
                milestones.award(
                    kind, f"{kind}:{cohort.id}", cohort_id=cohort.id, place=cohort.name,
                    people=people, link=path_for("cohorts.show", cohort_id=cohort.id),
                    **values,
                )
            )  # fmt: skip
    return celebrated


def _halfway(program):
    return program.starts_on + (program.ends_on - program.starts_on) / 2
