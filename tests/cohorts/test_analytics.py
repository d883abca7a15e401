"""L&D's conversation analytics and each cohort's health, against a small cohort worked out
by hand; who may see them; and a constant number of queries at the size of a company."""

import datetime as dt

import pytest

from challenges import services as challenges
from cohorts.health import cohort_analytics, program_analytics
from cohorts.models import Cohort, Membership
from feedback.models import Reply, Thread
from learning.db import connection
from learning.i18n import worded
from learning.ledger import Activity
from learning.people.models import Person, Role

H = dt.timedelta(hours=1)


@pytest.fixture
def talk(app, cohort, team):
    """p0 and p3 are Engineering, p1 and p4 Sales, p2 and p5 Finance. From publication T:

    ledger: p0 starts a thread (T+1h); p1 answers p0 (T+2h); p0 answers p1 (T+3h); p2 gives
    p0 feedback (T+4h); p3 answers p0 (T+5h); p1 checks in (T+6h); p0 answers themself (T+7h)
    threads: p0's question, first answered by p1 after 1 h; p2's shared work, answered by p2
    (not counted) then by p0 after 3 h; p4's question at T, never answered; p5's reflection
    at T+10h, never answered.
    """
    p = team
    with app.app_context(), connection():
        start = Cohort.get_by_id(cohort.id).published_at
        for actor, kind, target, hours in [
            (p[0], "thread_started", None, 1), (p[1], "replied", p[0], 2),
            (p[0], "replied", p[1], 3), (p[2], "feedback_given", p[0], 4),
            (p[3], "replied", p[0], 5), (p[1], "checked_in", None, 6),
            (p[0], "replied", p[0], 7),
        ]:  # fmt: skip
            Activity.create(actor=actor, kind=kind, target=target, cohort_id=cohort.id,
                            created_at=start + hours * H)  # fmt: skip

        def thread(author, kind, hours, replies=()):
            made = Thread.create(cohort=cohort, author=author, kind=kind, title="T", body="B",
                                 created_at=start + hours * H)  # fmt: skip
            for who, at in replies:
                Reply.create(thread=made, author=who, body="R", created_at=start + at * H)

        thread(p[0], "question", 1, [(p[1], 2)])
        thread(p[2], "share_work", 1, [(p[2], 2), (p[0], 4)])
        thread(p[4], "question", 0)
        thread(p[5], "reflection", 10)
    return start


def test_the_cohorts_conversation_numbers_match_the_hand_count(app, cohort, talk):
    with app.test_request_context(), connection():
        c, health, _ = cohort_analytics(Cohort.get_by_id(cohort.id), now=talk + 72 * H)
        attention = [(worded(reason), worded(action)) for reason, action in health.attention]
    assert (c.members, c.active_recently) == (6, 4)
    assert c.replies_between == 4  # the self-reply is not a conversation
    assert (c.pairs, c.reciprocal, c.reciprocity) == (3, 1, 1 / 3)
    assert c.cross_department == 2  # p0–p1 and p0–p2; p0–p3 are both Engineering
    assert c.median_first_reply == 2 * H  # of 1 h and 3 h
    assert (c.unanswered, c.stale_questions) == (2, 1)
    assert c.top_voice == 0.5  # p0 said 3 of 6 things
    assert (c.check_ins, c.goals) == (1, 0)
    assert c.weekly_active[0] == (talk.date() - dt.timedelta(days=talk.weekday()), 4)
    assert all(count == 0 for _, count in c.weekly_active[1:])
    # Score: 27 (4 of 6 active) + 10 (one stale question) + 7 (1 of 3 pairs) + 17 (50%).
    assert [points for _, points, _, _ in health.parts] == [27, 10, 7, 17]
    assert health.score == 61
    assert attention == [(
        "1 question unanswered for more than 48 hours",
        "Nudge the facilitator to answer or to ask someone who knows",
    )]  # fmt: skip


def test_half_the_members_quiet_for_two_weeks_needs_attention(app, cohort, talk):
    with app.test_request_context(), connection():
        _, health, _ = cohort_analytics(Cohort.get_by_id(cohort.id), now=talk + 20 * 24 * H)
        reasons = [worded(reason) for reason, _ in health.attention]
    assert "6 of 6 members inactive for two weeks" in reasons
    assert health.parts[0][1] == 0


def test_the_facilitator_and_ld_see_the_cohorts_health_and_nobody_else(
    app, cohort, talk, team, facilitator, sign_in, manager_client, make_person
):
    assert sign_in(facilitator).get(f"/cohorts/{cohort.id}/health").status_code == 200
    page = manager_client.get(f"/cohorts/{cohort.id}/health")
    assert page.status_code == 200 and "Needs attention" in page.text
    member = next(p for p in team if p.id != facilitator.id)
    assert sign_in(member).get(f"/cohorts/{cohort.id}/health").status_code == 404
    hr = make_person(roles=(Role.MEMBER, Role.HR))
    assert sign_in(hr).get(f"/cohorts/{cohort.id}/health").status_code == 404


def test_the_program_page_has_a_chart_with_its_numbers_beside_it(
    app, cohort, talk, manager_client, sign_in, team, manager
):
    with app.app_context(), connection():
        program = Cohort.get_by_id(cohort.id).program
        today = dt.date.today()
        goal = challenges.create_challenge(
            manager, program, title="Ten talks", starts_on=today - dt.timedelta(days=2),
            ends_on=today + dt.timedelta(days=20), goal="count", target=10,
        )  # fmt: skip
        for person in team[:3]:
            challenges.check_in(person, goal, cohort, "done")
    page = manager_client.get(f"/programs/{cohort.program_id}/analytics")
    assert page.status_code == 200
    assert '<svg viewBox="0 0' in page.text and 'role="img"' in page.text
    assert "Weekly active members, week by week" in page.text  # the table beside the chart
    assert "<td>4 of 6</td>" in page.text
    assert '<th scope="row">Ten talks</th><td>30%</td><td>0 of 1 cohort</td>' in page.text
    assert sign_in(team[0]).get(f"/programs/{cohort.program_id}/analytics").status_code == 403


def test_the_analytics_page_costs_the_same_queries_for_1000_people_and_100000_entries(
    app, cohort, talk, manager, count_queries
):
    with app.app_context(), connection():
        program = Cohort.get_by_id(cohort.id).program
        few = count_queries(lambda: program_analytics(program))
        Person.insert_many(
            [{"email": f"many{n}@example.com", "display_name": f"Many {n}",
              "department": f"D{n % 9}"} for n in range(1000)]
        ).execute()  # fmt: skip
        people = [p for (p,) in Person.select(Person.id).where(
            Person.email.startswith("many")).tuples()]  # fmt: skip
        Cohort.insert_many([{"program": program, "name": f"C{n}", "status": "published",
                             "published_at": talk} for n in range(125)]).execute()  # fmt: skip
        new = [c for (c,) in Cohort.select(Cohort.id).where(Cohort.name.startswith("C")).tuples()]
        Membership.insert_many(
            [{"cohort": new[i // 8], "person": p} for i, p in enumerate(people)]
        ).execute()
        kinds = ["replied", "thread_started", "feedback_given", "checked_in"]
        rows = [
            {"actor": people[n % 1000], "target": people[(n * 7) % 1000], "kind": kinds[n % 4],
             "cohort_id": new[(n % 1000) // 8], "created_at": talk + (n % 500) * H}
            for n in range(100_000)
        ]  # fmt: skip
        for start in range(0, len(rows), 5000):
            Activity.insert_many(rows[start : start + 5000]).execute()
        assert count_queries(lambda: program_analytics(program)) == few


def starting(app, cohort, days):
    """The cohort's program starts `days` from today (negative: started that long ago)."""
    with app.app_context(), connection():
        program = Cohort.get_by_id(cohort.id).program
        program.starts_on = dt.date.today() + dt.timedelta(days=days)
        program.save()


def test_health_is_not_judged_before_the_program_starts(app, cohort, manager_client, run_jobs):
    starting(app, cohort, 4)
    page = manager_client.get(f"/cohorts/{cohort.id}/health").text
    assert "Starts in 4 days" in page and "inactive" not in page and "out of 100" not in page
    manager_client.get(f"/programs/{cohort.program_id}/analytics")
    run_jobs()
    analytics = manager_client.get(f"/programs/{cohort.program_id}/analytics").text
    assert "Starts in 4 days" in analytics and "inactive" not in analytics


def test_in_its_first_days_a_program_is_judged_since_its_start(app, cohort, manager_client):
    starting(app, cohort, -3)
    page = manager_client.get(f"/cohorts/{cohort.id}/health").text
    assert "0 of 6 contributed since the program started 3 days ago" in page
    assert "inactive" not in page  # not in its first week
    starting(app, cohort, -9)
    page = manager_client.get(f"/cohorts/{cohort.id}/health").text
    assert "6 of 6 members inactive since the program started 9 days ago" in page
