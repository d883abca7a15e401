"""The cohort builder's edits happen in place: a long proposal keeps its scroll position and
the keyboard's place after a move; without JavaScript the page opens at the edited cohort."""

from playwright.sync_api import expect

from cohorts import forming
from cohorts import services as cohorts
from cohorts.models import Cohort, Membership
from learning.db import connection
from learning.people.models import Person
from tests.e2e.test_invitation_journey import sign_in

PASSWORD = "correct horse battery staple"
PLACES = [("Engineering", "Europe/Berlin"), ("Sales", "Europe/London"), ("Finance", "Europe/Paris")]


def proposal(app, manager, program, make_person, people=36):
    everyone = [
        make_person(department=PLACES[n % 3][0], time_zone=PLACES[n % 3][1]) for n in range(people)
    ]
    with app.app_context(), connection():
        cohorts.add_participants(manager, program, everyone)
        forming.propose(manager, program, 6)
    return list(Cohort.select().where(Cohort.status == "draft").order_by(Cohort.position))


def first_member(cohort):
    """The person on the card's first row (members are listed by name)."""
    return (
        Person.select()
        .join(Membership)
        .where(Membership.cohort == cohort)
        .order_by(Person.display_name)
        .first()
    )


def test_a_move_keeps_the_scroll_and_the_focus(
    app, live_server, manager, program, make_person, browser, check_accessibility
):
    drafts = proposal(app, manager, program, make_person)
    last, first = drafts[-1], drafts[0]
    mover = first_member(last)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    sign_in(page, live_server, manager.email, PASSWORD)
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/programs/{program.id}/builder")
    card = page.get_by_role("region", name=last.name, exact=True)
    card.get_by_label(f"Move {mover.display_name} to").select_option(label=first.name)
    move = card.get_by_role("button", name=f"Move {mover.display_name}")
    move.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 1000  # the proposal is long: the card is far down
    where = card.bounding_box()["y"]
    move.click()

    expect(page.get_by_text(f"Moved {mover.display_name} to {first.name}.")).to_be_attached()
    expect(
        page.get_by_role("region", name=first.name, exact=True).get_by_role(
            "button", name=f"Move {mover.display_name}"
        )
    ).to_be_visible()
    # The card stays where it was on the screen, though the cohorts above it grew.
    assert abs(card.bounding_box()["y"] - where) < 5
    # The keyboard stays where it was: on the Move button that took the moved person's place.
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused.startswith("Move ") and focused != f"Move {mover.display_name}"
    assert card.get_by_role("button", name=focused).evaluate("el => el === document.activeElement")
    assert Membership.get(Membership.person == mover).cohort_id == first.id
    check_accessibility(page)


def test_without_javascript_an_edit_returns_to_its_cohort(
    app, live_server, manager, program, make_person, browser
):
    drafts = proposal(app, manager, program, make_person, people=18)
    last = drafts[-1]
    page = browser.new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, manager.email, PASSWORD)
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/programs/{program.id}/builder")
    card = page.get_by_role("region", name=last.name, exact=True)
    card.get_by_label("Name", exact=True).fill("Night owls")
    card.get_by_role("button", name=f"Rename {last.name}").click()
    expect(page.get_by_role("status")).to_have_text("Renamed to Night owls.")
    assert page.url.endswith(f"#draft-{last.id}")
    expect(page.get_by_role("heading", name="Night owls")).to_be_in_viewport()
