"""Forming cohorts: propose, adjust, publish; late joiners get the best cohort."""

import datetime

from cohorts import forming, space
from cohorts import services as cohorts
from cohorts.models import Cohort, Membership
from learning.audit.models import AuditEntry
from learning.db import connection
from learning.ledger import Activity
from learning.text import quantity


def add(app, manager, program, people):
    with app.app_context(), connection():
        cohorts.add_participants(manager, program, people)


def test_the_builder_proposes_drafts_and_explains_their_balance(
    app, manager, manager_client, program, team, make_person
):
    extra = [make_person(department="Sales", time_zone="Europe/Berlin") for _ in range(6)]
    add(app, manager, program, team + extra)
    response = manager_client.post(
        f"/programs/{program.id}/builder",
        data={"target": "6", "department": "", "location": "", "seed": "0"},
    )
    assert response.status_code == 303
    drafts = list(Cohort.select().where(Cohort.status == "draft"))
    assert len(drafts) == 2
    page = manager_client.get(f"/programs/{program.id}/builder").text
    assert "time zones within" in page and "Sales" in page and "Publish 2 cohorts" in page
    # Members see nothing of drafts.
    assert space.my_cohorts(team[0]) == []


def test_the_builder_form_refuses_a_bad_size_and_keeps_the_filters(manager_client, program):
    response = manager_client.post(
        f"/programs/{program.id}/builder",
        data={"target": "40", "department": "", "location": "", "seed": "0"},
    )
    assert response.status_code == 422 and "Choose a size from 5 to 12" in response.text
    assert 'value="40"' in response.text


def test_move_rename_lock_and_rerun_keep_what_the_manager_decided(
    app, manager, manager_client, program, team, make_person
):
    others = [make_person(department="Ops", time_zone="Europe/Berlin") for _ in range(6)]
    add(app, manager, program, team + others)
    with app.app_context(), connection():
        forming.propose(manager, program, 6)
    first, second = Cohort.select().where(Cohort.status == "draft").order_by(Cohort.id)
    mover = Membership.get(Membership.cohort == first).person
    manager_client.post(
        f"/programs/{program.id}/builder/move", data={"person_id": mover.id, "cohort_id": second.id}
    )
    assert Membership.get(Membership.person == mover).cohort_id == second.id
    manager_client.post(
        f"/programs/{program.id}/builder/{second.id}/rename", data={"name": "Night owls"}
    )
    bad = manager_client.post(
        f"/programs/{program.id}/builder/{second.id}/rename", data={"name": " "}
    )
    assert bad.status_code == 422 and "Give the cohort a name." in bad.text
    manager_client.post(f"/programs/{program.id}/builder/{second.id}/lock", data={"locked": "1"})
    locked_members = {m.person_id for m in Membership.select().where(Membership.cohort == second)}
    manager_client.post(
        f"/programs/{program.id}/builder",
        data={"target": "5", "department": "", "location": "", "seed": "3"},
    )
    kept = Cohort.get_by_id(second.id)
    assert kept.name == "Night owls" and kept.locked
    assert {
        m.person_id for m in Membership.select().where(Membership.cohort == kept)
    } == locked_members
    assert not Cohort.select().where(Cohort.id == first.id).exists()


HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


def test_builder_edits_swap_in_place_with_htmx_and_return_to_the_card_without(
    app, manager, manager_client, program, team, make_person
):
    add(app, manager, program, team + [make_person() for _ in range(6)])
    with app.app_context(), connection():
        forming.propose(manager, program, 6)
    first, second = Cohort.select().where(Cohort.status == "draft").order_by(Cohort.id)
    mover = Membership.get(Membership.cohort == first).person
    url = f"/programs/{program.id}/builder/move"
    data = {"person_id": mover.id, "cohort_id": second.id}
    swapped = manager_client.post(url, data=data, headers=HTMX)
    assert swapped.status_code == 200
    assert 'id="drafts"' in swapped.text and "<html" not in swapped.text
    assert f"Moved {mover.display_name} to {second.name}." in swapped.text
    assert 'id="messages"' in swapped.text and 'hx-swap-oob="true"' in swapped.text
    plain = manager_client.post(url, data={"person_id": mover.id, "cohort_id": first.id})
    assert plain.status_code == 303
    assert plain.headers["Location"].endswith(f"/programs/{program.id}/builder#draft-{first.id}")
    page = manager_client.get(plain.headers["Location"]).text
    assert f"Moved {mover.display_name} to {first.name}." in page

    # A refused rename answers in place, beside the field, keeping what was typed.
    long_name = "x" * 81
    refused = manager_client.post(
        f"/programs/{program.id}/builder/{first.id}/rename", data={"name": long_name}, headers=HTMX
    )
    assert refused.status_code == 422 and "<html" not in refused.text
    assert "Use at most 80 characters." in refused.text and f'value="{long_name}"' in refused.text
    assert Cohort.get_by_id(first.id).name == first.name
    locked = manager_client.post(
        f"/programs/{program.id}/builder/{first.id}/lock", data={"locked": "1"}, headers=HTMX
    )
    assert f"{first.name} keeps its members when you build again." in locked.text
    chosen = Membership.get(Membership.cohort == second).person
    appointed = manager_client.post(
        f"/programs/{program.id}/builder/{second.id}/facilitator",
        data={"person_id": chosen.id},
        headers=HTMX,
    )
    assert f"{chosen.display_name} will facilitate {second.name}." in appointed.text


def test_the_builder_shows_managers_and_puts_a_broken_rule_down_to_who_broke_it(
    app, manager, manager_client, program, make_person, count_queries
):
    lead = make_person(name="Lena Lead", department="Ops", time_zone="Europe/Berlin")
    reports = [
        make_person(department=d, time_zone="Europe/Berlin", manager=lead)
        for d in ("Ops", "Sales", "Finance", "Sales", "Finance")
    ]
    others = [
        make_person(department=d, time_zone="Europe/Berlin") for d in ("IT", "HR", "IT", "HR")
    ]
    add(app, manager, program, [lead, *reports, *others])
    with app.app_context(), connection():
        forming.propose(manager, program, 5)
    url = f"/programs/{program.id}/builder"
    page = manager_client.get(url).text
    assert "Manager: Lena Lead" in page
    assert "Since people were moved by hand" not in page
    lead_cohort = Membership.get(Membership.person == lead).cohort_id
    report = next(
        r for r in reports if Membership.get(Membership.person == r).cohort_id != lead_cohort
    )
    manager_client.post(f"{url}/move", data={"person_id": report.id, "cohort_id": lead_cohort})
    page = manager_client.get(url).text
    moved = (
        f"{report.display_name} shares this cohort with their manager Lena Lead. Move one of them."
    )
    assert "Since people were moved by hand:" in page and moved in page
    assert "no swap kept the other rules" not in page
    # The builder's own proposal makes no such claim once it is built again.
    manager_client.post(url, data={"target": "5", "department": "", "location": "", "seed": "0"})
    assert "Since people were moved by hand" not in manager_client.get(url).text
    # A constant number of queries, whatever the number of drafts and members.
    few = count_queries(lambda: manager_client.get(url))
    add(app, manager, program, [make_person(time_zone="Europe/Berlin") for _ in range(12)])
    manager_client.post(url, data={"target": "5", "department": "", "location": "", "seed": "0"})
    many = count_queries(lambda: manager_client.get(url))
    assert few == many and many <= 10


def test_publishing_appoints_facilitators_records_joins_and_tells_everyone(
    app, manager, manager_client, program, team, make_person, inbox, run_jobs
):
    newcomer = make_person("new@example.com", "New Person", password=None)
    people = team + [newcomer]
    add(app, manager, program, people)
    with app.app_context(), connection():
        forming.propose(manager, program, 7)
    [draft] = Cohort.select().where(Cohort.status == "draft")
    chosen = team[2]
    manager_client.post(
        f"/programs/{program.id}/builder/{draft.id}/facilitator", data={"person_id": chosen.id}
    )
    response = manager_client.post(f"/programs/{program.id}/publish")
    assert response.status_code == 303
    live = Cohort.get_by_id(draft.id)
    assert live.status == "published"
    assert (
        Membership.get(Membership.cohort == live, Membership.person == chosen).role == "facilitator"
    )
    assert (
        Activity.select().where(Activity.cohort_id == live.id, Activity.kind == "joined").count()
        == 7
    )
    assert AuditEntry.get(AuditEntry.action == "cohorts_published").subject == program.name
    run_jobs()
    invited = inbox.to("new@example.com")[0]
    assert invited["Subject"].endswith("invited you to learn together")
    joined = inbox.to(team[0].email)[0]
    assert joined["Subject"] == f"You have joined {live.name}"
    assert f"/cohorts/{live.id}" in inbox.text(joined)
    # Each says to what: the cohort, the program, the facilitator and the start.
    about = (
        f"{live.name} of Leading with curiosity, with {chosen.display_name} as facilitator, "
        f"{{}} on {program.starts_on:%A %-d %B %Y}"
    )
    starts = "starting" if program.starts_on >= datetime.date.today() else "which started"
    for message in (invited, joined):
        assert about.format(starts) in " ".join(inbox.text(message).split())
    assert len(inbox.messages) == 7


def test_publishing_nothing_says_what_to_do(manager_client, program):
    response = manager_client.post(f"/programs/{program.id}/publish")
    assert "Build cohorts first" in manager_client.get(response.headers["Location"]).text


def test_a_facilitator_is_suggested_when_none_is_chosen(app, manager, program, make_person):
    lead = make_person(name="Zed Lead")
    reports = [make_person(manager=lead) for _ in range(2)]
    others = [make_person() for _ in range(3)]
    add(app, manager, program, [lead] + others)
    with app.app_context(), connection():
        forming.propose(manager, program, 5)
        [cohort] = forming.publish(manager, program)
    assert (
        Membership.get(Membership.cohort == cohort, Membership.role == "facilitator").person_id
        == lead.id
    )
    assert reports  # they exist, outside the program, and make Zed a people leader


def test_a_late_joiner_gets_the_best_cohort_with_the_reason(
    app, manager, manager_client, program, cohort, team, make_person, inbox, run_jobs
):
    late = make_person(
        "late@example.com", "Late Joiner", department="Marketing", time_zone="Europe/Berlin"
    )
    suggestion = manager_client.post(
        f"/programs/{program.id}/late-joiner", data={"email": late.email}
    )
    assert f"Suggested for Late Joiner: {cohort.name}." in suggestion.text
    assert "none from Marketing yet" in suggestion.text
    added = manager_client.post(
        f"/programs/{program.id}/late-joiner", data={"email": late.email, "cohort_id": cohort.id}
    )
    assert added.status_code == 303
    assert Membership.select().where(Membership.cohort == cohort).count() == 7
    run_jobs()
    assert inbox.to(late.email)[0]["Subject"] == f"You have joined {cohort.name}"


def test_a_late_joiner_is_never_suggested_their_managers_cohort(
    app, manager, program, team, make_person, form_cohorts
):
    [only] = form_cohorts(team)
    report = make_person(manager=team[0])
    with app.app_context(), connection():
        suggestion, reason = forming.suggest_cohort(
            program, report, cohorts.published_cohorts(program)
        )
    assert suggestion is None and "manager" in reason


def test_an_unknown_late_joiner_is_explained(manager_client, program):
    response = manager_client.post(
        f"/programs/{program.id}/late-joiner", data={"email": "ghost@example.com"}
    )
    assert response.status_code == 422
    assert "Nobody with that email is on the platform" in response.text
    assert 'value="ghost@example.com"' in response.text


def test_hours_in_a_late_joiners_reason_read_right():
    assert [quantity(span, "hours") for span in (0, 1, 2, 2.5)] == [
        "0 hours", "1 hour", "2 hours", "2.5 hours",
    ]  # fmt: skip


def test_with_everyone_placed_the_pages_say_so_in_words(cohort, manager_client):
    for path in (f"/programs/{cohort.program_id}", f"/programs/{cohort.program_id}/builder"):
        page = manager_client.get(path).text
        assert "Nobody is waiting for a cohort." in page and "0 participants" not in page
