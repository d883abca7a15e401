"""The demo programs: live cohorts, with the demo member and facilitator together."""

from cohorts.models import Cohort, Membership, Program
from learning.demo import PASSWORD
from learning.people.models import Person


def test_the_demo_has_two_programs_and_the_member_meets_the_facilitator(app, client):
    assert "Demo data loaded." in app.test_cli_runner().invoke(args=["demo"]).output
    assert Program.select().count() == 2
    assert Cohort.select().where(Cohort.status == "published").count() >= 10
    facilitator = Person.get(Person.email == "facilitator@demo.test")
    led = Membership.get(Membership.person == facilitator, Membership.role == "facilitator")
    member = Person.get(Person.email == "member@demo.test")
    assert Membership.get(Membership.person == member).cohort_id == led.cohort_id

    client.post("/sign-in", data={"email": member.email, "password": PASSWORD})
    assert led.cohort.name in client.get("/").text
    space = client.get(f"/cohorts/{led.cohort_id}").text
    assert "Frankie Osei" in space and "Sam Rivera" in space and "Facilitator" in space


def test_the_demo_cohorts_have_conversations_with_an_unanswered_question(app, client):
    from feedback.demo import THREADS
    from feedback.models import Reply, Thread

    app.test_cli_runner().invoke(args=["demo"])
    cohorts = Cohort.select().where(Cohort.status == "published").count()
    this_week = Thread.select().where(Thread.title.in_([title for _, title, _ in THREADS]))
    assert this_week.count() == 4 * cohorts
    assert Reply.select().where(Reply.is_feedback == True).count() == 2 * cohorts  # noqa: E712
    unanswered = this_week.where(Thread.kind == "question", Thread.reply_count == 0)
    assert unanswered.count() == cohorts
    member = Person.get(Person.email == "member@demo.test")
    client.post("/sign-in", data={"email": member.email, "password": PASSWORD})
    space = client.get(f"/cohorts/{Membership.get(Membership.person == member).cohort_id}").text
    assert "Draft: my first one-to-one agenda" in space and "Unanswered question from" in space


def test_the_first_demo_program_has_weeks_of_history_and_cohorts_that_need_attention(app, client):
    from cohorts import health as cohort_health

    app.test_cli_runner().invoke(args=["demo"])
    program = Program.get(Program.name == "Leading with curiosity")
    with app.app_context():  # the domains' parts of the analytics are registered on the app
        whole, rows, progress = cohort_health.program_analytics(program)
    assert progress  # the demo's challenges
    assert sum(1 for _, active in whole.weekly_active if active) >= 6
    assert whole.replies_between > 100 and whole.median_first_reply is not None
    needing = [cohort.name for cohort, _, health in rows if health.attention]
    assert 0 < len(needing) < len(rows)
    manager = Person.get(Person.email == "manager@demo.test")
    client.post("/sign-in", data={"email": manager.email, "password": PASSWORD})
    page = client.get(f"/programs/{program.id}/analytics").text
    assert "questions unanswered for more than 48 hours" in page or "question unanswered" in page
