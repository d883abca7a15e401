"""Calendars: the program's dates come as an invite with "you have joined", sessions are
invites that a change updates (same UID, higher SEQUENCE) and a cancellation removes, and each
person's feed lists their cohorts' dates, read back as a calendar app reads them."""

import datetime
import html

import icalendar
import pytest
import recurring_ical_events

from challenges import services as challenges
from cohorts.meetings.models import Meeting
from learning.calendar.models import CalendarFeed
from learning.db import connection, utcnow
from learning.people.models import Person

pytestmark = pytest.mark.usefixtures("inbox")


def invite_of(message):
    """The calendar a message carries: its text/calendar part, which must match its
    invite.ics attachment."""
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    attached = [p for p in message.walk() if p.get_filename() == "invite.ics"]
    assert len(parts) == 1 and len(attached) == 1, message
    text = parts[0].get_content()
    assert attached[0].get_content().decode() == text
    calendar = icalendar.Calendar.from_ical(text)
    assert parts[0].get_param("method") == calendar["METHOD"]
    return calendar


def only_event(calendar):
    [event] = calendar.events
    return event


def test_joining_brings_the_programs_dates_as_an_invite_with_a_time_zone(
    cohort, team, program, inbox, run_jobs
):
    run_jobs()
    message = inbox.to(team[0].email)[0]
    assert message["Subject"] == f"You have joined {cohort.name}"
    assert "The program's dates are attached as a calendar invite" in inbox.text(message)
    calendar = invite_of(message)
    assert calendar["METHOD"] == "REQUEST"
    # Always a VTIMEZONE, the reader's own.
    assert [str(tz["TZID"]) for tz in calendar.timezones] == [team[0].time_zone]
    event = only_event(calendar)
    assert str(event["UID"]) == f"cohort-{cohort.id}@localhost"
    assert event["SUMMARY"] == f"{program.name} · {cohort.name}"
    assert event.start == program.starts_on and event.end == program.ends_on + datetime.timedelta(1)
    assert event["SEQUENCE"] == 0
    assert str(event["ATTENDEE"]) == f"mailto:{team[0].email}"
    assert event["ATTENDEE"].params["RSVP"] == "FALSE"
    assert str(event["ORGANIZER"]) == "mailto:noreply@localhost"
    assert event["URL"] == f"http://localhost/cohorts/{cohort.id}"


def test_an_invitation_to_someone_new_carries_the_invite_too(
    app, manager, program, team, make_person, form_cohorts, inbox, run_jobs
):
    newcomer = make_person("new@example.com", "Nia New", password=None)
    form_cohorts([*team[:5], newcomer])
    run_jobs()
    [message] = inbox.to("new@example.com")
    assert "invited you" in message["Subject"]
    assert str(only_event(invite_of(message))["SUMMARY"]).startswith(program.name)


def test_a_changed_program_date_updates_the_entry_once(
    app, manager, manager_client, cohort, team, program, inbox, run_jobs
):
    run_jobs()
    inbox.messages.clear()
    form = {"name": program.name, "description": program.description,
            "starts_on": "2026-12-08", "ends_on": "2027-02-07", "cohort_size": "6",
            "guidelines": "Be kind."}  # fmt: skip
    assert manager_client.post(f"/programs/{program.id}/edit", data=form).status_code == 303
    # The same dates again, and a change of what the invite does not show: no update.
    manager_client.post(f"/programs/{program.id}/edit", data=form)
    manager_client.post(f"/programs/{program.id}/edit", data={**form, "cohort_size": "7"})
    run_jobs()
    run_jobs()
    assert sorted(m["To"] for m in inbox.messages) == sorted(p.email for p in team)
    message = inbox.to(team[1].email)[0]
    assert message["Subject"] == f"Updated: {program.name} · {cohort.name}"
    calendar = invite_of(message)
    assert calendar["METHOD"] == "REQUEST"
    event = only_event(calendar)
    assert str(event["UID"]) == f"cohort-{cohort.id}@localhost"
    assert event["SEQUENCE"] == 1
    assert event.start == datetime.date(2026, 12, 8) and event.end == datetime.date(2027, 2, 8)


def schedule_form(**values):
    return {"title": "Kick-off call", "starts_at": "2030-03-04T10:00", "minutes": "45",
            "place": "https://meet.example.com/kick-off", "agenda": "Hello\nPlans",
            **values}  # fmt: skip


def sign_in_facilitator(sign_in, facilitator, app):
    with app.app_context(), connection():
        Person.update(time_zone="Europe/Warsaw").where(Person.id == facilitator.id).execute()
    return sign_in(facilitator)


def test_a_session_is_an_invite_in_each_members_own_time_zone(
    app, cohort, team, facilitator, sign_in, inbox, run_jobs
):
    client = sign_in_facilitator(sign_in, facilitator, app)
    response = client.post(f"/cohorts/{cohort.id}/sessions", data=schedule_form())
    assert response.status_code == 303
    run_jobs()
    page = client.get(f"/cohorts/{cohort.id}/sessions").text
    assert "Kick-off call" in page and "Scheduled. Every member gets an invite" in page
    invites = [m for m in inbox.messages if m["Subject"].startswith("Invitation: Kick-off call")]
    assert sorted(m["To"] for m in invites) == sorted(p.email for p in team)
    # 10:00 in Warsaw (the facilitator's zone) in March is 09:00 UTC.
    starts = datetime.datetime(2030, 3, 4, 9, 0, tzinfo=datetime.UTC)
    for person in Person.select().where(Person.id.in_([p.id for p in team])):
        [message] = [m for m in invites if m["To"] == person.email]
        calendar = invite_of(message)
        assert [str(tz["TZID"]) for tz in calendar.timezones] == [person.time_zone]
        [found] = recurring_ical_events.of(calendar).between(
            datetime.datetime(2030, 3, 4, tzinfo=datetime.UTC),
            datetime.datetime(2030, 3, 5, tzinfo=datetime.UTC),
        )
        assert found.start == starts and found.end - found.start == datetime.timedelta(minutes=45)
        assert str(found.start.tzinfo) == person.time_zone
        assert found["LOCATION"] == "https://meet.example.com/kick-off"
        assert "Hello\nPlans" in found["DESCRIPTION"]
    assert "Where: https://meet.example.com/kick-off" in inbox.text(invites[0])


def test_a_changed_session_is_one_update_and_a_cancelled_one_leaves_the_calendar(
    app, cohort, team, facilitator, sign_in, inbox, run_jobs
):
    client = sign_in_facilitator(sign_in, facilitator, app)
    client.post(f"/cohorts/{cohort.id}/sessions", data=schedule_form())
    meeting = Meeting.get()
    run_jobs()
    inbox.messages.clear()
    edit = f"/cohorts/{cohort.id}/sessions/{meeting.id}/edit"
    assert 'value="2030-03-04T10:00"' in client.get(edit).text  # in the facilitator's zone
    moved = schedule_form(starts_at="2030-03-05T16:30")
    assert client.post(edit, data=moved).status_code == 303
    client.post(edit, data={**moved, "agenda": "Only the agenda changed"})
    run_jobs()
    run_jobs()
    assert sorted(m["To"] for m in inbox.messages) == sorted(p.email for p in team)
    event = only_event(invite_of(inbox.to(team[0].email)[0]))
    assert str(event["UID"]) == f"meeting-{meeting.id}@localhost" and event["SEQUENCE"] == 1
    assert event.start.astimezone(datetime.UTC) == datetime.datetime(
        2030, 3, 5, 15, 30, tzinfo=datetime.UTC
    )
    inbox.messages.clear()
    cancel = f"/cohorts/{cohort.id}/sessions/{meeting.id}/cancel"
    assert client.post(cancel).status_code == 303
    client.post(cancel)  # twice: still one cancellation each
    run_jobs()
    assert sorted(m["To"] for m in inbox.messages) == sorted(p.email for p in team)
    message = inbox.to(team[2].email)[0]
    assert message["Subject"] == "Cancelled: Kick-off call · " + cohort.name
    calendar = invite_of(message)
    event = only_event(calendar)
    assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 2 and str(event["UID"]) == f"meeting-{meeting.id}@localhost"
    assert "Cancelled" in client.get(f"/cohorts/{cohort.id}/sessions").text
    assert client.get(edit).status_code == 404


@pytest.mark.parametrize(
    ("values", "message", "field"),
    [
        ({"title": ""}, "Give the session a title.", "title"),
        ({"starts_at": ""}, "Choose when the session starts.", "starts_at"),
        ({"starts_at": "2020-01-01T10:00"}, "Choose a time in the future.", "starts_at"),
        ({"starts_at": "next tuesday"}, "Not a valid datetime value.", "starts_at"),
        ({"minutes": "0"}, "A session lasts from 5 minutes to 8 hours.", "minutes"),
        ({"minutes": "600"}, "A session lasts from 5 minutes to 8 hours.", "minutes"),
        ({"minutes": "an hour"}, "Not a valid integer value.", "minutes"),
        ({"place": "x" * 300}, "Keep the place under 250 characters.", "place"),
    ],
)
def test_a_bad_session_is_refused_next_to_its_field_and_keeps_what_was_typed(
    app, cohort, facilitator, sign_in, inbox, run_jobs, values, message, field
):
    client = sign_in_facilitator(sign_in, facilitator, app)
    response = client.post(f"/cohorts/{cohort.id}/sessions", data=schedule_form(**values))
    assert response.status_code == 422
    assert message in response.text
    assert f'id="{field}-error"' in response.text or f"{field}-error" in response.text
    typed = schedule_form(**values)
    assert "Hello\nPlans" in response.text and f'value="{typed["place"]}"' in response.text
    assert f'value="{typed["title"]}"' in response.text
    assert Meeting.select().count() == 0
    run_jobs()
    assert not [m for m in inbox.messages if "Invitation" in m["Subject"]]


def test_members_see_sessions_but_only_facilitators_schedule_them(
    app, cohort, team, facilitator, sign_in, make_person
):
    member = next(p for p in team if p.id != facilitator.id)
    client = sign_in(member)
    page = client.get(f"/cohorts/{cohort.id}/sessions")
    assert page.status_code == 200 and "Schedule a session" not in page.text
    assert client.post(f"/cohorts/{cohort.id}/sessions", data=schedule_form()).status_code == 404
    assert Meeting.select().count() == 0
    outsider = sign_in(make_person())
    assert outsider.get(f"/cohorts/{cohort.id}/sessions").status_code == 404


def test_someone_who_leaves_has_the_cohorts_dates_taken_out_of_their_calendar(
    app, cohort, team, facilitator, sign_in, inbox, run_jobs
):
    client = sign_in_facilitator(sign_in, facilitator, app)
    client.post(f"/cohorts/{cohort.id}/sessions", data=schedule_form())
    run_jobs()
    inbox.messages.clear()
    leaver = next(p for p in team if p.id != facilitator.id)
    sign_in(leaver).post(f"/cohorts/{cohort.id}/leave")
    run_jobs()
    subjects = sorted(m["Subject"] for m in inbox.messages)
    assert all(m["To"] == leaver.email for m in inbox.messages)
    assert subjects == sorted([f"Cancelled: Kick-off call · {cohort.name}",
                               f"Cancelled: Leading with curiosity · {cohort.name}"])  # fmt: skip
    for message in inbox.messages:
        assert invite_of(message)["METHOD"] == "CANCEL"


def test_the_personal_feed_lists_every_date_and_a_new_address_ends_the_old_one(
    app, cohort, team, facilitator, sign_in, manager, program, client, count_queries
):
    facilitator_client = sign_in_facilitator(sign_in, facilitator, app)
    facilitator_client.post(f"/cohorts/{cohort.id}/sessions", data=schedule_form())
    with app.app_context(), connection():
        challenges.create_challenge(
            manager, program, title="Ask one question a day", starts_on=datetime.date(2026, 12, 7),
            ends_on=datetime.date(2026, 12, 20), goal="count", target=10,
        )  # fmt: skip
    member = next(p for p in team if p.id != facilitator.id)
    own = sign_in(member)
    assert "Get your calendar's address" in html.unescape(own.get("/account/calendar").text)
    assert CalendarFeed.select().count() == 0  # reading the page makes nothing
    assert own.post("/account/calendar/new-address").status_code == 303
    page = own.get("/account/calendar").text
    feed = CalendarFeed.get(CalendarFeed.person == member)
    address = f"http://localhost/calendar/{feed.token}.ics"
    assert address in page and f"webcal://localhost/calendar/{feed.token}.ics" in page
    response = client.get(f"/calendar/{feed.token}.ics")  # no session: calendar apps have none
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    assert [str(tz["TZID"]) for tz in calendar.timezones] == [member.time_zone]
    summaries = {str(e["SUMMARY"]) for e in calendar.events}
    assert summaries == {f"{program.name} · {cohort.name}", f"Kick-off call · {cohort.name}",
                         "Challenge: Ask one question a day"}  # fmt: skip
    during = recurring_ical_events.of(calendar).between(datetime.date(2026, 12, 10),
                                                         datetime.date(2026, 12, 11))  # fmt: skip
    assert {str(e["SUMMARY"]) for e in during} == summaries - {f"Kick-off call · {cohort.name}"}
    # A constant number of queries, whatever the number of cohorts and sessions.
    with app.test_request_context():
        from learning.calendar import services as calendar_services

        few = count_queries(lambda: calendar_services.feed(feed.token))
        facilitator_client.post(f"/cohorts/{cohort.id}/sessions",
                                data=schedule_form(title="Second call"))  # fmt: skip
        assert count_queries(lambda: calendar_services.feed(feed.token)) == few <= 5
    # A new address: the old one stops working at once.
    assert own.post("/account/calendar/new-address").status_code == 303
    assert client.get(f"/calendar/{feed.token}.ics").status_code == 404
    renewed = CalendarFeed.get(CalendarFeed.person == member).token
    assert renewed != feed.token and client.get(f"/calendar/{renewed}.ics").status_code == 200
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    with app.app_context(), connection():
        Person.update(is_active=False).where(Person.id == member.id).execute()
    assert client.get(f"/calendar/{renewed}.ics").status_code == 404


def test_a_session_scheduled_twice_by_a_double_click_is_one(
    app, cohort, facilitator, sign_in, inbox, run_jobs
):
    client = sign_in_facilitator(sign_in, facilitator, app)
    form = schedule_form(token="a" * 32)
    client.post(f"/cohorts/{cohort.id}/sessions", data=form)
    client.post(f"/cohorts/{cohort.id}/sessions", data=form)
    assert Meeting.select().count() == 1
    assert Meeting.get().starts_at == datetime.datetime(2030, 3, 4, 9, 0)
    assert utcnow() < Meeting.get().starts_at


def test_someone_moved_to_another_cohort_has_its_dates_instead(
    app, cohort, team, facilitator, sign_in, make_person, form_cohorts, inbox, run_jobs
):
    from cohorts import services as cohorts
    from cohorts.models import MembershipRequest

    [other] = form_cohorts([make_person(time_zone="Europe/Paris") for _ in range(5)])
    client = sign_in_facilitator(sign_in, facilitator, app)
    client.post(f"/cohorts/{cohort.id}/sessions", data=schedule_form())
    run_jobs()
    inbox.messages.clear()
    mover = next(p for p in team if p.id != facilitator.id)
    with app.app_context(), connection():
        cohorts.ask_to_move(mover, cohort, "I work nights")
    ask = MembershipRequest.get(MembershipRequest.person == mover)
    moved = client.post(f"/cohorts/{cohort.id}/requests/{ask.id}/move",
                        data={"target_id": other.id})  # fmt: skip
    assert moved.status_code == 303
    run_jobs()
    mine = {m["Subject"]: m for m in inbox.to(mover.email)}
    assert set(mine) == {f"Cancelled: Kick-off call · {cohort.name}",
                         f"Cancelled: Leading with curiosity · {cohort.name}",
                         f"You have joined {other.name}"}  # fmt: skip
    joined = only_event(invite_of(mine[f"You have joined {other.name}"]))
    assert str(joined["UID"]) == f"cohort-{other.id}@localhost"
    assert len(inbox.messages) == 3  # nobody else hears of it
