"""The demo challenges: running and finished ones with check-ins, shown to the demo member."""

from challenges.models import Challenge, CheckIn, GoalReached
from cohorts.models import Membership
from learning.demo import PASSWORD
from learning.people.models import Person


def test_the_demo_has_running_and_finished_challenges_with_check_ins(app, client):
    app.test_cli_runner().invoke(args=["demo"])
    assert Challenge.select().where(Challenge.goal == "checklist").count() == 1
    assert Challenge.select().where(Challenge.cohort.is_null(False)).count() == 1
    assert CheckIn.select().count() > 200
    assert GoalReached.select().count() >= 1  # the first cohort finished its checklist
    member = Person.get(Person.email == "member@demo.test")
    client.post("/sign-in", data={"email": member.email, "password": PASSWORD})
    space = client.get(f"/cohorts/{Membership.get(Membership.person == member).cohort_id}").text
    assert "30 practice sessions" in space and "40 hours of learning" in space
    assert "Getting started" in space and "Ended on" in space
    assert "check-ins together" in space and "hours together" in space
    # Loading again adds nothing.
    app.test_cli_runner().invoke(args=["demo"])
    assert Challenge.select().count() == 4
