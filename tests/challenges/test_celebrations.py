"""Challenges feed the celebrations: a four-week streak and a goal reached, each once."""

import datetime

from learning.db import utcnow
from learning.notify.models import Notification
from learning.recognition.models import Milestone


def test_a_four_week_streak_is_celebrated_once(set_challenge, check_in, cohort, team):
    challenge = set_challenge(starts_on=datetime.date.today() - datetime.timedelta(days=40))
    person = team[0]
    now = utcnow()
    for weeks_ago in (3, 2, 1):
        check_in(person, challenge, cohort, now=now - datetime.timedelta(weeks=weeks_ago))
        assert Milestone.select().where(Milestone.kind == "streak_4").count() == 0
    check_in(person, challenge, cohort, now=now)
    check_in(person, challenge, cohort, now=now)
    [milestone] = Milestone.select().where(Milestone.kind == "streak_4")
    assert milestone.person_id == person.id and "four weeks in a row" in milestone.text
    assert milestone.link == f"/cohorts/{cohort.id}"


def test_a_cohort_reaching_its_goal_is_celebrated_and_every_member_is_told(
    set_challenge, check_in, cohort, team
):
    challenge = set_challenge(target=2, title="Two retros")
    check_in(team[0], challenge, cohort)
    check_in(team[1], challenge, cohort)
    check_in(team[2], challenge, cohort)  # past the goal: no second celebration
    [milestone] = Milestone.select().where(Milestone.kind == "goal_reached")
    assert (
        milestone.text
        == f"{cohort.name} reached the goal of “Two retros” together. Well done, everyone!"
    )
    assert milestone.link == f"/cohorts/{cohort.id}/challenges/{challenge.id}"
    told = {n.person_id for n in Notification.select().where(Notification.kind == "milestone")}
    assert {p.id for p in team} <= told


def test_a_goal_reached_is_announced_once_in_the_cohort_feed(
    set_challenge, check_in, cohort, team, sign_in
):
    challenge = set_challenge(target=2, title="Two retros")
    check_in(team[0], challenge, cohort)
    check_in(team[1], challenge, cohort)
    page = sign_in(team[2]).get(f"/cohorts/{cohort.id}").text
    assert page.count("reached the goal of “Two retros” together") == 1
    assert "reached a challenge goal" not in page
