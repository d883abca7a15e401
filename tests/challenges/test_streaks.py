"""Streaks that forgive: weekly, paused by away weeks, counted in each person's own week, and
never announced when lost."""

import datetime

import pytest

from challenges import streaks
from challenges.models import CheckIn
from learning.db import connection

MONDAY = datetime.date(2026, 11, 23)
WEEK = datetime.timedelta(days=7)


def weeks(*offsets):
    return {MONDAY - n * WEEK for n in offsets}


@pytest.mark.parametrize(
    ("active", "away", "expected"),
    [
        (weeks(), weeks(), 0),
        (weeks(0), weeks(), 1),
        (weeks(0, 1, 2), weeks(), 3),
        # This week is not over: no check-in yet does not break last week's streak.
        (weeks(1, 2), weeks(), 2),
        # A gap breaks it...
        (weeks(0, 2, 3), weeks(), 1),
        (weeks(2, 3), weeks(), 0),
        # ...unless the person was away: away weeks pause, they neither add nor break.
        (weeks(0, 2, 3), weeks(1), 3),
        (weeks(1, 3), weeks(0, 2), 2),
        (weeks(0, 1), weeks(0, 1), 2),
        (weeks(), weeks(0, 1, 2), 0),
    ],
)
def test_streak_arithmetic(active, away, expected):
    assert streaks.streak(MONDAY, active, away) == expected


D, T = datetime.date, datetime.datetime


@pytest.mark.parametrize(
    ("zone", "utc", "monday"),
    [
        # Sunday 23:30 in Tokyo is Sunday 14:30 UTC: still last week there.
        ("Asia/Tokyo", T(2026, 11, 29, 14, 30), D(2026, 11, 23)),
        # Monday 00:30 in Tokyo is Sunday 15:30 UTC: already the new week there.
        ("Asia/Tokyo", T(2026, 11, 29, 15, 30), D(2026, 11, 30)),
        # The same instant in Los Angeles is Sunday morning: last week.
        ("America/Los_Angeles", T(2026, 11, 29, 15, 30), D(2026, 11, 23)),
        # Monday 01:00 UTC is still Sunday evening in Los Angeles.
        ("America/Los_Angeles", T(2026, 11, 30, 1, 0), D(2026, 11, 23)),
        ("UTC", T(2026, 11, 30, 0, 0), D(2026, 11, 30)),
        ("Not/AZone", T(2026, 11, 30, 0, 0), D(2026, 11, 30)),
    ],
)  # fmt: skip
def test_a_check_in_belongs_to_the_week_of_the_person_who_made_it(
    cohort, team, set_challenge, check_in, app, zone, utc, monday
):
    challenge = set_challenge(
        starts_on=datetime.date(2026, 11, 1), ends_on=datetime.date(2026, 12, 31)
    )
    team[0].time_zone = zone
    entry = check_in(team[0], challenge, cohort, now=utc)
    assert CheckIn.get_by_id(entry.id).week == monday


def test_a_person_streak_counts_their_weeks_and_pauses_when_away(
    app, cohort, team, set_challenge, check_in
):
    challenge = set_challenge(
        starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2026, 12, 31)
    )
    person = team[0]
    person.time_zone = "Asia/Kolkata"
    now = datetime.datetime(2026, 11, 25, 12, 0)  # a Wednesday
    for days_ago in (0, 7, 8, 21):
        check_in(person, challenge, cohort, now=now - datetime.timedelta(days=days_ago))
    with app.app_context(), connection():
        assert streaks.person_streak(person, now) == 2  # weeks of 23 and 16 November
        streaks.set_away(person, datetime.date(2026, 11, 9), now=now)
        assert streaks.person_streak(person, now) == 3  # the away week bridges to 2 November
        streaks.set_away(person, datetime.date(2026, 11, 9), now=now)  # twice is harmless
        with pytest.raises(ValueError, match="Choose one of the weeks"):
            streaks.set_away(person, datetime.date(2026, 1, 5), now=now)


NOW = datetime.datetime(2026, 11, 25, 12, 0)  # a Wednesday


@pytest.fixture
def autumn(team, set_challenge):
    """A challenge running this autumn, and the team on UTC."""
    for person in team:
        person.time_zone = "UTC"
    return set_challenge(starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2026, 12, 31))


def test_a_cohort_streak_counts_weeks_in_which_most_members_checked_in(
    app, cohort, team, autumn, check_in
):
    challenge, now = autumn, NOW
    ids = [p.id for p in team]

    def week(n, people):
        for person in people:
            check_in(person, challenge, cohort, now=now - datetime.timedelta(days=7 * n))

    week(0, team[:4])  # 4 of 6: most
    week(1, team[:4])
    week(2, team[:3])  # 3 of 6: not most
    week(3, team)
    with app.app_context(), connection():
        assert streaks.cohort_streak(ids, cohort, now) == 2
        # Three were away that week: 3 of the 3 present is most.
        for person in team[3:]:
            streaks.set_away(person, datetime.date(2026, 11, 9), now=now)
        assert streaks.cohort_streak(ids, cohort, now) == 4


def test_a_member_away_who_checks_in_all_the_same_counts_as_present(
    app, cohort, team, autumn, check_in
):
    challenge, now = autumn, NOW
    for person in team[:4]:
        check_in(person, challenge, cohort, now=now)
    # The week of 16 November: three are away, one of whom checks in anyway.
    for person in (team[0], team[3]):
        check_in(person, challenge, cohort, now=now - WEEK)
    with app.app_context(), connection():
        for person in team[3:]:
            streaks.set_away(person, datetime.date(2026, 11, 16), now=now)
        # Four were there (two away did not check in), two of them checked in: not most.
        assert streaks.cohort_streak([p.id for p in team], cohort, now) == 1
        # Away weeks still pause the person's own streak; their check-in counts for it.
        assert streaks.person_streak(team[3], now) == 2
        assert streaks.person_streak(team[4], now) == 0


def test_a_lost_streak_is_never_announced(cohort, team, sign_in, set_challenge, check_in):
    challenge = set_challenge(starts_on=datetime.date.today() - datetime.timedelta(days=60))
    long_ago = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) - datetime.timedelta(
        days=21
    )
    check_in(team[0], challenge, cohort, now=long_ago)
    client = sign_in(team[0])
    for page in (client.get(f"/cohorts/{cohort.id}").text, client.get("/check-ins").text):
        assert "Your streak" not in page and "0 week" not in page
        assert "lost" not in page.lower() and "broke" not in page.lower()
    # Once they check in again, only they see their own streak.
    check_in(team[0], challenge, cohort)
    assert "Your streak: 1 week." in client.get(f"/cohorts/{cohort.id}").text
    assert "Your streak" not in sign_in(team[1]).get(f"/cohorts/{cohort.id}").text


def test_a_member_marks_a_week_away_from_their_page(team, sign_in, cohort):
    client = sign_in(team[0])
    page = client.get("/check-ins").text
    monday = streaks.week_of(datetime.date.today()) + WEEK
    assert f'value="{monday.isoformat()}"' in page
    response = client.post("/check-ins/away", data={"week": monday.isoformat(), "away": "1"})
    assert "pauses your streak" in client.get(response.headers["Location"]).text
    assert streaks.away_weeks(team[0], monday) == {monday}
    client.post("/check-ins/away", data={"week": monday.isoformat(), "away": "0"})
    assert streaks.away_weeks(team[0], monday) == set()
    bad = client.post("/check-ins/away", data={"week": "2001-01-01", "away": "1"})
    assert "Choose one of the weeks listed." in client.get(bad.headers["Location"]).text
    client.post("/check-ins/away", data={"week": "soon", "away": "1"})
    assert streaks.away_weeks(team[0], datetime.date(2000, 1, 3)) == set()
