"""Every feedback template renders in a real request."""

from pathlib import Path

from flask import template_rendered

from cohorts.models import Membership
from feedback.models import Reply, Report, Thread

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}
TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "feedback"
# Only ever included by the pages and fragments that render them.
INCLUDED_ONLY = {
    "feedback/_reply.html",
    "feedback/_cohort_threads.html",
    "feedback/_cohort_needs.html",
    "feedback/_thread_list.html",
    "feedback/_post_actions.html",
}


def test_every_feedback_template_renders(app, cohort, team, sign_in, run_jobs):
    rendered = set()

    def remember(sender, template, context, **extra):
        rendered.add(template.name)

    template_rendered.connect(remember, app)
    try:
        author, other = sign_in(team[0]), sign_in(team[1])
        author.get(f"/cohorts/{cohort.id}/threads/new")
        author.post(f"/cohorts/{cohort.id}/threads/new", data={}, headers=HTMX)
        author.post(
            f"/cohorts/{cohort.id}/threads/new",
            data={"kind": "share_work", "title": "T", "body": "B"},
        )
        thread = Thread.get()
        author.post("/preview", data={"body": "*x*"}, headers=HTMX)
        other.post(
            f"/threads/{thread.id}/replies", data={"parent_id": "0", "worked": "W"}, headers=HTMX
        )
        other.post(f"/threads/{thread.id}/replies", data={"parent_id": "0"}, headers=HTMX)
        other.post(
            f"/threads/{thread.id}/replies", data={"parent_id": "0", "body": "More"}, headers=HTMX
        )
        author.get(f"/threads/{thread.id}/replies?after=0", headers=HTMX)
        other.post(f"/threads/{thread.id}/reactions", data={"kind": "thanks"}, headers=HTMX)
        author.get(f"/threads/{thread.id}")
        author.get(f"/threads/{thread.id}/edit")
        other.get(f"/threads/{thread.id}/report")
        other.post(f"/threads/{thread.id}/report", data={"reason": "Off topic"})
        facilitator = sign_in(
            Membership.get(Membership.cohort == cohort, Membership.role == "facilitator").person
        )
        facilitator.get(f"/cohorts/{cohort.id}/moderation")
        facilitator.post(f"/reports/{Report.get().id}/hide")
        run_jobs()
        other.get(f"/cohorts/{cohort.id}/threads")
        other.get("/search?q=T")
        other.get("/search?q=T", headers=HTMX)
        assert Reply.select().count() == 2
    finally:
        template_rendered.disconnect(remember, app)

    # Polls' own templates: tests/feedback/test_polls.py.
    every = {f"feedback/{p.relative_to(TEMPLATES).as_posix()}" for p in TEMPLATES.rglob("*.*")
             if "polls" not in p.parts}  # fmt: skip
    assert every - INCLUDED_ONLY - rendered == set()
