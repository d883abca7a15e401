"""Every create form sent twice at the same moment (a double click, a retried request) makes
one record, and both requests answer as the first did (#36)."""

import datetime as dt
import io
import threading

import pytest

from challenges import services as challenges
from challenges.models import Challenge, CheckIn
from cohorts.models import MembershipRequest, PeopleImport, Program
from feedback import services as feedback
from feedback.models import Reply, Report, Thread
from learning.db import connection
from learning.insights.models import Export
from learning.mail.models import Delivery
from learning.people.models import Role
from learning.recognition.models import CompanyValue, Kudos
from tests.conftest import PASSWORD
from tests.routes import form_on

TODAY = dt.date.today()
CSV = b"email,name\nnew.one@example.com,New One\nnew.two@example.com,New Two\n"


def at_the_same_moment(client, path, data):
    """POST the same form from two threads released together; both answers."""
    start, answers = threading.Barrier(2), [None, None]

    def send(n):
        body = data() if callable(data) else data
        start.wait(timeout=10)
        answers[n] = client.post(path, data=body, csrf=False)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


@pytest.fixture
def world(app, cohort, team, manager, program):
    """A thread by team[1], a running challenge, and the paths each form lives on."""
    with app.app_context(), connection():
        thread = feedback.start_thread(cohort, team[1], "question", "Help?", "Anyone?")
        challenge = challenges.create_challenge(
            manager, program, title="Read daily", starts_on=TODAY - dt.timedelta(days=1),
            ends_on=TODAY + dt.timedelta(days=20), goal="count", target=10,
        )  # fmt: skip
        value = CompanyValue.select().first()
    return {"cohort": cohort.id, "thread": thread.id, "challenge": challenge.id,
            "program": program.id, "value": value.id, "receiver": team[1].id}  # fmt: skip


# (who, page with the form, where it posts, what the person fills in, what it makes)
FORMS = {
    "thread": ("member", "/cohorts/{cohort}/threads/new", "/cohorts/{cohort}/threads/new",
               {"kind": "question", "title": "Twice?", "body": "Once."}, Thread),
    "reply": ("member", "/threads/{thread}", "/threads/{thread}/replies",
              {"body": "Only once", "parent_id": "0"}, Reply),
    "kudos": ("member", "/cohorts/{cohort}/kudos", "/cohorts/{cohort}/kudos",
              {"receiver": "{receiver}", "value": "{value}", "message": "Thanks"}, Kudos),
    "check-in": ("member", "/cohorts/{cohort}",
                 "/cohorts/{cohort}/challenges/{challenge}/check-ins",
                 {"c{challenge}-status": "done"}, CheckIn),
    "report": ("member", "/threads/{thread}/report", "/threads/{thread}/report",
               {"reason": "This is not kind."}, Report),
    "move request": ("member", "/cohorts/{cohort}/move-request",
                     "/cohorts/{cohort}/move-request",
                     {"reason": "My hours changed, a cohort in the morning suits me."},
                     MembershipRequest),
    "program": ("manager", "/programs/new", "/programs/new",
                {"name": "Twice", "description": "", "starts_on": "2027-01-04",
                 "ends_on": "2027-02-26", "cohort_size": "8", "guidelines": "Be kind."},
                Program),
    "challenge": ("manager", "/programs/{program}/challenges/new",
                  "/programs/{program}/challenges/new",
                  {"title": "Twice", "starts_on": TODAY.isoformat(),
                   "ends_on": (TODAY + dt.timedelta(days=14)).isoformat(), "goal": "count",
                   "target": "10"}, Challenge),
    "people import": ("manager", "/programs/{program}/import", "/programs/{program}/import",
                      {}, PeopleImport),
    "invitations": ("admin", "/people/invite", "/people/invite",
                    {"people": "someone.new@example.com"}, Delivery),
    "export": ("hr", "/reports/", "/reports/exports",
               {"grouping": "program", "format": "csv"}, Export),
    "export per person": ("hr", "/reports/people", "/reports/people",
                          {"purpose": "Reviewing the pilot before it ends", "password": PASSWORD,
                           "output": "csv"}, Export),
    "company value": ("admin", "/admin/recognition/", "/admin/recognition/values",
                      {"name": "Twice", "description": "Said once"}, CompanyValue),
}  # fmt: skip
ROLES = {"member": (Role.MEMBER,), "manager": (Role.MEMBER, Role.LD_MANAGER),
         "hr": (Role.MEMBER, Role.HR), "admin": (Role.MEMBER, Role.ADMIN)}  # fmt: skip


@pytest.mark.parametrize("name", list(FORMS))
def test_a_create_form_sent_twice_at_the_same_moment_makes_one_record(
    app, world, team, manager, make_person, sign_in, name
):
    who, page, action, typed, model = FORMS[name]
    person = {"member": team[0], "manager": manager}.get(who) or make_person(roles=ROLES[who])
    client = sign_in(person)
    page, action = page.format(**world), action.format(**world)
    sent = form_on(client.get(page).text, action)
    [token] = [value for key, value in sent.items() if key.endswith("token") and "csrf" not in key]
    assert len(token) == 32, "the form carries a once-only token"
    sent.update({key.format(**world): value.format(**world) for key, value in typed.items()})
    data = sent
    if name == "people import":
        data = lambda: {**sent, "file": (io.BytesIO(CSV), "people.csv")}  # noqa: E731
    with app.app_context(), connection():
        before = model.select().count()
    first, second = at_the_same_moment(client, action, data)
    with app.app_context(), connection():
        assert model.select().count() == before + 1
    assert first.status_code == second.status_code, (first.text[:500], second.text[:500])
    assert first.status_code in (200, 303)
    assert first.headers.get("Location") == second.headers.get("Location")


def test_a_fresh_form_after_the_first_makes_a_second_record(app, world, team, sign_in):
    client = sign_in(team[0])
    path = f"/cohorts/{world['cohort']}/threads/new"
    for title in ("First", "Second"):
        sent = form_on(client.get(path).text, path)
        sent.update({"kind": "question", "title": title, "body": "Hello"})
        assert client.post(path, data=sent, csrf=False).status_code == 303
    with app.app_context(), connection():
        assert Thread.select().where(Thread.title.in_(["First", "Second"])).count() == 2


def test_a_form_refused_for_its_errors_can_be_sent_again_with_the_same_token(
    app, world, team, sign_in
):
    client = sign_in(team[0])
    path = f"/cohorts/{world['cohort']}/threads/new"
    sent = form_on(client.get(path).text, path)
    refused = client.post(path, data={**sent, "kind": "question", "body": "No title"}, csrf=False)
    assert refused.status_code == 422
    assert f'value="{sent["token"]}"' in refused.text  # the same form, the same token
    fixed = {**sent, "kind": "question", "title": "Now with a title", "body": "No title"}
    assert client.post(path, data=fixed, csrf=False).status_code == 303
    with app.app_context(), connection():
        assert Thread.select().where(Thread.title == "Now with a title").count() == 1


def test_someone_elses_token_makes_nothing_and_reveals_nothing(app, world, team, sign_in):
    path = f"/cohorts/{world['cohort']}/threads/new"
    mine = sign_in(team[0])
    sent = form_on(mine.get(path).text, path)
    sent.update({"kind": "question", "title": "Mine", "body": "Hello"})
    assert mine.post(path, data=sent, csrf=False).status_code == 303
    theirs = sign_in(team[2])
    token = {"token": sent["token"], "csrf_token": theirs.csrf_token()}
    assert theirs.post(path, data={**sent, **token}, csrf=False).status_code == 404
    with app.app_context(), connection():
        assert Thread.select().where(Thread.title == "Mine").count() == 1
