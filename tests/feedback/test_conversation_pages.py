"""A long conversation is read a page at a time: the newest top-level replies with all their
answers, links to the earlier and later pages, and a link to a reply opens the page that shows
it. The page costs the same queries whatever the length of the thread."""

import re

import pytest

from feedback import services
from feedback.models import Reply, Thread
from feedback.queries import PAGE
from learning.db import connection
from learning.notify.models import Notification

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.fixture
def long_thread(app, cohort, team):
    """A question by team[0] with PAGE + 5 top-level replies; the first one has an answer."""
    with app.app_context(), connection():
        thread = services.start_thread(cohort, team[0], "question", "Retro tips?", "Any?")
        tops = [services.reply(thread, team[1 + n % 5], f"Top reply {n}") for n in range(PAGE + 5)]
        answer = services.reply(thread, team[2], "An answer to the first", parent_id=tops[0].id)
    return Thread.get_by_id(thread.id), tops, answer


def shown(page):
    """The numbers of the top-level replies a page shows."""
    return sorted(int(n) for n in re.findall(r"<p>Top reply (\d+)</p>", page))


def test_the_newest_page_shows_the_latest_replies_and_links_to_earlier_ones(
    long_thread, team, sign_in
):
    thread, tops, answer = long_thread
    client = sign_in(team[0])
    page = client.get(f"/threads/{thread.id}").text
    assert shown(page) == list(range(5, PAGE + 5))
    assert "An answer to the first" not in page
    earlier = f"/threads/{thread.id}?before={tops[5].id}#replies-heading"
    assert f'<a href="{earlier}">Show earlier replies</a>' in page
    assert "Show later replies" not in page
    assert (
        'hx-trigger="every 10s, reply-added from:body' in page
    )  # the newest page keeps itself up to date

    page = client.get(earlier.split("#")[0]).text
    assert shown(page) == [0, 1, 2, 3, 4] and "An answer to the first" in page
    assert "Show earlier replies" not in page
    later = f"/threads/{thread.id}?start={tops[5].id}#replies-heading"
    assert f'<a href="{later}">Show later replies</a>' in page
    assert 'hx-trigger="every 10s' not in page  # an earlier page does not poll
    # Replying from it answers what it shows, and stays on it.
    assert f'action="/threads/{thread.id}/replies?before={tops[5].id}"' in page
    assert f'<option value="{tops[0].id}">' in page


def test_a_link_to_an_answer_opens_the_page_that_shows_it(long_thread, team, sign_in):
    thread, tops, answer = long_thread
    client = sign_in(team[0])
    notice = Notification.get(Notification.key == f"reply:{answer.id}:{team[0].id}")
    assert notice.link == f"/threads/{thread.id}?start={answer.id}#reply-{answer.id}"
    page = client.get(notice.link.split("#")[0]).text
    assert f'id="reply-{answer.id}"' in page and "An answer to the first" in page
    assert shown(page) == list(range(PAGE))  # from the top-level reply it answers
    assert "Show earlier replies" not in page
    later = f"/threads/{thread.id}?start={tops[PAGE].id}#replies-heading"
    assert f'<a href="{later}">Show later replies</a>' in page

    page = client.get(later.split("#")[0]).text
    assert shown(page) == list(range(PAGE, PAGE + 5))
    assert f'href="/threads/{thread.id}?before={tops[PAGE].id}#replies-heading"' in page


def test_an_answer_posted_on_an_earlier_page_joins_it(long_thread, team, sign_in):
    thread, tops, _ = long_thread
    client = sign_in(team[3])
    response = client.post(
        f"/threads/{thread.id}/replies?before={tops[5].id}",
        data={"parent_id": str(tops[1].id), "body": "Late, but agreed"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert f'hx-target="#answers-{tops[1].id}"' in response.text
    # The form that comes back still offers what the earlier page shows.
    assert f'<option value="{tops[1].id}">' in response.text
    assert f'<option value="{tops[-1].id}">' not in response.text
    assert Reply.get(Reply.body == "Late, but agreed").parent_id == tops[1].id


def test_a_page_argument_that_is_not_a_number_shows_the_newest_page(long_thread, team, sign_in):
    thread, _, _ = long_thread
    client = sign_in(team[0])
    response = client.get(f"/threads/{thread.id}?start=soon&before=-")
    assert response.status_code == 200 and shown(response.text) == list(range(5, PAGE + 5))


def test_every_page_of_a_long_conversation_costs_the_same_queries(
    long_thread, team, sign_in, count_queries
):
    thread, tops, answer = long_thread
    client = sign_in(team[0])
    newest = count_queries(lambda: client.get(f"/threads/{thread.id}"))
    assert newest <= 10
    for window in (f"before={tops[5].id}", f"start={answer.id}", f"start={tops[PAGE].id}"):
        path = f"/threads/{thread.id}?{window}"
        assert count_queries(lambda path=path: client.get(path)) == newest
