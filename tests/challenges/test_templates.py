"""Every challenges template renders in a real request."""

from pathlib import Path

from flask import template_rendered

from challenges.models import CheckIn

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}
TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "challenges"
# Only ever included by the pages and fragments that render them.
INCLUDED_ONLY = {"challenges/_cohort_challenges.html", "challenges/_board.html"}


def test_every_challenges_template_renders(
    app, cohort, team, facilitator, sign_in, manager_client, program, set_challenge, check_in
):
    rendered = set()

    def remember(sender, template, context, **extra):
        rendered.add(template.name)

    template_rendered.connect(remember, app)
    try:
        challenge = set_challenge(goal="checklist")
        entry = check_in(team[0], challenge, cohort, step_id=challenge.steps.first().id)
        member, lead = sign_in(team[0]), sign_in(facilitator)
        space = f"/cohorts/{cohort.id}"
        member.get(space)
        lead.get(f"{space}/challenges/new?template=hours")
        lead.post(f"{space}/challenges/new", data={"title": ""}, headers=HTMX)
        manager_client.get(f"/programs/{program.id}/challenges")
        manager_client.get(f"/challenges/{challenge.id}/edit")
        page = f"{space}/challenges/{challenge.id}"
        member.get(page)
        member.get(f"{page}/progress?v=old", headers=HTMX)
        member.post(f"{page}/check-ins", data={f"c{challenge.id}-status": "skipped"}, headers=HTMX)
        member.get(f"/check-ins/{entry.id}/edit")
        member.get("/check-ins")
        lead.get(f"{space}/board")
        assert CheckIn.select().count() == 2
    finally:
        template_rendered.disconnect(remember, app)

    every = {f"challenges/{p.relative_to(TEMPLATES).as_posix()}" for p in TEMPLATES.rglob("*.*")}
    assert every - INCLUDED_ONLY - rendered == set()
