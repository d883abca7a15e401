"""The demo company and its five sign-ins."""

import pytest

from learning import demo
from learning.db import connection
from learning.people.models import Person


@pytest.fixture
def demo_loaded(app):
    with app.app_context(), connection():
        assert demo.load() is True
        assert demo.load() is False  # never twice, never over real data


def test_the_demo_is_a_believable_company(demo_loaded):
    people = list(Person.select())
    assert len(people) == 200
    assert len({p.department for p in people}) == 6
    assert len({p.location for p in people}) == 4
    assert len({p.time_zone for p in people}) == 3
    with_manager = [p for p in people if p.manager_id]
    assert len(with_manager) == 199
    assert all(p.manager_id != p.id for p in people)


@pytest.mark.parametrize(
    ("email", "page_text"),
    [
        ("admin@demo.test", "Administration"),
        ("manager@demo.test", "Invite people"),
        ("hr@demo.test", "Hello, Harper"),
        ("member@demo.test", "Hello, Sam"),
        ("facilitator@demo.test", "Hello, Frankie"),
    ],
)
def test_each_demo_sign_in_works(demo_loaded, client, email, page_text):
    response = client.post("/sign-in", data={"email": email, "password": demo.PASSWORD})
    assert response.status_code == 303
    assert page_text in client.get("/").text
