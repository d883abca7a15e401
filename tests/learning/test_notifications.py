"""The notification centre: replies, mentions and requests for feedback arrive once, the bell
counts them without reload, opening one marks it read and goes where it points."""

import re

import pytest

from feedback import services as feedback
from learning.db import connection
from learning.notify import preferences
from learning.notify.models import Notification

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.fixture(autouse=True)
def no_milestone_notices(app, team):
    """Firsts are celebrated (tested with recognition); here they would be noise."""
    with app.app_context(), connection():
        for person in team:
            preferences.mute(person.id, "milestone", "in_app")
            preferences.mute(person.id, "milestone", "email")


def bell_count(page):
    found = re.search(r'class="badge count">(\d+)', page)
    return int(found.group(1)) if found else 0


def test_a_reply_notifies_the_thread_author_once_and_opening_it_lands_on_the_reply(
    app, cohort, team, sign_in
):
    author, replier = team[0], team[1]
    with app.app_context(), connection():
        thread = feedback.start_thread(cohort, author, "question", "Retro tips?", "Ideas welcome")
        item = feedback.reply(thread, replier, "Start with what went well")
        feedback.reply(thread, author, "Thanks!")  # one's own reply tells nobody new
    client = sign_in(author)
    home = client.get("/").text
    assert bell_count(home) == 1 and '1<span class="visually-hidden"> unread' in home
    page = client.get("/notifications").text
    assert f"{replier.display_name} replied to “Retro tips?”" in page
    assert f">{cohort.name}</h2>" in page
    notice = Notification.get(Notification.person == author)
    response = client.post(f"/notifications/{notice.id}")
    assert response.status_code == 303
    assert response.headers["Location"] == (f"/threads/{thread.id}?start={item.id}#reply-{item.id}")
    assert bell_count(client.get("/").text) == 0
    assert Notification.select().where(Notification.person == replier).count() == 0


def test_mentions_and_requests_for_feedback_arrive_and_the_same_one_is_told_once(
    app, cohort, team, sign_in
):
    author, asked, named = team[0], team[1], team[2]
    with app.app_context(), connection():
        thread = feedback.start_thread(
            cohort, author, "share_work", "My deck", f"What do you think, @{named.display_name}?",
            ask=[asked.id],
        )  # fmt: skip
        feedback.notify(asked, "feedback_request", f"thread:{thread.id}:asked:{asked.id}",
                        "again", "/")  # fmt: skip
    kinds = {(n.person_id, n.kind) for n in Notification.select()}
    assert kinds == {(asked.id, "feedback_request"), (named.id, "mention")}
    assert Notification.select().count() == 2
    page = sign_in(named).get("/notifications").text
    assert f"{author.display_name} mentioned you in “My deck”" in page


def test_the_bell_updates_without_reload_and_says_nothing_while_unchanged(
    app, cohort, team, sign_in
):
    author = team[0]
    client = sign_in(author)
    assert client.get("/notifications/bell?shown=0", headers=HTMX).status_code == 204
    with app.app_context(), connection():
        thread = feedback.start_thread(cohort, author, "question", "Q", "B")
        feedback.reply(thread, team[1], "A")
        feedback.reply(thread, team[2], "B")
    response = client.get("/notifications/bell?shown=0", headers=HTMX)
    assert response.status_code == 200 and bell_count(response.text) == 2
    assert 'hx-get="/notifications/bell?shown=2"' in response.text
    assert client.get("/notifications/bell?shown=2", headers=HTMX).status_code == 204
    client.post("/notifications/read")
    assert client.get("/notifications/bell?shown=2", headers=HTMX).text.count("badge") == 0


def test_nobody_opens_someone_elses_notice_and_anonymous_visitors_sign_in_first(
    app, cohort, team, sign_in
):
    with app.app_context(), connection():
        thread = feedback.start_thread(cohort, team[0], "question", "Q", "B")
        feedback.reply(thread, team[1], "A")
    notice = Notification.get()
    assert sign_in(team[2]).post(f"/notifications/{notice.id}").status_code == 404
    assert Notification.get_by_id(notice.id).read_at is None
    anonymous = app.test_client()
    for response in (
        anonymous.get("/notifications"),
        anonymous.get("/notifications/bell"),
        anonymous.post(f"/notifications/{notice.id}"),
        anonymous.post("/notifications/read"),
    ):
        assert response.status_code == 302
    assert Notification.get_by_id(notice.id).read_at is None


def test_the_notification_centre_does_a_constant_number_of_queries(
    app, cohort, team, sign_in, count_queries
):
    client = sign_in(team[0])
    with app.app_context(), connection():
        thread = feedback.start_thread(cohort, team[0], "question", "Q", "B")
        feedback.reply(thread, team[1], "A")
        few = count_queries(lambda: client.get("/notifications"))
        for person in team[1:]:
            for _ in range(5):
                feedback.reply(thread, person, "More")
    assert count_queries(lambda: client.get("/notifications")) == few
    assert client.get("/notifications").text.count('class="unread"') == 1 + 5 * 5


def test_feedback_on_a_thread_is_told_in_words_that_read_right(app, cohort, team, sign_in):
    author, giver = team[0], team[1]
    with app.app_context(), connection():
        thread = feedback.start_thread(cohort, author, "share_work", "My deck", "Thoughts?")
        feedback.reply(thread, giver, "", worked="Clear story")
    page = sign_in(author).get("/notifications").text
    assert f"{giver.display_name} gave feedback on “My deck”" in page
    assert "replied feedback" not in page
