"""A hypothesis state machine (#9): people, cohorts, threads and replies made at random, and
everyone trying everything. Nobody outside a cohort ever reads it (404), nobody changes what
is not theirs, and what the app holds always matches what was allowed to happen."""

import datetime as dt
import itertools

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from cohorts import access, forming
from cohorts import services as cohorts
from cohorts.models import Membership
from feedback.models import Reply, Thread
from learning.db import connection
from learning.people.models import Role
from tests.conftest import PASSWORD

OUTSIDER_ROLES = [(Role.MEMBER, Role.HR), (Role.MEMBER, Role.ADMIN), (Role.MEMBER, Role.LD_MANAGER)]


def test_nobody_reads_or_changes_what_they_must_not(app, make_person, manager, sign_in):
    serial = itertools.count()
    app.config["SIGNIN_LIMIT"] = "10000 per minute"  # everyone signs in from one address

    class Access(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.people = []  # (person, client)
            self.cohort_of = {}  # person id -> cohort id, for members
            self.facilitators = set()
            self.threads = {}  # thread id -> {"cohort", "author", "title", "replies"}

        def _person(self, roles=(Role.MEMBER,)):
            n = next(serial)
            person = make_person(f"p{n}@example.com", f"Person {n}", roles)
            entry = (person, sign_in(person, PASSWORD))
            self.people.append(entry)
            return entry

        @precondition(lambda self: len(self.threads) < 12 and len(self.cohort_of) < 30)
        @rule(size=st.integers(5, 7))
        def form_a_cohort(self, size):
            members = [self._person()[0] for _ in range(size)]
            with app.app_context(), connection():
                program = cohorts.save_program(
                    manager, name=f"Program {next(serial)}", description="",
                    starts_on=dt.date(2026, 12, 1), ends_on=dt.date(2027, 1, 31),
                    cohort_size=size, guidelines="", show_other_cohorts=False,
                )  # fmt: skip
                cohorts.add_participants(manager, program, members)
                forming.propose(manager, program, size)
                [cohort] = forming.publish(manager, program)
                for m in Membership.select().where(Membership.cohort == cohort):
                    self.cohort_of[m.person_id] = cohort.id
                    if m.role == "facilitator":
                        self.facilitators.add(m.person_id)

        @rule(roles=st.sampled_from(OUTSIDER_ROLES))
        def someone_outside_every_cohort(self, roles):
            self._person(roles)

        def _anyone_and_a_thread(self, data):
            person, client = data.draw(st.sampled_from(self.people))
            thread_id = data.draw(st.sampled_from(sorted(self.threads)))
            return person, client, thread_id, self.threads[thread_id]

        @precondition(lambda self: self.cohort_of)
        @rule(data=st.data())
        def start_a_thread(self, data):
            person, client = data.draw(st.sampled_from(self.people))
            target = data.draw(st.sampled_from(sorted(set(self.cohort_of.values()))))
            title = f"Thread {next(serial)}"
            question = {"kind": "question", "title": title, "body": "Hi"}
            response = client.post(f"/cohorts/{target}/threads/new", data=question)
            if self.cohort_of.get(person.id) == target:
                assert response.status_code == 303
                with app.app_context(), connection():
                    thread = Thread.get(Thread.title == title)
                self.threads[thread.id] = {"cohort": target, "author": person.id,
                                           "title": title, "replies": 0}  # fmt: skip
            else:
                assert response.status_code == 404

        @precondition(lambda self: self.threads)
        @rule(data=st.data())
        def read_a_thread(self, data):
            person, client, thread_id, thread = self._anyone_and_a_thread(data)
            page = client.get(f"/threads/{thread_id}")
            inside = self.cohort_of.get(person.id) == thread["cohort"]
            assert page.status_code == (200 if inside else 404)
            assert (thread["title"] in page.text) == inside
            # The space (not its threads) is also open to those who run programs.
            space = client.get(f"/cohorts/{thread['cohort']}")
            runs_programs = person.has_role(*access.MANAGERS)
            assert space.status_code == (200 if inside or runs_programs else 404)

        @precondition(lambda self: self.threads)
        @rule(data=st.data())
        def reply_to_a_thread(self, data):
            person, client, thread_id, thread = self._anyone_and_a_thread(data)
            response = client.post(f"/threads/{thread_id}/replies",
                                   data={"body": "A reply", "parent_id": "0"})  # fmt: skip
            if self.cohort_of.get(person.id) == thread["cohort"]:
                assert response.status_code == 303
                thread["replies"] += 1
            else:
                assert response.status_code == 404

        @precondition(lambda self: self.threads)
        @rule(data=st.data())
        def edit_a_thread(self, data):
            person, client, thread_id, thread = self._anyone_and_a_thread(data)
            title = f"Edited {next(serial)}"
            response = client.post(f"/threads/{thread_id}/edit",
                                   data={"title": title, "body": "Changed"})  # fmt: skip
            if self.cohort_of.get(person.id) != thread["cohort"]:
                assert response.status_code == 404
            elif person.id == thread["author"]:
                assert response.status_code == 303
                thread["title"] = title
            else:
                assert response.status_code == 403

        @invariant()
        def the_app_holds_exactly_what_was_allowed(self):
            if not self.threads:
                return
            with app.app_context(), connection():
                rows = Thread.select().where(Thread.id.in_(list(self.threads)))
                assert {t.id: t.title for t in rows} == {
                    i: t["title"] for i, t in self.threads.items()
                }
                for thread_id, thread in self.threads.items():
                    count = Reply.select().where(Reply.thread == thread_id).count()
                    assert count == thread["replies"], thread_id

    Access.TestCase.settings = settings(
        max_examples=6, stateful_step_count=15, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )  # fmt: skip
    Access.TestCase().runTest()
