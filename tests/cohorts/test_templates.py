"""Every cohorts template renders in a real request."""

import io
from pathlib import Path

from flask import template_rendered

from cohorts import forming, services
from cohorts.models import Cohort, MembershipRequest
from learning.db import atomic, connection
from learning.people import services as people
from learning.people.models import Person

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}
TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "cohorts"
# Only ever included by the pages and fragments above them, which render them.
INCLUDED_ONLY = {
    "cohorts/_conversation.html",
    "cohorts/_challenge_progress.html",
    "cohorts/_feed_items.html",
    "cohorts/_feed_more.html",
    "cohorts/_feed_poller.html",
    "cohorts/_home.html",
    "cohorts/_cheers.html",
}


def test_every_cohorts_template_renders(
    app, manager, manager_client, program, cohort, team, sign_in, make_person, run_jobs
):
    rendered = set()

    def remember(sender, template, context, **extra):
        rendered.add(template.name)

    template_rendered.connect(remember, app)
    try:
        member = sign_in(team[1])
        member.get("/")
        member.get(f"/cohorts/{cohort.id}")
        member.get(f"/cohorts/{cohort.id}/feed?before=999999")
        member.get(f"/cohorts/{cohort.id}/feed?before=999999", headers=HTMX)
        member.get(f"/cohorts/{cohort.id}/feed?after=0", headers=HTMX)
        member.get(f"/cohorts/{cohort.id}/leave")
        member.get(f"/cohorts/{cohort.id}/move-request")
        member.post(f"/cohorts/{cohort.id}/move-request", data={"reason": ""}, headers=HTMX)
        member.get(f"/cohorts/{cohort.id}/kudos")
        member.post(f"/cohorts/{cohort.id}/kudos", data={"receiver": "0"}, headers=HTMX)
        member.get(f"/cohorts/{cohort.id}/people/{team[2].id}")

        manager_client.get("/programs/")
        manager_client.get("/programs/new")
        manager_client.post("/programs/new", data={}, headers=HTMX)
        manager_client.get(f"/programs/{program.id}")
        manager_client.get(f"/programs/{program.id}/import")
        manager_client.post(f"/programs/{program.id}/import", data={}, headers=HTMX)
        manager_client.post(
            f"/programs/{program.id}/import",
            data={"file": (io.BytesIO(b"email,name\na@example.com,A\n"), "a.csv")},
            content_type="multipart/form-data",
        )
        manager_client.get(f"/programs/{program.id}/imports/1")
        manager_client.get(f"/programs/{program.id}/imports/1", headers=HTMX)
        manager_client.get(f"/programs/{program.id}/builder")
        manager_client.get(f"/programs/{program.id}/builder", headers=HTMX)
        manager_client.post(f"/programs/{program.id}/builder", data={"target": "99"}, headers=HTMX)
        with app.app_context(), connection():
            waiting = [make_person() for _ in range(10)]
            services.add_participants(manager, program, waiting)
            forming.propose(manager, program, 5)
        first, second = Cohort.select().where(Cohort.status == "draft").order_by(Cohort.id)
        manager_client.post(
            f"/programs/{program.id}/builder/move",
            data={"person_id": waiting[0].id, "cohort_id": second.id},
            headers=HTMX,
        )
        manager_client.get(f"/programs/{program.id}/late-joiner")
        manager_client.get(f"/programs/{program.id}/analytics")
        manager_client.get(f"/cohorts/{cohort.id}/health")
        manager_client.get(f"/cohorts/{cohort.id}/channels")
        # Sessions: the page, a refused one shown again, one scheduled (invites), its form.
        sessions = f"/cohorts/{cohort.id}/sessions"
        manager_client.post(sessions, data={"title": ""}, headers=HTMX)
        manager_client.post(sessions, data={"title": "Call", "starts_at": "2030-01-01T10:00",
                                            "minutes": "30"})  # fmt: skip
        manager_client.get(sessions)
        manager_client.get(f"{sessions}/1/edit")
        manager_client.post(
            f"/programs/{program.id}/late-joiner", data={"email": "x@example.com"}, headers=HTMX
        )
        late = make_person()
        manager_client.post(
            f"/programs/{program.id}/late-joiner",
            data={"email": late.email, "cohort_id": cohort.id},
        )
        # Someone the directory deactivates leaves: their facilitator gets a note.
        with app.app_context(), connection(), atomic():
            people.set_active(Person.get_by_id(team[3].id), False)
        run_jobs()
    finally:
        template_rendered.disconnect(remember, app)

    every = {f"cohorts/{p.relative_to(TEMPLATES).as_posix()}" for p in TEMPLATES.rglob("*.*")}
    assert every - INCLUDED_ONLY - rendered == set()
    assert MembershipRequest.select().count() == 0
