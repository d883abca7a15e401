"""Shared progress, everyone's part without ranking people, hidden numbers, the program board
ranking cohorts, and constant queries in the cohort space."""

import datetime
import re

from challenges import progress, services
from cohorts import services as cohorts
from cohorts.models import Membership
from learning.db import connection, utcnow
from learning.i18n import worded

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


def test_count_amount_and_checklist_progress(app, cohort, team, set_challenge, check_in):
    count = set_challenge(target=4)
    amount = set_challenge(goal="amount", target=10)
    checklist = set_challenge(goal="checklist", cohort=cohort)
    steps = list(checklist.steps.order_by("position"))
    check_in(team[0], count, cohort)
    check_in(team[1], count, cohort)
    check_in(team[1], count, cohort, status="blocked")
    check_in(team[2], count, cohort, status="skipped")
    check_in(team[0], amount, cohort, amount=2.5)
    check_in(team[1], amount, cohort, amount=4)
    check_in(team[2], amount, cohort, status="blocked", amount=9)
    for person in team[:2]:
        for step in steps:
            check_in(person, checklist, cohort, step_id=step.id)
    check_in(team[2], checklist, cohort, step_id=steps[0].id)
    with app.app_context(), connection():
        tally = progress.tally([count, amount, checklist], [cohort.id])
    c, a, k = (tally[x.id, cohort.id] for x in (count, amount, checklist))
    assert (c.done, c.goal, c.percent, c.blocked, c.left) == (2, 4, 50, 1, 2)
    assert (a.done, a.goal, a.percent, a.blocked) == (6.5, 10, 65, 1)
    # Six members, three steps each: 18 steps, 7 done.
    assert (k.done, k.goal, k.percent) == (7, 18, 38)
    # Someone who leaves no longer counts towards "every member", either way.
    with app.app_context(), connection():
        cohorts.leave(team[0], cohort)
        k = progress.progress_of(checklist, cohort)
    assert (k.done, k.goal) == (4, 15)


def test_everyones_part_is_listed_by_name_and_hidden_numbers_stay_hidden(
    cohort, team, sign_in, set_challenge, check_in
):
    challenge = set_challenge(goal="amount", target=100)
    check_in(team[0], challenge, cohort, amount=7)
    check_in(team[1], challenge, cohort, amount=3)
    shy = sign_in(team[0])
    response = shy.post("/check-ins/numbers", data={"hidden": "1"})
    assert "still count" in shy.get(response.headers["Location"]).text
    url = f"/cohorts/{cohort.id}/challenges/{challenge.id}"
    other = sign_in(team[2]).get(url).text
    # The team total includes the hidden contribution; the person's own numbers do not show.
    assert "10 of 100 hours together (10%)" in other
    assert "keeps their numbers private" in other and "7 hours" not in other
    assert "3 hours" in other
    assert "7 hours" in shy.get(url).text
    names = [m.person.display_name for m in Membership.select().where(Membership.cohort == cohort)]
    positions = [other.index(f"<strong>{name}</strong>") for name in sorted(names)]
    assert positions == sorted(positions)  # alphabetical: nobody is ranked
    shy.post("/check-ins/numbers", data={"hidden": "0"})
    assert "7 hours" in sign_in(team[2]).get(url).text


def test_progress_updates_for_others_by_poll(cohort, team, sign_in, set_challenge, check_in):
    challenge = set_challenge(target=3)
    watcher = sign_in(team[1])
    with connection():
        fingerprint = progress.progress_of(challenge, cohort).fingerprint
    url = f"/cohorts/{cohort.id}/challenges/{challenge.id}/progress?v={fingerprint}"
    page = watcher.get(f"/cohorts/{cohort.id}").text
    assert f"v={fingerprint}" in page
    assert watcher.get(url, headers=HTMX).status_code == 204
    entry = check_in(team[0], challenge, cohort)
    response = watcher.get(url, headers=HTMX)
    assert response.status_code == 200 and "1 of 3 check-ins together" in response.text
    # The fragment polls on from what it shows; a deletion is a change too.
    url = re.search(r'hx-get="([^"]+)"', response.text).group(1)
    assert watcher.get(url, headers=HTMX).status_code == 204
    with connection():
        services.delete_check_in(team[0], entry)
    assert "0 of 3 check-ins" in watcher.get(url, headers=HTMX).text


def test_the_board_ranks_cohorts_never_people(
    app, manager, program, form_cohorts, make_person, team, sign_in, set_challenge, check_in
):
    [ours] = form_cohorts(team)
    others = [make_person() for _ in range(5)]
    [theirs] = form_cohorts(others)
    challenge = set_challenge(target=4)
    check_in(team[0], challenge, ours)
    for person in others[:3]:
        check_in(person, challenge, theirs)
    client = sign_in(team[1])
    page = client.get(f"/cohorts/{ours.id}/board").text
    table = page[page.index("<table") :]
    assert table.index(theirs.name) < table.index(ours.name)
    assert "75%" in page and "25%" in page and "Your cohort" in page
    assert team[0].display_name not in page  # no individual leaderboard
    # When the program keeps other cohorts anonymous, their names do not show.
    program.show_other_cohorts = False
    program.save()
    page = client.get(f"/cohorts/{ours.id}/board").text
    assert theirs.name not in page and "Another cohort" in page and ours.name in page


def test_a_facilitator_hides_the_board_for_their_cohort(
    program, form_cohorts, make_person, team, sign_in, set_challenge, manager_client
):
    [ours] = form_cohorts(team)
    [theirs] = form_cohorts([make_person() for _ in range(5)])
    set_challenge()
    facilitator = Membership.get(Membership.cohort == ours, Membership.role == "facilitator")
    member = sign_in(next(p for p in team if p.id != facilitator.person_id))
    assert member.post(f"/cohorts/{ours.id}/board", data={"hidden": "1"}).status_code == 404
    lead = sign_in(facilitator.person)
    assert lead.post(f"/cohorts/{ours.id}/board", data={"hidden": "1"}).status_code == 303
    page = member.get(f"/cohorts/{ours.id}/board").text
    assert "The board is off" in page and theirs.name not in page
    assert "The program board" not in member.get(f"/cohorts/{ours.id}").text
    # Other cohorts no longer see them; L&D still sees every cohort.
    outsider = Membership.get(Membership.cohort == theirs).person
    assert ours.name not in sign_in(outsider).get(f"/cohorts/{theirs.id}/board").text
    assert ours.name in manager_client.get(f"/programs/{program.id}/challenges").text
    lead.post(f"/cohorts/{ours.id}/board", data={"hidden": "0"})
    assert theirs.name in member.get(f"/cohorts/{ours.id}/board").text


def test_a_weekly_board_starts_afresh_each_week(
    app, program, form_cohorts, make_person, team, set_challenge, check_in
):
    [ours] = form_cohorts(team)
    [theirs] = form_cohorts([make_person() for _ in range(5)])
    challenge = set_challenge(target=4, weekly_board=True)
    for person in team[:3]:
        check_in(person, challenge, ours, now=utcnow() - datetime.timedelta(days=7))
    for person in Membership.select().where(Membership.cohort == theirs)[:1]:
        check_in(person.person, challenge, theirs)
    with app.app_context(), connection():
        places = progress.boards(program, [challenge])[challenge.id]
    assert [(p.cohort.id, p.progress.percent) for p in places] == [(theirs.id, 25), (ours.id, 0)]


def test_the_cohort_space_does_a_constant_number_of_queries(
    cohort, team, sign_in, set_challenge, check_in, count_queries
):
    client = sign_in(team[0])

    def add(goal):
        challenge = set_challenge(goal=goal, target=5)
        for person in team:
            step = challenge.steps.first() if goal == "checklist" else None
            check_in(person, challenge, cohort, amount=1, step_id=step and step.id)
            check_in(person, challenge, cohort, status="blocked", step_id=step and step.id)

    for goal in ("count", "amount", "checklist"):
        add(goal)
    three = count_queries(lambda: client.get(f"/cohorts/{cohort.id}"))
    for goal in ("count", "amount", "checklist"):
        add(goal)
    assert count_queries(lambda: client.get(f"/cohorts/{cohort.id}")) == three
    page = client.get(f"/cohorts/{cohort.id}").text
    assert page.count('class="challenge"') == 6


def test_the_board_pages_do_a_constant_number_of_queries(
    program, form_cohorts, make_person, team, sign_in, set_challenge, check_in, count_queries,
    manager_client,
):  # fmt: skip
    [ours] = form_cohorts(team)
    form_cohorts([make_person() for _ in range(5)])
    client = sign_in(team[0])
    pages = (
        lambda: client.get(f"/cohorts/{ours.id}/board"),
        lambda: manager_client.get(f"/programs/{program.id}/challenges"),
    )

    def add_one_of_each():
        for goal in ("amount", "checklist", "count"):
            challenge = set_challenge(goal=goal, weekly_board=goal == "count")
            step = challenge.steps.first() if goal == "checklist" else None
            check_in(team[0], challenge, ours, amount=2, step_id=step and step.id)

    add_one_of_each()
    three = [count_queries(page) for page in pages]
    add_one_of_each()
    assert [count_queries(page) for page in pages] == three
    assert client.get(f"/cohorts/{ours.id}/board").text.count("<caption>") == 6


def test_the_board_gives_no_place_before_progress_and_equal_shares_one_place(
    app, program, form_cohorts, make_person, team, sign_in, set_challenge, check_in
):
    [ours] = form_cohorts(team)
    others = [make_person() for _ in range(5)]
    [theirs] = form_cohorts(others)
    challenge = set_challenge(target=4)
    client = sign_in(team[1])

    def places():
        page = client.get(f"/cohorts/{ours.id}/board").text
        return re.findall(r"<tr[^>]*>\s*<td>([^<]*)</td>", page)

    assert places() == ["Not yet", "Not yet"]  # nobody ranks a board of zeros
    check_in(team[0], challenge, ours)
    assert places() == ["1", "Not yet"]
    check_in(others[0], challenge, theirs)
    assert places() == ["1", "1"]


def test_past_the_goal_the_words_say_so(app, cohort, team, set_challenge, check_in):
    count = set_challenge(target=2)
    for person in team[:3]:
        check_in(person, count, cohort)
    amount = set_challenge(goal="amount", target=1.5)
    check_in(team[0], amount, cohort, amount=2)
    with app.app_context(), connection():
        tally = progress.tally([count, amount], [cohort.id])
        assert (
            worded(progress.progress_text(count, tally[count.id, cohort.id]))
            == "3 check-ins together: past the goal of 2"
        )
        assert (
            worded(progress.progress_text(amount, tally[amount.id, cohort.id]))
            == "2 hours together: past the goal of 1.5"
        )


def test_an_amount_reads_right_with_its_unit():
    said = [progress.quantity(n, unit) for n, unit in [
        (1, "hours"), (2, "hours"), (1.5, "hours"), (1, "classes"), (1, "stories"),
        (1, "km"), (1, "glass"), (1, "lunches"), (1, ""),
    ]]  # fmt: skip
    assert said == ["1 hour", "2 hours", "1.5 hours", "1 class", "1 story", "1 km", "1 glass",
                    "1 lunch", "1"]  # fmt: skip
