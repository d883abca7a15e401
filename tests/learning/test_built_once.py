"""Hot queries whose SQL is built once per shape (`built_once`): later calls bind their own
values to it, and get the rows the query built in full would give."""

import datetime

import pytest
from peewee import JOIN

from learning.db import connection, statements
from learning.people.models import Person
from learning.speed import Inline, built_once, inline

built = []  # the arguments each build of `named` was given


@built_once
def named(names, since, active):
    """Emails of people with these names, created since `since`, active or not (None: all)."""
    built.append((names, since, active))
    query = Person.select(Person.email).where(
        Person.display_name.in_(names), Person.created_at >= since
    )
    if active is not None:
        query = query.where(Person.is_active == active)
    return query.order_by(Person.email).tuples()


@pytest.fixture
def people(app):
    with app.app_context(), connection():
        Person.create(email="ada@example.com", display_name="Ada")
        Person.create(email="bo@example.com", display_name="Bo", is_active=False)
        Person.create(email="cy@example.com", display_name="Cy")
    return app


def emails(rows):
    return [email for (email,) in rows]


def test_each_call_gets_its_own_values_and_the_sql_is_built_once_per_shape(people):
    long_ago = datetime.datetime(2000, 1, 1)
    tomorrow = datetime.datetime.now() + datetime.timedelta(days=1)
    people.testing = False  # under test every call also builds its query in full, to check it
    built.clear()
    with people.app_context(), connection():
        assert emails(named(["Ada"], long_ago, None)) == ["ada@example.com"]
        assert emails(named(["Cy"], long_ago, None)) == ["cy@example.com"]
        assert emails(named(["Ada"], tomorrow, None)) == []
        assert len(built) == 1  # one shape so far: one name, a time, no activity filter

        assert emails(named(["Ada", "Bo", "Cy"], long_ago, None)) == [
            "ada@example.com",
            "bo@example.com",
            "cy@example.com",
        ]
        assert emails(named(["Ada", "Bo"], long_ago, False)) == ["bo@example.com"]
        assert emails(named(["Ada", "Bo"], long_ago, True)) == ["ada@example.com"]
        assert len(built) == 4  # three names; two names and inactive; two names and active

        # What the stand-ins built is not what the values see: the builder had stand-ins.
        assert all(value not in ("Ada", "Bo", "Cy") for names, *_ in built for value in names)


def test_under_test_a_builder_that_computes_with_its_values_is_caught(people):
    @built_once
    def first_ones(count):
        return Person.select(Person.email).order_by(Person.id).limit(count + 1).tuples()

    with people.app_context(), connection(), pytest.raises(AssertionError, match="first_ones"):
        first_ones(1)


@built_once
def first_emails(count):
    return Person.select(Person.email).order_by(Person.email).limit(inline(count)).tuples()


def test_an_inline_count_is_written_into_the_sql_and_each_count_is_a_shape(people):
    with people.app_context(), connection():
        assert emails(first_emails(Inline(1))) == ["ada@example.com"]
        with statements() as seen:
            assert emails(first_emails(Inline(2))) == ["ada@example.com", "bo@example.com"]
        [(sql, params)] = seen
        assert sql.endswith("LIMIT 2") and params == []
        # A plain int argument stands for any value: writing its stand-in in would be wrong.
        with pytest.raises(TypeError, match="Inline"):
            first_emails(2)


def test_a_model_instance_stands_for_its_id_and_other_types_are_refused(people):
    @built_once
    def emails_of(people_ids):
        return Person.select(Person.email).where(Person.id.in_(people_ids)).tuples()

    with people.app_context(), connection():
        ada = Person.get(Person.email == "ada@example.com")
        assert emails(emails_of([ada])) == emails(emails_of([ada.id])) == ["ada@example.com"]
        with pytest.raises(TypeError, match="ids, text, dates and times"):
            emails_of([1.5])


@built_once
def with_managers(since):
    """People created since `since`, each with their manager (or None), as joined models."""
    manager = Person.alias()
    return (
        Person.select(Person, manager)
        .join(manager, JOIN.LEFT_OUTER, on=(Person.manager == manager.id), attr="boss")
        .where(Person.created_at >= since)
        .order_by(Person.id)
    )


def test_rows_are_made_as_peewee_makes_them_joined_models_included(people):
    with people.app_context(), connection():
        ada, bo, cy = Person.select().order_by(Person.id)
        bo.manager = ada
        bo.save()
        rows = with_managers(datetime.datetime(2000, 1, 1))
        assert [p.email for p in rows] == [ada.email, bo.email, cy.email]
        assert rows[0].boss is None and rows[1].boss.display_name == "Ada"
        assert rows[1].manager_id == ada.id
        assert isinstance(rows[1].created_at, datetime.datetime)
        assert rows[1].is_active is False and rows[2].is_active is True
        assert not any(p.is_dirty() for p in rows)
