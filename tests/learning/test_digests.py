"""Personal digests: each person's own hour in their own time zone, on working days; one per
period whatever runs twice or was missed; what needs them first; nothing when nothing is new."""

import datetime as dt
import re

import pytest
from rq import Queue

from challenges import services as challenges
from cohorts import kudos as cohort_kudos
from cohorts import services as cohorts
from feedback import services as feedback
from feedback.polls import services as polls
from learning.db import connection, utcnow
from learning.digest import periods, sections, services
from learning.digest.models import Digest
from learning.digest.tasks import send_digests
from learning.i18n import worded
from learning.jobs.services import redis_connection
from learning.mail.models import Delivery
from learning.notify import preferences
from learning.people.models import Person, Preferences
from learning.recognition.models import CompanyValue

ZONES = {
    "UTC−8": "America/Los_Angeles",
    "UTC": "UTC",
    "UTC+1": "Europe/Berlin",
    "UTC+5:30": "Asia/Kolkata",
}
LONG_AGO = dt.datetime(2026, 1, 1)


def at(text):
    return dt.datetime.fromisoformat(text)


# The clock: pure functions, checked against hand-worked times.


@pytest.mark.parametrize(
    ("zone", "monday_9am_utc"),
    [
        ("America/Los_Angeles", "2026-11-30 17:00"),  # PST, UTC−8
        ("UTC", "2026-11-30 09:00"),
        ("Europe/Berlin", "2026-11-30 08:00"),  # CET, UTC+1
        ("Asia/Kolkata", "2026-11-30 03:30"),  # IST, UTC+5:30
    ],
)
def test_a_weekly_digest_is_due_at_nine_on_monday_in_the_persons_own_zone(zone, monday_9am_utc):
    due = at(monday_9am_utc)
    args = (zone, "weekly", 0, 9, "01234")
    assert periods.latest_slot(due, *args) == ("w2026-W49", due)
    # A minute earlier, the latest due moment was the Monday before.
    period, moment = periods.latest_slot(due - dt.timedelta(minutes=1), *args)
    assert (period, moment) == ("w2026-W48", due - dt.timedelta(days=7))
    assert periods.next_slot(due - dt.timedelta(minutes=1), *args) == due


@pytest.mark.parametrize(
    ("zone", "friday", "monday"),
    [
        # Berlin leaves summer time on Sunday 25 October 2026: 9:00 is 07:00 UTC, then 08:00.
        ("Europe/Berlin", "2026-10-23 07:00", "2026-10-26 08:00"),
        # Los Angeles on Sunday 1 November 2026: 9:00 is 16:00 UTC, then 17:00.
        ("America/Los_Angeles", "2026-10-30 16:00", "2026-11-02 17:00"),
        # Spring: Los Angeles on 14 March 2027, Berlin on 28 March 2027.
        ("America/Los_Angeles", "2027-03-12 17:00", "2027-03-15 16:00"),
        ("Europe/Berlin", "2027-03-26 08:00", "2027-03-29 07:00"),
    ],
)
def test_daily_digests_keep_the_local_hour_across_daylight_saving_and_skip_the_weekend(
    zone, friday, monday
):
    args = (zone, "daily", 0, 9, "01234")
    friday, monday = at(friday), at(monday)
    assert periods.latest_slot(friday, *args) == (f"d{friday.date()}", friday)
    # All weekend long, the latest due digest is Friday's.
    assert periods.latest_slot(monday - dt.timedelta(minutes=1), *args)[1] == friday
    assert periods.next_slot(friday, *args) == monday
    assert periods.latest_slot(monday, *args)[1] == monday


def test_a_weekly_digest_on_a_day_off_comes_on_the_next_working_day():
    # Monday is not a working day for this person (Tuesday to Saturday).
    period, moment = periods.latest_slot(at("2026-12-01 12:00"), "UTC", "weekly", 0, 9, "12345")
    assert moment == at("2026-12-01 09:00")  # Tuesday


# Dispatching, with real jobs


@pytest.fixture
def world(app, make_person, form_cohorts):
    """Four people, one in each zone, with daily digests at 9:00, in one cohort with three
    colleagues; they joined long before the dates these tests travel to."""
    readers = {
        label: make_person(
            f"{label.lower().replace('−', 'm')}@example.com", f"Reader {label}", time_zone=zone
        )  # fmt: skip
        for label, zone in ZONES.items()
    }
    others = [make_person(time_zone="Europe/London") for _ in range(3)]
    everyone = [*readers.values(), *others]
    [cohort] = form_cohorts(everyone)
    with app.app_context(), connection():
        Person.update(onboarded_at=LONG_AGO).execute()
        Preferences.update(digest_frequency="daily", digest_hour=9).execute()
    return {"readers": readers, "others": others, "cohort": cohort}


def dispatched(app, now):
    """Run the dispatcher as cron would at `now`; returns how many people it enqueued."""
    with app.app_context(), connection():
        return services.dispatch(now)


def digests_of(person):
    return list(Digest.select().where(Digest.person == person).order_by(Digest.id))


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (
            "2026-10-23",  # Friday, then Berlin's clock change, then Monday
            {"UTC−8": ["2026-10-23 16:00", "2026-10-26 16:00"],
             "UTC": ["2026-10-23 09:00", "2026-10-26 09:00"],
             "UTC+1": ["2026-10-23 07:00", "2026-10-26 08:00"],
             "UTC+5:30": ["2026-10-23 03:30", "2026-10-26 03:30"]},
        ),
        (
            "2026-10-30",  # Friday, then Los Angeles's clock change, then Monday
            {"UTC−8": ["2026-10-30 16:00", "2026-11-02 17:00"],
             "UTC": ["2026-10-30 09:00", "2026-11-02 09:00"],
             "UTC+1": ["2026-10-30 08:00", "2026-11-02 08:00"],
             "UTC+5:30": ["2026-10-30 03:30", "2026-11-02 03:30"]},
        ),
    ],
)  # fmt: skip
def test_everyone_gets_their_digest_at_nine_their_time_on_working_days_only(
    app, world, run_jobs, start, expected
):
    """The dispatcher runs every half hour from Friday 00:00 UTC to Tuesday 00:00 UTC."""
    got = {label: [] for label in ZONES}
    now = at(f"{start} 00:00")
    while now < at(f"{start} 00:00") + dt.timedelta(days=4):
        if dispatched(app, now):
            run_jobs()
            for label, person in world["readers"].items():
                if len(digests_of(person)) > len(got[label]):
                    got[label].append(f"{now:%Y-%m-%d %H:%M}")
        now += dt.timedelta(minutes=30)
    assert got == expected
    # Their colleagues in London got theirs too, and nobody got one on Saturday or Sunday.
    assert {d.period[1:] for d in Digest.select()} == {
        start,
        (at(start) + dt.timedelta(days=3)).date().isoformat(),
    }


def test_after_two_days_without_a_dispatcher_each_person_gets_one_catch_up_digest(
    app, world, run_jobs
):
    reader = world["readers"]["UTC"]
    now = at("2026-11-23 00:00")  # Monday: the dispatcher runs all day, everyone gets one
    while now < at("2026-11-24 00:00"):
        if dispatched(app, now):
            run_jobs()
        now += dt.timedelta(minutes=30)
    people = [*world["readers"].values(), *world["others"]]
    assert [len(digests_of(person)) for person in people] == [1] * 7
    # The dispatcher is down all Tuesday and Wednesday; it comes back on Thursday at 10:10,
    # runs every five minutes, and is run twice at once for good measure.
    assert dispatched(app, at("2026-11-26 10:10")) == 8  # and the manager, who is in no cohort
    assert dispatched(app, at("2026-11-26 10:10")) == 8  # before the jobs ran: the same jobs
    run_jobs()
    for minutes in range(15, 60, 5):
        assert dispatched(app, at(f"2026-11-26 10:{minutes}")) == 0
    run_jobs()
    assert [d.period for d in digests_of(reader)] == ["d2026-11-23", "d2026-11-26"]
    # In Los Angeles it is still night: their catch-up is Wednesday's, and Thursday's comes
    # at their hour.
    assert [d.period for d in digests_of(world["readers"]["UTC−8"])] == [
        "d2026-11-23",
        "d2026-11-25",
    ]
    assert [len(digests_of(person)) for person in people] == [2] * 7
    # The catch-up covers everything since Monday's digest, missed days included.
    monday, thursday = digests_of(reader)
    assert thursday.since == monday.until


@pytest.mark.parametrize(
    ("choice", "promised", "period"),
    [
        # From daily to weekly on Friday: last Friday's moment is not a missed digest.
        ({"digest_frequency": "weekly", "digest_weekday": 4, "digest_hour": 17},
         "2026-11-27 17:00", "w2026-W48"),
        # A later hour the same day: today's digest came already; the next is tomorrow's.
        ({"digest_frequency": "daily", "digest_weekday": 0, "digest_hour": 18},
         "2026-11-24 18:00", "d2026-11-24"),
    ],
)  # fmt: skip
def test_a_new_choice_of_when_comes_when_the_page_says_and_nothing_is_lost(
    app, world, run_jobs, choice, promised, period
):
    reader = world["readers"]["UTC"]  # daily at 9:00, UTC
    assert dispatched(app, at("2026-11-23 09:05"))  # Monday's digest
    run_jobs()
    changed = at("2026-11-23 16:58")
    with app.app_context(), connection():
        services.save_settings(reader, digest_email=True, **choice)
        assert Preferences.get(Preferences.person == reader).digest_chosen_at is not None
        # As if it had been saved at `changed`.
        Preferences.update(digest_chosen_at=changed).where(Preferences.person == reader).execute()
        _, next_at = services.preview(reader, now=changed)
    assert next_at == at(promised)
    came = []
    now = changed
    while now < at("2026-11-28 00:00"):
        if dispatched(app, now):
            run_jobs()
            if len(digests_of(reader)) > len(came) + 1:
                came.append(f"{now:%Y-%m-%d %H:%M}")
        now += dt.timedelta(minutes=30)
    # The dispatcher runs at :28 and :58: the first run after the promised moment sends it.
    assert came[0] == f"{at(promised) + dt.timedelta(minutes=28):%Y-%m-%d %H:%M}"
    monday, first = digests_of(reader)[:2]
    assert first.period == period and first.since == monday.until


def test_nobody_gets_a_digest_for_a_period_before_they_joined(app, world, make_person):
    newcomer = make_person("new@example.com", "New Comer", time_zone="UTC")
    with app.app_context(), connection():
        Person.update(onboarded_at=at("2026-11-23 09:03")).where(Person.id == newcomer.id).execute()
        Preferences.update(digest_frequency="daily").execute()
        due = {pid for pid, *_ in services.due(at("2026-11-23 09:05"))}
        assert newcomer.id not in due and world["readers"]["UTC"].id in due
        assert newcomer.id in {pid for pid, *_ in services.due(at("2026-11-24 09:00"))}


# What a digest says


@pytest.fixture
def busy(app, world, manager, program):
    """While the UTC reader waited for their digest: every kind of news for them."""
    me = world["readers"]["UTC"]
    ana, ben, cai = world["others"]
    cohort = world["cohort"]
    with app.app_context(), connection():
        # Their last digest went out once the cohort was formed.
        Digest.create(person=me, period="d2026-01-01", status="sent", since=LONG_AGO,
                      until=utcnow(), created_at=LONG_AGO)  # fmt: skip
        challenge = challenges.create_challenge(
            manager, program, title="Ship demos", starts_on=utcnow().date() - dt.timedelta(days=3),
            ends_on=utcnow().date() + dt.timedelta(days=20), goal="count", target=10,
        )  # fmt: skip
        mine = feedback.start_thread(cohort, me, "share_work", "My deck", "Thoughts?")
        feedback.start_thread(cohort, ana, "share_work", "Ana's plan", "Ideas?", ask=[me.id])
        feedback.start_thread(cohort, ben, "question", "Where is the style guide?", "Anyone?")
        feedback.start_thread(cohort, cai, "reflection", "Notes", f"@{me.display_name} look")
        feedback.reply(mine, ana, "Strong opening, shorter ending.")
        feedback.reply(mine, ben, "Agree with Ana.")
        value = CompanyValue.get(CompanyValue.name == "Craft")
        cohort_kudos.give_kudos(cai, cohort, me.id, value.id, "Lovely deck", "k" * 32)
        challenges.check_in(ana, challenge, cohort, "done")
        challenges.check_in(ben, challenge, cohort, "done")
        polls.start_poll(cohort, ana, "Demo day on Friday?", ["Yes", "No"],
                         closes_at=utcnow() + dt.timedelta(hours=30))  # fmt: skip
        newcomer = Person.create(email="late@example.com", display_name="Lou Late")
        Preferences.create(person=newcomer)
        cohorts.add_member(manager, cohort, newcomer, notify=False)
    return {"me": me, "ana": ana, "ben": ben, "cai": cai, "cohort": cohort}


def compose(app, person, now=None):
    with app.app_context(), connection():
        reader = (
            Person.select(Person, Preferences).join(Preferences).where(Person.id == person.id).get()
        )
        return services.compose([reader], now or utcnow())[person.id]


def worded_texts(app, digest):
    """{section: the texts of its items, as its reader reads them}."""
    with app.app_context():
        return {s.key: [worded(i.text) for i in s.items] for s in digest.sections}


def test_a_digest_puts_what_needs_you_first_then_replies_kudos_progress_celebrations_members(
    app, busy, sign_in
):
    digest = compose(app, busy["me"])
    assert [s.key for s in digest.sections] == list(sections.SECTIONS)
    texts = worded_texts(app, digest)
    ana, ben, cai = (busy[n].display_name for n in ("ana", "ben", "cai"))
    assert sorted(texts["needs_you"]) == sorted([
        f"{ana} asks for your feedback on “Ana's plan”",
        f"{cai} mentioned you in “Notes”",
        f"{ben} asked “Where is the style guide?”: nobody has answered yet",
    ])  # fmt: skip
    assert texts["polls"] == ["Answer “Demo day on Friday?”"]
    assert texts["replies"] == [f"{ana} and 1 other replied to “My deck”"]
    assert texts["kudos"] == [f"{cai} thanked you for Craft"]
    assert texts["progress"] == ["Ship demos: 2 of 10 check-ins together (20%)"]
    assert texts["celebrations"]  # the first threads and replies
    assert texts["new_members"] == [f"Lou Late joined {busy['cohort'].name}"]
    assert digest.news
    # Every item links to the exact place, which opens for the reader.
    client = sign_in(busy["me"])
    for section in digest.sections:
        for item in section.items:
            assert client.get(item.path).status_code == 200, item.path


def send_now(app, person, period="d2026-11-24", slot=None):
    """Run one person's digest job for `period`, as the dispatcher would enqueue it."""
    slot = slot or utcnow()
    with app.app_context(), connection():
        return send_digests([[person.id, period, slot.isoformat()]])


def test_nothing_new_sends_nothing_even_with_an_old_question_still_open(app, busy, run_jobs):
    me = busy["me"]
    assert send_now(app, me, "d2026-11-24") == {"sent": 1, "skipped": 0}
    # The next day nothing happened; the unanswered question is still there, but it is not
    # news, so no email: the period is recorded as skipped.
    assert send_now(app, me, "d2026-11-25") == {"sent": 0, "skipped": 1}
    assert [d.status for d in digests_of(me)] == ["sent", "sent", "skipped"]
    assert Delivery.select().where(Delivery.key.startswith("digest-")).count() == 1
    # Then someone asks a new question: that is news again.
    with app.app_context(), connection():
        feedback.start_thread(busy["cohort"], busy["ben"], "question", "Lunch?", "Anyone?")
    assert send_now(app, me, "d2026-11-26") == {"sent": 1, "skipped": 0}
    [_, _, _, last] = digests_of(me)
    # Still open: the request, the mention, the two questions, the poll closing soon; and the
    # running challenge.
    assert last.items == 6


def test_someone_without_cohorts_gets_no_email(app, world, make_person):
    loner = make_person("loner@example.com", "Lone Ranger")
    assert send_now(app, loner) == {"sent": 0, "skipped": 1}


def test_people_who_unsubscribed_get_nothing_and_no_digest_is_recorded(app, busy):
    me = busy["me"]
    with app.app_context(), connection():
        preferences.mute(me.id, "digest")
        assert me.id not in {pid for pid, *_ in services.due(at("2026-11-24 09:00"))}
    # Even a job enqueued before they unsubscribed sends nothing.
    assert send_now(app, me) == {"sent": 0, "skipped": 0}
    assert len(digests_of(me)) == 1  # the one the fixture recorded


def digest_mail(inbox, person):
    return [m for m in inbox.to(person.email) if m["Subject"].startswith("Your daily digest")]


def test_a_digest_job_run_twice_or_enqueued_twice_sends_one_digest(app, busy, run_jobs, inbox):
    me = busy["me"]
    batch = [[me.id, "d2026-11-24", utcnow().isoformat()]]
    with app.app_context():
        Queue("digests", connection=redis_connection()).enqueue(send_digests, batch)
        Queue("digests", connection=redis_connection()).enqueue(send_digests, batch)
    run_jobs()
    assert send_now(app, me) == {"sent": 0, "skipped": 0}
    run_jobs()
    assert len(digest_mail(inbox, me)) == 1
    assert Digest.select().where(Digest.period == "d2026-11-24").count() == 1


def test_a_late_digest_waits_for_the_end_of_quiet_hours(app, busy):
    """A catch-up found at 01:30 in Kolkata waits until 08:00 there; one on time does not."""
    me = busy["me"]
    with app.app_context(), connection():
        Person.update(time_zone="Asia/Kolkata").where(Person.id == me.id).execute()
    # A coming day (after the fixture's news) whose 20:00 UTC is 01:30 on a working day in
    # Kolkata; a fixed date would fall before the news once the calendar passes it.
    day = utcnow().date() + dt.timedelta(days=1)
    while (day + dt.timedelta(days=1)).weekday() > 4:
        day += dt.timedelta(days=1)
    now = dt.datetime.combine(day, dt.time(20, 0))
    with app.app_context(), connection():
        reader = Person.select(Person, Preferences).join(Preferences).where(Person.id == me.id)
        composed = services.compose([reader.get()], now)[me.id]
        slot = dt.datetime.combine(day, dt.time(3, 30))
        assert services.send_one(composed, f"d{day}", slot, now) == "sent"
        delivery = Delivery.get(Delivery.key.startswith("digest-"))
    expected = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(2, 30))
    assert (delivery.status, delivery.due_at) == ("waiting", expected)


def test_the_digest_arrives_once_by_smtp_with_working_links_and_a_working_unsubscribe(
    app, busy, run_jobs, inbox, sign_in
):
    me = busy["me"]
    with app.app_context(), connection():
        Preferences.update(quiet_from=0, quiet_until=0, working_days="0123456").execute()
    now = utcnow()
    for _ in range(3):  # the dispatcher runs again, before and after the jobs ran
        with app.app_context(), connection():
            services.dispatch(now)
    run_jobs()
    with app.app_context(), connection():
        services.dispatch(now)
    run_jobs()
    [message] = digest_mail(inbox, me)
    assert message["Subject"].startswith("Your daily digest: 3 need you, 1 reply, 1 kudos")
    text = inbox.text(message)
    html = message.get_body(preferencelist=("html",)).get_content()
    # What needs them comes first, in both versions.
    assert text.index("NEEDS YOU") < text.index("REPLIES TO YOU") < text.index("KUDOS YOU")
    assert html.index("Needs you") < html.index("Replies to you") < html.index("New in your")
    client = sign_in(me)
    links = set(re.findall(r"http://localhost(/[^\s\"<>]*)", text))
    item_links = {link for link in links if not link.startswith("/unsubscribe/")}
    assert len(item_links) >= 8
    for link in item_links:
        assert client.get(link).status_code == 200, link
    # The unsubscribe link works signed out, in one click from the mail client.
    unsubscribe = message["List-Unsubscribe"].strip().strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.removeprefix("http://localhost") in links
    anonymous = app.test_client()
    assert (
        anonymous.post(unsubscribe.removeprefix("http://localhost"), csrf=False).status_code == 200
    )
    with app.app_context(), connection():
        assert ("digest", "email") in preferences.muted(me)
        assert me.id not in {pid for pid, *_ in services.due(now + dt.timedelta(days=1))}


def test_composing_costs_the_same_queries_for_one_reader_or_many(
    app, busy, make_person, count_queries
):
    with app.app_context(), connection():
        everyone = list(Person.select(Person, Preferences).join(Preferences))
        me = [p for p in everyone if p.id == busy["me"].id]
        now = utcnow()
        one = count_queries(lambda: services.compose(me, now))
        many = count_queries(lambda: services.compose(everyone, now))
        assert one == many <= 16
        # Finding who is due: the same for 9 people or 40.
        few = count_queries(lambda: services.due(at("2026-11-24 12:00")))
    for _ in range(30):
        make_person(time_zone="Asia/Tokyo")
    with app.app_context(), connection():
        assert count_queries(lambda: services.due(at("2026-11-24 12:00"))) == few <= 3


# The person's page and the admins' numbers


def test_the_digest_page_previews_the_next_digest_and_when_it_comes(app, busy, sign_in):
    client = sign_in(busy["me"])
    page = client.get("/digest")
    assert page.status_code == 200
    assert "Your next daily digest comes on" in page.text
    assert "Lou Late joined" in page.text and "Needs you" in page.text
    quiet = sign_in(busy["cai"]).get("/digest")
    assert "Your next daily digest comes on" in quiet.text


def test_changing_frequency_and_hour_and_bad_input(app, busy, sign_in):
    me = busy["me"]
    client = sign_in(me)
    bad = client.post(
        "/digest",
        data={"digest_frequency": "hourly", "digest_weekday": "2", "digest_hour": "99",
              "digest_email": "y"},
    )  # fmt: skip
    assert bad.status_code == 422
    assert "Not a valid choice" in bad.text
    assert '<option selected value="2">Wednesday</option>' in bad.text  # kept as chosen
    with app.app_context(), connection():
        assert Preferences.get(Preferences.person == me).digest_frequency == "daily"  # unchanged
    good = client.post(
        "/digest",
        data={"digest_frequency": "weekly", "digest_weekday": "2", "digest_hour": "7"},
    )
    assert good.status_code == 303
    with app.app_context(), connection():
        chosen = Preferences.get(Preferences.person == me)
        assert (chosen.digest_frequency, chosen.digest_weekday, chosen.digest_hour) == (
            "weekly",
            2,
            7,
        )
        assert ("digest", "email") in preferences.muted(me)  # the box was left unticked
    page = client.get("/digest")
    assert "Digest emails are off" in page.text
    client.post("/digest", data={"digest_frequency": "weekly", "digest_weekday": "2",
                                 "digest_hour": "7", "digest_email": "y"})  # fmt: skip
    with app.app_context(), connection():
        assert ("digest", "email") not in preferences.muted(me)


def test_admins_see_per_day_how_many_were_sent_skipped_and_failed(
    app, busy, admin_client, make_person, run_jobs
):
    send_now(app, busy["me"])  # news: sent
    send_now(app, make_person(time_zone="UTC"))  # in no cohort: skipped
    send_now(app, busy["ben"])  # news, but the mail server will refuse it for good
    with app.app_context(), connection():
        Delivery.update(status="failed").where(
            Delivery.id == Digest.get(Digest.person == busy["ben"]).delivery
        ).execute()
    run_jobs()
    with app.app_context(), connection():
        assert services.daily_counts() == [
            (utcnow().date(), {"sent": 1, "on_its_way": 0, "skipped": 1, "failed": 1})
        ]
    page = admin_client.get("/admin/digests")
    assert page.status_code == 200
    row = re.search(r"<tr>\s*<th scope=\"row\">.*?</tr>", page.text, re.S).group(0)
    assert re.findall(r"<td>(\d+)</td>", row) == ["1", "0", "1", "1"]


def test_a_fresh_demos_sign_ins_get_their_digest_at_the_first_dispatch(app, demo, run_jobs, inbox):
    # A new install with the demo loaded: the sign-ins have "used it for a while", so the
    # digest of this period goes out now rather than at their hour a week later.
    with app.app_context(), connection():
        signs_in = {p.id for p in Person.select().where(Person.password_hash.is_null(False))}
        assert {person_id for person_id, _, _ in services.due()} == signs_in
        assert services.dispatch() == len(signs_in)
    run_jobs()
    with app.app_context(), connection():
        sent = Digest.select().where(Digest.status == "sent", Digest.person.in_(signs_in))
        assert sent.count() >= 1
        assert services.dispatch() == 0  # once


def test_an_evening_or_early_digest_can_be_chosen(app, busy, sign_in):
    client = sign_in(busy["me"])
    page = client.get("/digest").text
    assert all(f">{hour:02d}:00</option>" in page for hour in range(24))
    chosen = {"digest_frequency": "daily", "digest_weekday": "0", "digest_hour": "21"}
    assert client.post("/digest", data=chosen).status_code == 303
    with app.app_context(), connection():
        assert Preferences.get(Preferences.person == busy["me"]).digest_hour == 21
