"""The cohort's feed says what each entry is about and links to it; small events of one kind
by one person, one after another, are one line; the space puts what needs the person first
and shows its latest threads, with all of them a link away."""

import datetime
import re

from challenges import services as challenges
from cohorts.models import Membership
from feedback import moderation
from feedback import queries as feedback_queries
from feedback import services as feedback
from learning.db import connection
from learning.people.models import Preferences

TODAY = datetime.date.today()


def feed_of(page):
    """The feed's lines as text, newest first, links kept as [text](href); celebrations (the
    milestones these contributions reach) left out."""
    feed = page.split('id="feed-items"')[1].split("</ol>")[0]
    lines = re.findall(r"<li class=\"feed-item\"[^>]*>(.*?)<time", feed, re.S)
    linked = [re.sub(r'<a href="([^"]*)">([^<]*)</a>', r"[\2](\1)", line) for line in lines]
    return [" ".join(re.sub(r"<[^>]+>", "", line).split()) for line in linked]


def test_each_entry_names_what_it_is_about_and_small_events_are_grouped(
    app, cohort, team, manager, program, sign_in
):
    author, helper, reader = team[0], team[1], team[2]
    with app.app_context(), connection():
        # Their firsts are celebrated privately: no celebration between their contributions.
        Preferences.update(celebrate_me=False).execute()
        thread = feedback.start_thread(cohort, author, "question", "Which book first?", "Ideas?")
        other = feedback.start_thread(cohort, author, "share_work", "My draft", "Look")
        answers = [feedback.reply(thread, helper, body=f"Try {n}") for n in range(3)]
        feedback.reply(other, helper, body="Nice")
        feedback.react(reader, thread, "thanks", answers[0])
        hidden = feedback.start_thread(cohort, reader, "question", "Off topic", "Hmm")
        facilitator = Membership.get(Membership.cohort == cohort, Membership.role == "facilitator")
        moderation.moderate(facilitator.person, moderation.report(author, hidden, "?"), "hide")
        challenge = challenges.create_challenge(
            manager, program, cohort=cohort, title="Read 20 pages", goal="count", target=10,
            starts_on=TODAY - datetime.timedelta(days=7), ends_on=TODAY + datetime.timedelta(30),
            unit="", steps=(),
        )  # fmt: skip
        check_in = challenges.check_in(reader, challenge, cohort, "done")
    lines = feed_of(sign_in(author).get(f"/cohorts/{cohort.id}").text)
    name = {p.id: p.display_name for p in team}
    at = f"/cohorts/{cohort.id}/challenges/{challenge.id}#check-in-{check_in.id}"
    assert lines[0] == f"{name[reader.id]} checked in to [“Read 20 pages”]({at})"
    # A thread a facilitator hid is not named: the line says only what happened.
    assert lines[1] == f"{name[reader.id]} started a thread"
    assert lines[2].startswith(f"{name[reader.id]} reacted to a post in [“Which book first?”](")
    # Four replies in a row in two threads: one line, each thread once, linked to its newest
    # reply.
    newest = f"/threads/{thread.id}?start={answers[-1].id}#reply-{answers[-1].id}"
    assert lines[3].startswith(f"{name[helper.id]} replied 4 times in [“My draft”](/threads/")
    assert lines[3].endswith(f" and [“Which book first?”]({newest})")
    assert lines[4] == (
        f"{name[author.id]} started 2 threads: [“My draft”](/threads/{other.id}) and "
        f"[“Which book first?”](/threads/{thread.id})"
    )


def test_the_space_puts_what_needs_you_first_and_shows_the_latest_threads(
    app, cohort, team, manager, sign_in
):
    author, asked = team[0], team[1]
    with app.app_context(), connection():
        for n in range(feedback_queries.THREADS_PAGE + 3):
            feedback.start_thread(cohort, author, "question", f"Question {n}", "?")
        feedback.start_thread(cohort, author, "share_work", "Please look", "Draft", ask=[asked.id])
        challenges.create_challenge(
            manager, cohort.program, cohort=cohort,
            title="Read 20 pages", goal="count", target=10, unit="", steps=(),
            starts_on=TODAY - datetime.timedelta(days=7), ends_on=TODAY + datetime.timedelta(30),
        )  # fmt: skip
    client = sign_in(asked)
    page = client.get(f"/cohorts/{cohort.id}").text
    order = [
        page.index(h) for h in ("Needs your reply", "Read 20 pages", '<h2 id="threads-heading')
    ]
    assert order == sorted(order)
    listed = page.split('id="threads-heading"')[1].split("</section>")[0]
    assert listed.count("<li>") == feedback_queries.IN_SPACE and "Please look" in listed
    assert "Question 0<" not in listed
    all_link = f'href="/cohorts/{cohort.id}/threads"'
    assert f"{all_link}>All conversations in {cohort.name}</a>" in listed

    first = client.get(f"/cohorts/{cohort.id}/threads").text
    assert first.count('<span class="badge kind">') == feedback_queries.THREADS_PAGE
    assert "Please look" in first and "Older conversations" in first
    assert "Newer conversations" not in first
    second = client.get(f"/cohorts/{cohort.id}/threads?page=2").text
    assert second.count('<span class="badge kind">') == 4
    assert "Question 0<" in second and "Newer conversations" in second
    assert "Older conversations" not in second
    beyond = client.get(f"/cohorts/{cohort.id}/threads?page=9").text
    assert "No conversations on this page" in beyond
