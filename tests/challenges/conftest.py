"""Challenges set, and check-ins made, through the real services."""

import datetime

import pytest

from challenges import services
from learning.db import connection

TODAY = datetime.date.today()


@pytest.fixture
def set_challenge(app, manager, program):
    """Set a running challenge (for the program, or for `cohort`); returns it."""

    def make(cohort=None, goal="count", target=10, by=None, **fields):
        values = {
            "title": f"{goal.title()} challenge",
            "starts_on": TODAY - datetime.timedelta(days=7),
            "ends_on": TODAY + datetime.timedelta(days=21),
            "goal": goal,
            "target": target,
            "unit": "hours" if goal == "amount" else "",
            "steps": ["Read", "Write", "Share"] if goal == "checklist" else (),
        }
        with app.app_context(), connection():
            return services.create_challenge(
                by or manager, program, cohort=cohort, **{**values, **fields}
            )

    return make


@pytest.fixture
def check_in(app):
    """Check `person` in through the service (no form)."""

    def make(person, challenge, cohort, status="done", **fields):
        with app.app_context(), connection():
            return services.check_in(person, challenge, cohort, status, **fields)

    return make
