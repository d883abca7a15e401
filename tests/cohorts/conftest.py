"""Cohort fixtures, built through the real services."""

import datetime

import pytest

from cohorts import forming
from cohorts import services as cohorts
from learning.db import connection
from learning.people.models import Role


@pytest.fixture
def manager(make_person):
    return make_person("lnd@example.com", "Lee Manager", (Role.MEMBER, Role.LD_MANAGER))


@pytest.fixture
def manager_client(manager, sign_in):
    return sign_in(manager)


@pytest.fixture
def program(app, manager):
    with app.app_context(), connection():
        return cohorts.save_program(
            manager,
            name="Leading with curiosity",
            description="Six weeks of practice.",
            starts_on=datetime.date(2026, 12, 1),
            ends_on=datetime.date(2027, 1, 31),
            cohort_size=6,
            guidelines="Be kind.\nBe specific.",
            show_other_cohorts=True,
        )


@pytest.fixture
def form_cohorts(app, manager, program):
    """Publish cohorts of `people` (one cohort when they number 5 to 12) and return them."""

    def form(people, target=None):
        with app.app_context(), connection():
            cohorts.add_participants(manager, program, people)
            forming.propose(manager, program, target or len(people))
            return forming.publish(manager, program)

    return form


@pytest.fixture
def team(make_person):
    """Six people from three departments in nearby time zones."""
    places = [("Engineering", "Berlin", "Europe/Berlin"), ("Sales", "London", "Europe/London"),
              ("Finance", "Paris", "Europe/Paris")]  # fmt: skip
    return [
        make_person(
            department=places[n % 3][0], location=places[n % 3][1], time_zone=places[n % 3][2]
        )
        for n in range(6)
    ]


@pytest.fixture
def cohort(form_cohorts, team):
    [only] = form_cohorts(team)
    return only
