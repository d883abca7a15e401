"""Polls in the cohort space: asking, answering and changing one's answer, what the results
show to whom, anonymity that holds in the database, bad input, closing, who may start them."""

import datetime
import re
from pathlib import Path

import pytest
from flask import template_rendered

from feedback.polls import services
from feedback.polls.models import Poll, PollOption, Vote, Voter
from learning.db import connection, db, utcnow
from learning.ledger import Activity
from learning.notify.models import Notification

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "feedback" / "polls"
HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}
DAYS = ["Monday", "Wednesday", "Friday"]


def ask(client, cohort, headers=None, **data):
    fields = {"question": "Which day suits the next session?", "kind": "options",
              "options": "\n".join(DAYS), "results": "voted"}  # fmt: skip
    return client.post(f"/cohorts/{cohort.id}/polls/new", data={**fields, **data},
                       headers=headers)  # fmt: skip


def option(poll, label):
    """The id of the poll's option with this label."""
    return PollOption.get(PollOption.poll == poll, PollOption.label == label).id


def answer(client, poll, *labels, headers=None, **data):
    ids = [
        PollOption.get(PollOption.poll == poll, PollOption.label == label).id for label in labels
    ]
    return client.post(f"/polls/{poll.id}/votes", data={"choice": ids, **data}, headers=headers)


@pytest.fixture
def members(cohort, team, sign_in):
    """The cohort's members (the facilitator first), each with a signed-in client."""
    return [(person, sign_in(person)) for person in team]


def test_a_member_asks_the_others_answer_and_everyone_sees_who_chose_what(app, cohort, members):
    (author, asks), (anna, anna_client), (ben, ben_client), *_ = members
    response = ask(asks, cohort)
    poll = Poll.get()
    assert response.headers["Location"] == f"/polls/{poll.id}"
    assert [o.label for o in PollOption.select().order_by(PollOption.position)] == DAYS
    entry = Activity.get(Activity.kind == "poll_started")
    assert (entry.actor_id, entry.cohort_id, entry.object_id) == (author.id, cohort.id, poll.id)
    told = {n.person_id for n in Notification.select().where(Notification.kind == "poll")}
    assert told == {p.id for p, _ in members} - {author.id}
    space = anna_client.get(f"/cohorts/{cohort.id}").text
    assert "Which day suits the next session?" in space and "asked the cohort" in space

    before = anna_client.get(f"/polls/{poll.id}").text
    assert "Answer to see the results." in before and "Wednesday" in before
    assert answer(anna_client, poll, "Wednesday").status_code == 303
    assert answer(ben_client, poll, "Friday").status_code == 303
    page = anna_client.get(f"/polls/{poll.id}").text
    assert "2 people answered" in page and "1 answer (50%): " + anna.display_name in page
    assert "Change my answer" in page

    # Anna changes her mind: her answer moves, nobody is counted twice.
    answer(anna_client, poll, "Friday")
    votes = {o.label: o.votes for o in PollOption.select()}
    assert votes == {"Monday": 0, "Wednesday": 0, "Friday": 2}
    assert Poll.get().voters == 2 and Activity.select().where(Activity.kind == "voted").count() == 2
    page = ben_client.get(f"/polls/{poll.id}").text
    names = sorted([anna.display_name, ben.display_name])
    assert f"2 answers (100%): {', '.join(names)}" in page
    # Votes are not shown in the feed, and do not count as news.
    assert "voted" not in anna_client.get(f"/cohorts/{cohort.id}").text


def test_an_anonymous_answer_cannot_be_tied_to_its_voter_in_the_database(app, cohort, members):
    (_, asks), *voters = members
    ask(asks, cohort, anonymous="y")
    poll = Poll.get()
    for (_, client), day in zip(voters[:3], DAYS, strict=True):
        assert answer(client, poll, day).status_code == 303
    assert Vote.select().count() == 0
    assert {o.label: o.votes for o in PollOption.select()} == dict.fromkeys(DAYS, 1)
    # Who answered is kept (nobody answers twice), and nothing else about them.
    assert [f.name for f in Voter._meta.sorted_fields] == ["id", "poll", "person"]
    with app.app_context(), connection():
        for table in db.get_tables():
            columns = {c.name for c in db.get_columns(table)}
            keys = {k.dest_table for k in db.get_foreign_keys(table)}
            # Only named polls' answers name a person and an option (none here); nothing
            # records when someone answered.
            assert not ({"person", "poll_option"} <= keys) or table == "vote", table
            if table in ("voter", "poll_option"):
                assert not {"created_at", "voted_at", "updated_at"} & columns, table
    # The ledger says someone answered, never what.
    entries = Activity.select().where(Activity.kind == "voted")
    assert {(e.object_type, e.object_id) for e in entries} == {("poll", poll.id)}


def test_an_anonymous_poll_shows_results_only_once_three_answered(cohort, members):
    (_, asks), (_, a), (_, b), (_, c), *_ = members
    ask(asks, cohort, anonymous="y")
    poll = Poll.get()
    answer(a, poll, "Monday")
    answer(b, poll, "Monday")
    page = a.get(f"/polls/{poll.id}").text
    assert "2 people answered" in page and "once 3 people have answered" in page
    assert "answers (100%)" not in page
    answer(c, poll, "Friday")
    page = a.get(f"/polls/{poll.id}").text
    assert "2 answers (67%)" in page and "1 answer (33%)" in page
    # Nobody's name is shown, and an anonymous answer is final.
    assert all(p.display_name not in page.split("poll-results")[1] for p, _ in members)
    again = answer(a, poll, "Friday", headers=HTMX)
    assert again.status_code == 422 and "An anonymous answer cannot be changed" in again.text
    assert {o.label: o.votes for o in PollOption.select()}["Monday"] == 2


def test_results_kept_until_the_poll_closes_show_when_its_author_closes_it(cohort, members):
    (_, asks), (_, a), (other, b), *_ = members
    closes = (datetime.datetime.now() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    ask(asks, cohort, results="closed", closes_at=closes)
    poll = Poll.get()
    answer(a, poll, "Monday")
    assert "The results show when the poll closes." in a.get(f"/polls/{poll.id}").text
    assert b.post(f"/polls/{poll.id}/close").status_code == 403
    assert asks.post(f"/polls/{poll.id}/close").status_code == 303
    page = a.get(f"/polls/{poll.id}").text
    assert "Closed" in page and "1 answer (100%)" in page
    late = answer(b, poll, "Friday", headers=HTMX)
    assert late.status_code == 422 and "This poll has closed" in late.text
    assert Poll.get().voters == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"question": "  "}, "Write the question people will answer."),
        ({"options": "Only one"}, "Give at least two options, one per line."),
        ({"options": "Yes\nNo\nyes"}, "“yes” is there twice: give each option once."),
        ({"options": "\n".join(f"Day {n}" for n in range(11))}, "Give at most 10 options."),
        ({"closes_at": "2020-01-01T10:00"}, "Choose a closing time in the future."),
        ({"results": "closed"}, "Give a closing time, or show the results once people answer."),
        ({"closes_at": "next week"}, "Not a valid datetime value."),
    ],
)
def test_bad_polls_are_explained_and_what_was_typed_is_kept(cohort, members, fields, message):
    (_, asks), *_ = members
    response = ask(asks, cohort, **fields)
    assert response.status_code == 422
    assert message in response.text
    if "question" not in fields:
        assert 'value="Which day suits the next session?"' in response.text
    assert Poll.select().count() == 0


def test_answers_that_are_not_the_polls_or_not_one_are_refused(cohort, members):
    (_, asks), (_, a), *_ = members
    ask(asks, cohort)
    ask(asks, cohort, question="And which time?", options="Morning\nAfternoon")
    first, second = Poll.select().order_by(Poll.id)
    refused = a.post(f"/polls/{first.id}/votes", data={"choice": [option(second, "Morning")]},
                     headers=HTMX)  # fmt: skip
    assert refused.status_code == 422 and "belongs to another poll" in refused.text
    nothing = a.post(f"/polls/{first.id}/votes", data={}, headers=HTMX)
    assert nothing.status_code == 422 and "Choose an answer." in nothing.text
    two = answer(a, first, "Monday", "Friday", headers=HTMX)
    assert two.status_code == 422 and "Choose one answer." in two.text
    assert Voter.select().count() == 0 and sum(o.votes for o in PollOption.select()) == 0


def test_the_same_answer_sent_twice_at_once_counts_once(app, cohort, team, at_once):
    with app.app_context(), connection():
        poll = services.start_poll(cohort, team[0], "Ready?", ["Yes", "No"], anonymous=True)
        yes = PollOption.get(PollOption.label == "Yes").id
    errors = at_once(lambda token: services.vote(team[1], poll, [yes], token), ["a" * 32] * 2)
    assert errors == []
    assert Voter.select().count() == 1 and PollOption.get_by_id(yes).votes == 1
    assert Activity.select().where(Activity.kind == "voted").count() == 1


def test_a_pulse_check_gives_its_average(cohort, members):
    (_, asks), *voters = members
    ask(asks, cohort, question="How confident are you with pivot tables?", kind="scale",
        options="")  # fmt: skip
    poll = Poll.get()
    assert [o.label for o in PollOption.select().order_by(PollOption.position)] == list("12345")
    for (_, client), value in zip(voters[:3], "245", strict=True):
        answer(client, poll, value)
    assert "Average: 3.7 of 5" in voters[0][1].get(f"/polls/{poll.id}").text


def test_only_facilitators_start_polls_when_the_facilitator_says_so(
    cohort, facilitator, team, sign_in
):
    member = next(p for p in team if p.id != facilitator.id)
    lead, client = sign_in(facilitator), sign_in(member)
    assert "Ask the cohort" in client.get(f"/cohorts/{cohort.id}").text
    assert client.post(f"/cohorts/{cohort.id}/polls/who-starts",
                       data={"facilitators_only": "y"}).status_code == 403  # fmt: skip
    lead.post(f"/cohorts/{cohort.id}/polls/who-starts", data={"facilitators_only": "y"})
    assert (
        "In this cohort, facilitators start polls."
        in client.get(f"/cohorts/{cohort.id}/polls").text
    )
    assert ask(client, cohort).status_code == 403 and Poll.select().count() == 0
    assert ask(lead, cohort).status_code == 303


def test_people_outside_the_cohort_get_not_found(cohort, members, make_person, sign_in):
    (_, asks), *_ = members
    ask(asks, cohort)
    poll = Poll.get()
    outsider = sign_in(make_person())
    for path in (f"/polls/{poll.id}", f"/polls/{poll.id}/results", f"/cohorts/{cohort.id}/polls",
                 f"/cohorts/{cohort.id}/polls/new"):  # fmt: skip
        assert outsider.get(path).status_code == 404, path
    assert answer(outsider, poll, "Monday").status_code == 404
    assert outsider.post(f"/polls/{poll.id}/close").status_code == 404
    assert Voter.select().count() == 0


def test_a_poll_page_reads_the_same_number_of_queries_however_many_answered(
    app, cohort, members, make_person, count_queries
):
    (_, asks), (_, reader), *others = members
    ask(asks, cohort)
    poll = Poll.get()
    answer(others[0][1], poll, "Monday")
    few = count_queries(lambda: reader.get(f"/polls/{poll.id}"))
    for _, client in others[1:]:
        answer(client, poll, "Friday")
    assert count_queries(lambda: reader.get(f"/polls/{poll.id}")) == few <= 10


def test_the_cohort_space_reads_polls_in_the_same_number_of_queries_however_many(
    cohort, members, count_queries
):
    (_, asks), (_, reader), *others = members
    ask(asks, cohort)
    answer(others[0][1], Poll.get(), "Monday")
    reader.get(f"/cohorts/{cohort.id}")  # a first visit reads what is new since none
    few = count_queries(lambda: reader.get(f"/cohorts/{cohort.id}"))
    ask(asks, cohort, question="Which time?", options="Morning\nAfternoon", multiple="y")
    ask(asks, cohort, question="Ready?", options="Yes\nNo", anonymous="y")
    for poll in Poll.select():
        for _, client in others:
            answer(client, poll, *[o.label for o in PollOption.select().where(
                PollOption.poll == poll)][:1])  # fmt: skip
    page = reader.get(f"/cohorts/{cohort.id}").text
    assert "Which time?" in page and "Ready?" in page
    assert count_queries(lambda: reader.get(f"/cohorts/{cohort.id}")) == few


def test_the_digest_lists_polls_closing_soon_the_reader_has_not_answered(
    app, cohort, team, sign_in
):
    soon = utcnow() + datetime.timedelta(hours=20)
    with app.app_context(), connection():
        poll = services.start_poll(cohort, team[0], "Lunch together?", ["Yes", "No"],
                                   closes_at=soon)  # fmt: skip
        services.start_poll(cohort, team[0], "Later?", ["Yes", "No"],
                            closes_at=soon + datetime.timedelta(days=5))  # fmt: skip
        services.vote(team[1], poll, [option(poll, "Yes")])
    waiting = sign_in(team[2]).get("/digest").text
    assert "Polls closing soon you have not answered" in waiting
    assert "Answer “Lunch together?”" in waiting and "It closes in 20 hours." in waiting
    assert "Later?" not in waiting  # not closing soon
    assert "Lunch together?" not in sign_in(team[1]).get("/digest").text  # answered
    assert "Lunch together?" not in sign_in(team[0]).get("/digest").text  # asked it


def test_the_cohorts_health_counts_polls_and_how_many_answered(
    app, cohort, team, facilitator, sign_in
):
    with app.app_context(), connection():
        poll = services.start_poll(cohort, team[0], "Lunch?", ["Yes", "No"])
        services.start_poll(cohort, team[0], "Coffee?", ["Yes", "No"])
        yes = option(poll, "Yes")
        for person in team[1:4]:
            services.vote(person, poll, [yes])
    page = sign_in(facilitator).get(f"/cohorts/{cohort.id}/health").text
    # Three answers of twelve possible (two polls, six members).
    assert "<dt>Polls</dt><dd>2, 25% of members answered</dd>" in page


def test_a_persons_data_has_their_polls_and_named_answers_and_erasure_unnames_them(
    app, cohort, team, admin_client
):
    with app.app_context(), connection():
        named = services.start_poll(cohort, team[0], "Lunch?", ["Yes", "No"])
        secret = services.start_poll(cohort, team[0], "Happy?", ["Yes", "No"], anonymous=True)
        for poll in (named, secret):
            services.vote(team[1], poll, [option(poll, "No")])
    data = admin_client.post(f"/people/{team[1].id}/data").json
    assert data["poll_answers"] == [{"question": "Lunch?", "answer": "No"}]
    asked = admin_client.post(f"/people/{team[0].id}/data").json["polls_asked"]
    assert [p["question"] for p in asked] == ["Lunch?", "Happy?"]
    erased = admin_client.post(f"/people/{team[1].id}/erase", data={"confirm": team[1].email})
    assert erased.status_code == 303
    assert Vote.select().count() == 0
    assert PollOption.get(PollOption.poll == named, PollOption.label == "No").votes == 1


def test_a_weekly_pulse_is_asked_again_once_a_week_and_its_trend_shows_on_the_health_page(
    app, cohort, team, facilitator, sign_in
):
    from feedback.polls.tasks import ask_pulses_again

    member = next(p for p in team if p.id != facilitator.id)
    lead = sign_in(facilitator)
    # A member cannot make a pulse weekly; the form does not offer it, the service refuses.
    assert (
        "Ask it again every week" not in sign_in(member).get(f"/cohorts/{cohort.id}/polls/new").text
    )
    refused = ask(sign_in(member), cohort, kind="scale", options="", weekly="y")
    assert refused.status_code == 422 and "asked again every week" in refused.text
    assert "Ask it again every week" in lead.get(f"/cohorts/{cohort.id}/polls/new").text
    ask(lead, cohort, question="How is your week?", kind="scale", options="", anonymous="y",
        weekly="y")  # fmt: skip
    first = Poll.get()
    assert first.closes_at - first.created_at == datetime.timedelta(days=7)
    others = [p for p in team if p.id != facilitator.id]
    with app.app_context(), connection():
        for person, value in zip(others[:4], "2455", strict=False):
            services.vote(person, first, [option(first, value)])
        week_later = first.created_at + datetime.timedelta(days=7, minutes=1)
        assert ask_pulses_again(first.created_at + datetime.timedelta(days=6)) == 0
        assert ask_pulses_again(week_later) == 1
        assert ask_pulses_again(week_later) == 0  # each week's asking once
        second = Poll.get(Poll.round == 1)
        assert (second.series_id, second.question, second.anonymous) == (first.id, first.question,
                                                                          True)  # fmt: skip
        services.vote(others[0], second, [option(second, "2")])
    page = lead.get(f"/cohorts/{cohort.id}/health").text
    trend = re.sub(r">\s+<", "><", page.split("Weekly pulses")[1])
    # Week one: 2, 4, 5, 5 (average 4, spread 1.2); week two: too few answers to show.
    assert "<td>4</td><td>4</td><td>1.2</td>" in trend
    assert '<td>1</td><td colspan="2">Too few answers to show</td>' in trend
    # The facilitator stops it: no more askings.
    assert lead.post(f"/polls/{second.id}/stop").status_code == 303
    with app.app_context(), connection():
        assert ask_pulses_again(week_later + datetime.timedelta(days=8)) == 0


def test_someone_who_turned_poll_notices_off_is_not_told(app, cohort, team):
    from learning.notify.models import CHANNELS, KINDS
    from learning.people import services as people

    everything_but_polls = [(k, c) for k in KINDS for c in CHANNELS if k != "poll"]
    with app.app_context(), connection():
        people.save_preferences(team[2], channels=everything_but_polls)
        services.start_poll(cohort, team[0], "Lunch?", ["Yes", "No"])
    told = {n.person_id for n in Notification.select().where(Notification.kind == "poll")}
    assert team[2].id not in told and team[1].id in told


def test_every_polls_template_renders(app, cohort, team, facilitator, sign_in):
    rendered = set()

    def remember(sender, template, context, **extra):
        rendered.add(template.name)

    template_rendered.connect(remember, app)
    try:
        lead = sign_in(facilitator)
        lead.get(f"/cohorts/{cohort.id}/polls/new")
        ask(lead, cohort, question="", headers=HTMX)
        ask(lead, cohort, question="Week?", kind="scale", options="", weekly="y")
        poll = Poll.get()
        lead.get(f"/cohorts/{cohort.id}/polls")
        lead.get(f"/polls/{poll.id}")
        answer(lead, poll, "4", headers=HTMX)
        lead.get(f"/polls/{poll.id}/results", headers=HTMX)
        health = lead.get(f"/cohorts/{cohort.id}/health").text
    finally:
        template_rendered.disconnect(remember, app)
    # The pulses' trends are only ever included, by the cohort's health page.
    assert "Weekly pulses" in health
    every = {f"feedback/polls/{p.name}" for p in TEMPLATES.iterdir()}
    assert every - rendered == {"feedback/polls/_pulse_trends.html"}
