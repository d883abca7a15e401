"""Setting challenges: L&D for a program, a facilitator for their cohort, from templates, with
bad input explained."""

import datetime

import pytest

from challenges import services
from challenges.models import Challenge, GoalReached, Step
from learning.audit.models import AuditEntry

TODAY = datetime.date.today()
GOOD = {
    "title": "Practice together",
    "description": "Every 1:1 counts.",
    "starts_on": TODAY.isoformat(),
    "ends_on": (TODAY + datetime.timedelta(days=28)).isoformat(),
    "goal": "count",
    "target": "30",
}


def test_a_manager_sets_a_challenge_for_every_cohort_of_a_program(
    manager_client, program, cohort, team, sign_in
):
    response = manager_client.post(f"/programs/{program.id}/challenges/new", data=GOOD)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/programs/{program.id}/challenges"
    challenge = Challenge.get()
    assert (challenge.cohort_id, challenge.target, challenge.goal) == (None, 30, "count")
    assert AuditEntry.get(AuditEntry.action == "challenge_created").subject == "Practice together"
    page = manager_client.get(response.headers["Location"]).text
    assert "Practice together" in page and cohort.name in page
    assert "Practice together" in sign_in(team[0]).get(f"/cohorts/{cohort.id}").text


def test_a_facilitator_sets_a_challenge_from_a_template(cohort, facilitator, sign_in):
    client = sign_in(facilitator)
    form = client.get(f"/cohorts/{cohort.id}/challenges/new?template=kickoff").text
    assert 'value="Getting started"' in form and "Introduce yourself in a thread" in form
    data = {
        **GOOD,
        "title": "Getting started",
        "goal": "checklist",
        "target": "",
        "steps": "Introduce yourself\n\nSet a goal\n",
    }
    response = client.post(f"/cohorts/{cohort.id}/challenges/new", data=data)
    assert response.headers["Location"] == f"/cohorts/{cohort.id}"
    challenge = Challenge.get()
    assert challenge.cohort_id == cohort.id
    assert [s.title for s in Step.select().order_by(Step.position)] == [
        "Introduce yourself",
        "Set a goal",
    ]


def test_members_cannot_set_challenges(cohort, team, sign_in, program):
    client = sign_in(team[1])
    assert client.get(f"/cohorts/{cohort.id}/challenges/new").status_code == 404
    assert client.post(f"/cohorts/{cohort.id}/challenges/new", data=GOOD).status_code == 404
    assert client.post(f"/programs/{program.id}/challenges/new", data=GOOD).status_code == 403
    assert Challenge.select().count() == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "Give the challenge a title."),
        ({"ends_on": TODAY.isoformat()}, "The end date must be after the start date."),
        ({"ends_on": "2020-01-01"}, "The end date must be after the start date."),
        ({"starts_on": "someday"}, "Enter a start date, like"),
        ({"ends_on": (TODAY + datetime.timedelta(days=400)).isoformat()}, "a year at most"),
        ({"target": "0"}, "Enter a number above 0 and at most 10,000."),
        ({"target": "many"}, "Enter a number, like 2 or 1.5."),
        ({"target": "20000"}, "Enter a number above 0 and at most 10,000."),
        ({"goal": "amount", "unit": ""}, "Name the unit, for example hours."),
        ({"goal": "checklist", "steps": " \n "}, "List the steps, one a line."),
        ({"goal": "checklist", "steps": "\n".join("s" * 21)}, "Keep it to 20 steps at most."),
        ({"goal": "lottery"}, "Not a valid choice"),
    ],
)
def test_bad_challenges_are_explained_and_what_was_typed_is_kept(
    manager_client, program, change, message
):
    response = manager_client.post(
        f"/programs/{program.id}/challenges/new", data={**GOOD, **change}
    )
    assert response.status_code == 422
    assert message in response.text
    assert "Every 1:1 counts." in response.text
    assert Challenge.select().count() == 0


def test_a_bad_challenge_in_the_htmx_form_swaps_only_the_form(manager_client, program):
    response = manager_client.post(
        f"/programs/{program.id}/challenges/new",
        data={**GOOD, "title": ""},
        headers={"HX-Request": "true", "HX-Request-Type": "partial"},
    )
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<div id="challenge-form">')


@pytest.mark.parametrize("key", list(services.TEMPLATES))
def test_every_template_fills_the_form_with_a_challenge_that_can_be_set(
    manager_client, program, key
):
    values = services.template_values(key, TODAY)
    form = manager_client.get(f"/programs/{program.id}/challenges/new?template={key}").text
    assert f'value="{values["title"]}"' in form and f'value="{values["ends_on"]}"' in form
    data = {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in values.items()}
    response = manager_client.post(f"/programs/{program.id}/challenges/new", data=data)
    assert response.status_code == 303
    assert Challenge.get().title == values["title"]


def test_a_facilitator_changes_their_cohorts_challenge_but_not_its_kind_of_goal(
    cohort, facilitator, sign_in, set_challenge, check_in, team
):
    challenge = set_challenge(cohort=cohort, goal="amount", target=40, by=facilitator)
    check_in(team[0], challenge, cohort, amount=12)
    client = sign_in(facilitator)
    page = client.get(f"/cohorts/{cohort.id}/challenges/{challenge.id}").text
    assert f'href="/challenges/{challenge.id}/edit"' in page
    form = client.get(f"/challenges/{challenge.id}/edit").text
    assert 'value="40"' in form and 'value="hours"' in form and 'name="goal"' not in form
    data = {
        "title": "Learning hours",
        "description": "",
        "starts_on": challenge.starts_on.isoformat(),
        "ends_on": (challenge.ends_on + datetime.timedelta(days=7)).isoformat(),
        "target": "10",
        "unit": "hours",
        "goal": "count",
    }
    bad = client.post(f"/challenges/{challenge.id}/edit", data={**data, "target": "-1"})
    assert bad.status_code == 422 and "Enter a number" in bad.text
    assert 'value="Learning hours"' in bad.text
    assert client.post(f"/challenges/{challenge.id}/edit", data=data).status_code == 303
    changed = Challenge.get_by_id(challenge.id)
    assert (changed.title, changed.goal, changed.target) == ("Learning hours", "amount", 10)
    assert changed.ends_on == challenge.ends_on + datetime.timedelta(days=7)
    assert AuditEntry.get(AuditEntry.action == "challenge_changed").subject == "Learning hours"
    page = client.get(f"/cohorts/{cohort.id}/challenges/{challenge.id}").text
    assert "12 hours together: past the goal of 10" in page and "Goal reached!" in page
    assert GoalReached.get().by_id == facilitator.id
    # Other members cannot change it; nor can the facilitator change a program challenge.
    assert sign_in(team[1]).get(f"/challenges/{challenge.id}/edit").status_code == 404
    program_wide = set_challenge()
    assert client.get(f"/challenges/{program_wide.id}/edit").status_code == 404


def test_a_challenge_starting_before_its_program_is_set_with_a_word(manager_client, program):
    early = {**GOOD, "starts_on": (program.starts_on - datetime.timedelta(days=3)).isoformat()}
    response = manager_client.post(f"/programs/{program.id}/challenges/new", data=early)
    assert response.status_code == 303
    page = manager_client.get(response.headers["Location"]).text
    assert f"It starts before the program does ({program.starts_on:%-d %b %Y})." in page
