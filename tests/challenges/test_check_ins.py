"""Check-ins from the cohort space: two clicks, bad input, double submission, 24 hours to
change one's mind, and the ledger."""

import datetime

import pytest

from challenges import services
from challenges.models import CheckIn, GoalReached, Step
from learning.db import utcnow
from learning.jobs.services import redis_connection
from learning.ledger import Activity
from learning.live import events
from learning.recognition.models import Milestone

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


def form_of(page, challenge):
    """The token the space's check-in form carries for `challenge`."""
    marker = f'id="c{challenge.id}-token" name="c{challenge.id}-token" type="hidden" value="'
    start = page.index(marker) + len(marker)
    return page[start : start + 32]


def post(client, cohort, challenge, status="done", token=None, **fields):
    data = {f"c{challenge.id}-status": status}
    data.update({f"c{challenge.id}-{k}": v for k, v in fields.items()})
    if token:
        data[f"c{challenge.id}-token"] = token
    return client.post(
        f"/cohorts/{cohort.id}/challenges/{challenge.id}/check-ins", data=data, headers=HTMX
    )


def test_a_member_checks_in_from_the_space_and_it_is_in_the_ledger(
    cohort, team, sign_in, set_challenge
):
    challenge = set_challenge(target=3)
    client = sign_in(team[0])
    page = client.get(f"/cohorts/{cohort.id}").text
    assert "Count challenge" in page and "0 of 3 check-ins together (0%)" in page
    response = post(client, cohort, challenge, token=form_of(page, challenge), note="Ran a 1:1")
    assert response.status_code == 200
    assert "1 of 3 check-ins together (33%)" in response.text
    assert "Checked in. Thank you" in response.text
    entry = CheckIn.get()
    assert (entry.person_id, entry.status, entry.note) == (team[0].id, "done", "Ran a 1:1")
    ledger = Activity.get(Activity.kind == "checked_in")
    assert (ledger.actor_id, ledger.cohort_id, ledger.object_id) == (
        team[0].id,
        cohort.id,
        entry.id,
    )
    assert "2 more to go." in client.get(f"/cohorts/{cohort.id}").text


def test_without_javascript_a_check_in_returns_to_the_space(cohort, team, sign_in, set_challenge):
    challenge = set_challenge()
    client = sign_in(team[0])
    response = client.post(
        f"/cohorts/{cohort.id}/challenges/{challenge.id}/check-ins",
        data={f"c{challenge.id}-status": "blocked", f"c{challenge.id}-note": "No time"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/cohorts/{cohort.id}#challenge-{challenge.id}"
    page = client.get(response.headers["Location"]).text
    assert "Checked in as blocked" in page
    # Blocked is an invitation to help, for the whole cohort.
    other = sign_in(team[1]).get(f"/cohorts/{cohort.id}").text
    assert "Could you help?" in other and "is blocked on Count challenge" in other
    assert "“No time”" in other


def test_the_same_form_submitted_twice_records_one_check_in(cohort, team, sign_in, set_challenge):
    challenge = set_challenge()
    client = sign_in(team[0])
    token = form_of(client.get(f"/cohorts/{cohort.id}").text, challenge)
    for _ in range(3):
        assert post(client, cohort, challenge, token=token).status_code == 200
    assert CheckIn.select().count() == 1
    assert Activity.select().where(Activity.kind == "checked_in").count() == 1
    # A fresh form is a new check-in.
    assert post(client, cohort, challenge).status_code == 200
    assert CheckIn.select().count() == 2


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("", "Enter an amount."),
        ("abc", "Enter a number, like 2 or 1.5."),
        ("-2", "Enter a number, like 2 or 1.5."),
        ("0", "Enter a number above 0 and at most 1,000."),
        ("5000", "Enter a number above 0 and at most 1,000."),
    ],
)
def test_bad_amounts_are_explained_and_what_was_typed_is_kept(
    cohort, team, sign_in, set_challenge, amount, message
):
    challenge = set_challenge(goal="amount", target=40)
    client = sign_in(team[0])
    response = post(client, cohort, challenge, amount=amount, note="Course, chapter 2")
    assert response.status_code == 422
    assert message in response.text
    assert 'value="Course, chapter 2"' in response.text and 'aria-invalid="true"' in response.text
    assert CheckIn.select().count() == 0


def test_amounts_add_up_and_a_comma_is_a_decimal_point(cohort, team, sign_in, set_challenge):
    challenge = set_challenge(goal="amount", target=40)
    client = sign_in(team[0])
    assert post(client, cohort, challenge, amount="1,5").status_code == 200
    response = post(sign_in(team[1]), cohort, challenge, amount="2.25")
    assert "3.75 of 40 hours together (9%)" in response.text
    # Blocked and skipped carry no amount.
    post(client, cohort, challenge, status="skipped", amount="7")
    assert [c.amount for c in CheckIn.select().order_by(CheckIn.id)] == [1.5, 2.25, None]


def test_a_check_in_after_the_challenge_ended_is_refused_clearly(
    cohort, team, sign_in, set_challenge
):
    today = datetime.date.today()
    challenge = set_challenge(
        starts_on=today - datetime.timedelta(days=30), ends_on=today - datetime.timedelta(days=1)
    )
    client = sign_in(team[0])
    response = post(client, cohort, challenge)
    assert response.status_code == 422
    assert "check-ins are closed" in response.text
    assert CheckIn.select().count() == 0
    # The space shows it as ended, without a form.
    page = client.get(f"/cohorts/{cohort.id}").text
    assert "Ended on" in page and f'name="c{challenge.id}-status"' not in page


def test_a_long_note_is_refused_and_kept(cohort, team, sign_in, set_challenge):
    challenge = set_challenge()
    response = post(sign_in(team[0]), cohort, challenge, note="x" * 141)
    assert response.status_code == 422 and "one line of 140 characters" in response.text
    assert "x" * 141 in response.text


def test_checklist_steps_are_done_once_each(cohort, team, sign_in, set_challenge):
    challenge = set_challenge(goal="checklist")
    steps = list(challenge.steps.order_by("position"))
    client = sign_in(team[0])
    response = post(client, cohort, challenge, step=steps[0].id)
    assert "1 of 18 steps done (5%)" in response.text
    again = post(client, cohort, challenge, step=steps[0].id)
    assert again.status_code == 422 and "You have already done “Read”." in again.text
    # Blocked on a step already done is still fine to say.
    assert post(client, cohort, challenge, status="blocked", step=steps[0].id).status_code == 200
    assert CheckIn.select().where(CheckIn.status == "done").count() == 1


def test_reaching_the_goal_is_recorded_once_and_shown_as_done(
    cohort, team, sign_in, set_challenge, check_in
):
    challenge = set_challenge(target=2)
    check_in(team[0], challenge, cohort)
    check_in(team[1], challenge, cohort, status="skipped")
    assert GoalReached.select().count() == 0
    check_in(team[2], challenge, cohort)
    check_in(team[3], challenge, cohort)
    reached = GoalReached.get()
    assert (reached.cohort_id, reached.by_id) == (cohort.id, team[2].id)
    entries = Activity.select().where(Activity.kind == "goal_reached")
    assert [(e.actor_id, e.cohort_id, e.object_id) for e in entries] == [
        (team[2].id, cohort.id, challenge.id)
    ]
    page = sign_in(team[4]).get(f"/cohorts/{cohort.id}/challenges/{challenge.id}").text
    assert "Goal reached!" in page and "3 check-ins together: past the goal of 2" in page


def test_members_reaching_the_goal_at_the_same_moment_record_it_once(
    cohort, team, set_challenge, at_once
):
    """The progress is read after each check-in commits: whoever reads last sees them all."""
    challenge = set_challenge(target=len(team))
    assert at_once(lambda person: services.check_in(person, challenge, cohort, "done"), team) == []
    assert GoalReached.select().where(GoalReached.cohort == cohort).count() == 1
    assert Activity.select().where(Activity.kind == "goal_reached").count() == 1
    assert Milestone.select().where(Milestone.kind == "goal_reached").count() == 1


def test_a_member_changes_a_check_in_within_24_hours(
    cohort, team, sign_in, set_challenge, check_in
):
    challenge = set_challenge(goal="amount", target=10)
    entry = check_in(team[0], challenge, cohort, amount=2)
    client = sign_in(team[0])
    form = client.get(f"/check-ins/{entry.id}/edit").text
    assert 'value="2"' in form
    fields = {f"c{challenge.id}-status": "done", f"c{challenge.id}-amount": "lots"}
    bad = client.post(f"/check-ins/{entry.id}/edit", data=fields)
    assert bad.status_code == 422 and "Enter a number" in bad.text
    assert 'value="lots"' in bad.text
    response = client.post(
        f"/check-ins/{entry.id}/edit",
        data={f"c{challenge.id}-status": "done", f"c{challenge.id}-amount": "3.5"},
    )
    assert response.status_code == 303
    changed = CheckIn.get_by_id(entry.id)
    assert changed.amount == 3.5 and changed.edited_at is not None
    page = client.get(f"/cohorts/{cohort.id}/challenges/{challenge.id}").text
    assert "3.5 of 10 hours together (35%)" in page


def test_a_member_deletes_a_check_in_within_24_hours_and_it_leaves_the_ledger(
    cohort, team, sign_in, set_challenge, check_in
):
    challenge = set_challenge(target=5)
    entry = check_in(team[0], challenge, cohort)
    kept = check_in(team[0], challenge, cohort)
    client = sign_in(team[0])
    assert client.post(f"/check-ins/{entry.id}/delete").status_code == 303
    assert [c.id for c in CheckIn.select()] == [kept.id]
    assert [a.object_id for a in Activity.select().where(Activity.kind == "checked_in")] == [
        kept.id
    ]
    assert "1 of 5 check-ins" in client.get(f"/cohorts/{cohort.id}").text


def test_after_24_hours_a_check_in_can_no_longer_change(
    cohort, team, sign_in, set_challenge, check_in
):
    challenge = set_challenge(target=5)
    entry = check_in(team[0], challenge, cohort, now=utcnow() - datetime.timedelta(hours=25))
    client = sign_in(team[0])
    assert "this one is older" in client.get(f"/check-ins/{entry.id}/edit").text
    client.post(f"/check-ins/{entry.id}/edit", data={f"c{challenge.id}-status": "skipped"})
    deleted = client.post(f"/check-ins/{entry.id}/delete")
    assert "this one is older" in client.get(deleted.headers["Location"]).text
    assert CheckIn.get_by_id(entry.id).status == "done"
    assert "Change your check-in" not in client.get("/check-ins").text


def test_nobody_changes_someone_elses_check_in(cohort, team, sign_in, set_challenge, check_in):
    challenge = set_challenge()
    entry = check_in(team[0], challenge, cohort)
    other = sign_in(team[1])
    assert other.get(f"/check-ins/{entry.id}/edit").status_code == 404
    assert other.post(f"/check-ins/{entry.id}/delete").status_code == 404
    assert CheckIn.select().count() == 1


def test_a_checklist_step_sent_twice_is_one_check_in_not_an_error(
    cohort, team, sign_in, set_challenge
):
    challenge = set_challenge(goal="checklist")
    client = sign_in(team[0])
    page = client.get(f"/cohorts/{cohort.id}").text
    token = form_of(page, challenge)
    step = Step.get(Step.challenge == challenge, Step.position == 0)
    for _ in range(2):
        answer = post(client, cohort, challenge, token=token, step=step.id)
        assert answer.status_code == 200, answer.text
        assert "already done" not in answer.text
    assert CheckIn.select().count() == 1


def test_pages_hear_of_the_check_in_that_reaches_the_goal_once_the_goal_is_recorded(
    app, cohort, team, set_challenge, check_in
):
    """The goal is recorded after the check-in commits. A page told of the check-in before
    then would read the progress without the goal (and a second event's request can be lost
    while the first swaps the part), so the cohort's pages are told once, after both."""
    challenge = set_challenge(target=2)
    check_in(team[0], challenge, cohort)
    with app.app_context():
        stream = redis_connection()
        before = stream.xrange(events.cohort_key(cohort.id))
        check_in(team[1], challenge, cohort)
        after = stream.xrange(events.cohort_key(cohort.id))[len(before) :]
    changed = (events.PROGRESS_CHANGED, f'{{"challenge": {challenge.id}}}')
    told = [int(entry_id.decode().split("-")[0]) for entry_id, fields in after
            if (fields[b"event"].decode(), fields[b"data"].decode()) == changed]  # fmt: skip
    reached = GoalReached.get()
    assert len(told) == 1
    assert told[0] >= int(reached.reached_at.replace(tzinfo=datetime.UTC).timestamp() * 1000)
