"""Threads and replies: posting, structured feedback, reactions, answers, the ledger, access."""

import pytest

from cohorts.models import Membership
from feedback import services
from feedback.models import Reaction, Reply, Thread
from learning.db import connection
from learning.ledger import Activity
from learning.people.models import Role

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.fixture
def pair(cohort, team, sign_in):
    """Two members of the cohort, signed in: (person, client) each."""
    return (team[0], sign_in(team[0])), (team[1], sign_in(team[1]))


def start(client, cohort, **data):
    fields = {"kind": "question", "title": "How do you run a retro?", "body": "Tips **welcome**."}
    return client.post(f"/cohorts/{cohort.id}/threads/new", data={**fields, **data})


def test_a_member_starts_a_thread_and_it_is_in_the_ledger(pair, cohort):
    (author, client), _ = pair
    response = start(client, cohort)
    thread = Thread.get()
    assert response.headers["Location"] == f"/threads/{thread.id}"
    page = client.get(f"/threads/{thread.id}").text
    assert "<h1>How do you run a retro?</h1>" in page and "Tips <strong>welcome</strong>." in page
    assert '<div class="prose" hx-ignore>' in page
    entry = Activity.get(Activity.kind == "thread_started")
    assert (entry.actor_id, entry.cohort_id, entry.object_id) == (author.id, cohort.id, thread.id)
    assert "How do you run a retro?" in client.get(f"/cohorts/{cohort.id}").text


def test_empty_or_long_titles_and_bodies_are_explained_and_kept(pair, cohort):
    (_, client), _ = pair
    response = start(client, cohort, title="", body="x" * 20_001, link="not a link")
    assert response.status_code == 422
    assert "Give the thread a title." in response.text
    assert "Keep it under 20,000 characters." in response.text
    assert "Enter a full link, starting with https://." in response.text
    assert 'value="not a link"' in response.text and "x" * 100 in response.text
    assert Thread.select().count() == 0


def test_a_reply_records_whom_it_answers_and_nested_replies_stay_one_level(app, pair, cohort):
    (asker, asker_client), (helper, helper_client) = pair
    start(asker_client, cohort)
    thread = Thread.get()
    helper_client.post(
        f"/threads/{thread.id}/replies",
        data={"parent_id": "0", "body": "Start with what went well."},
    )
    first = Reply.get()
    asker_client.post(
        f"/threads/{thread.id}/replies", data={"parent_id": str(first.id), "body": "Thanks!"}
    )
    second = Reply.get(Reply.body == "Thanks!")
    with app.app_context(), connection():
        deeper = services.reply(thread, helper, "Deeper", parent_id=second.id)
    assert second.parent_id == first.id and deeper.parent_id == first.id
    replies = list(Activity.select().where(Activity.kind == "replied").order_by(Activity.id))
    assert [(a.actor_id, a.target_id) for a in replies] == [
        (helper.id, asker.id),
        (asker.id, helper.id),
        (helper.id, asker.id),
    ]
    assert Thread.get_by_id(thread.id).reply_count == 3


def test_an_htmx_reply_updates_only_the_conversation_and_empties_the_form(pair, cohort):
    (_, asker_client), (_, helper_client) = pair
    start(asker_client, cohort)
    thread = Thread.get()
    response = helper_client.post(
        f"/threads/{thread.id}/replies",
        data={"parent_id": "0", "body": "Try a timeline."},
        headers=HTMX,
    )
    assert response.status_code == 200 and "<html" not in response.text
    assert 'id="replies"' in response.text and "Try a timeline." in response.text
    assert 'hx-swap-oob="true"' in response.text
    empty = helper_client.post(
        f"/threads/{thread.id}/replies", data={"parent_id": "0", "body": ""}, headers=HTMX
    )
    assert empty.status_code == 422 and empty.headers["HX-Retarget"] == "#reply-form"
    assert "Write a reply, or fill in the feedback template." in empty.text


def test_whoever_was_asked_for_feedback_gets_the_feedback_template_on_any_thread(
    pair, cohort, team, sign_in
):
    (author, author_client), (asked, asked_client) = pair
    start(author_client, cohort, kind="question", ask=[str(asked.id)])
    thread = Thread.get()
    assert "Structured feedback" in asked_client.get(f"/threads/{thread.id}").text
    bystander = sign_in(team[2])
    assert "Structured feedback" not in bystander.get(f"/threads/{thread.id}").text
    # What a bystander sends in those fields anyway is a plain reply.
    bystander.post(
        f"/threads/{thread.id}/replies", data={"parent_id": "0", "body": "Hi", "worked": "x"}
    )
    assert not Reply.get(Reply.author == team[2]).is_feedback
    asked_client.post(
        f"/threads/{thread.id}/replies",
        data={"parent_id": "0", "worked": "Clear question", "try_next": "", "question": ""},
    )
    feedback = Reply.get(Reply.author == asked)
    assert feedback.is_feedback and feedback.worked == "Clear question"
    assert Activity.get(Activity.kind == "feedback_given").actor_id == asked.id
    author_client.post(f"/replies/{feedback.id}/helpful")
    assert Reply.get_by_id(feedback.id).helpful_at is not None


def test_structured_feedback_on_shared_work_is_shown_as_such_and_can_be_marked_helpful(
    pair, cohort
):
    (author, author_client), (reviewer, reviewer_client) = pair
    start(
        author_client,
        cohort,
        kind="share_work",
        title="My deck",
        body="Thoughts?",
        link="https://example.com/deck",
    )
    thread = Thread.get()
    reviewer_client.post(
        f"/threads/{thread.id}/replies",
        data={
            "parent_id": "0",
            "worked": "Clear story",
            "try_next": "Fewer slides",
            "question": "",
        },
    )
    feedback = Reply.get()
    assert feedback.is_feedback
    page = author_client.get(f"/threads/{thread.id}").text
    assert (
        "<dt>What worked</dt>" in page
        and "Clear story" in page
        and "<dt>A question</dt>" not in page
    )
    given = Activity.get(Activity.kind == "feedback_given")
    assert (given.actor_id, given.target_id) == (reviewer.id, author.id)
    assert reviewer_client.post(f"/replies/{feedback.id}/helpful").status_code == 403
    author_client.post(f"/replies/{feedback.id}/helpful")
    author_client.post(f"/replies/{feedback.id}/helpful")  # once is enough
    assert Reply.get_by_id(feedback.id).helpful_at is not None
    marked = list(Activity.select().where(Activity.kind == "marked_helpful"))
    assert [(m.actor_id, m.target_id) for m in marked] == [(author.id, reviewer.id)]


def test_the_author_of_a_question_accepts_an_answer(pair, cohort):
    (asker, asker_client), (helper, helper_client) = pair
    start(asker_client, cohort)
    thread = Thread.get()
    helper_client.post(
        f"/threads/{thread.id}/replies", data={"parent_id": "0", "body": "Use dot voting."}
    )
    answer = Reply.get()
    assert helper_client.post(f"/replies/{answer.id}/answer").status_code == 403
    asker_client.post(f"/replies/{answer.id}/answer")
    assert Thread.get_by_id(thread.id).answer_id == answer.id
    assert "Accepted answer" in asker_client.get(f"/threads/{thread.id}").text
    accepted = Activity.get(Activity.kind == "answer_accepted")
    assert (accepted.actor_id, accepted.target_id) == (asker.id, helper.id)


def test_reactions_toggle_show_counts_and_who_and_are_recorded(pair, cohort):
    (author, author_client), (fan, fan_client) = pair
    start(author_client, cohort)
    thread = Thread.get()
    response = fan_client.post(
        f"/threads/{thread.id}/reactions", data={"kind": "insightful"}, headers=HTMX
    )
    assert 'aria-pressed="true"' in response.text and fan.display_name in response.text
    assert Reaction.select().count() == 1
    reacted = Activity.get(Activity.kind == "reacted")
    assert (reacted.actor_id, reacted.target_id) == (fan.id, author.id)
    fan_client.post(f"/threads/{thread.id}/reactions", data={"kind": "insightful"})
    assert Reaction.select().count() == 0
    assert (
        fan_client.post(f"/threads/{thread.id}/reactions", data={"kind": "angry"}).status_code
        == 400
    )


def test_the_poll_answers_204_until_a_reply_arrives(pair, cohort):
    (_, asker_client), (_, helper_client) = pair
    start(asker_client, cohort)
    thread = Thread.get()
    assert (
        asker_client.get(f"/threads/{thread.id}/replies?after=0", headers=HTMX).status_code == 204
    )
    helper_client.post(f"/threads/{thread.id}/replies", data={"parent_id": "0", "body": "Hello"})
    fresh = asker_client.get(f"/threads/{thread.id}/replies?after=0", headers=HTMX)
    assert fresh.status_code == 200 and "Hello" in fresh.text
    newest = Reply.get().id
    assert f"after={newest}" in fresh.text


def test_threads_are_for_members_of_the_cohort_only(
    app, pair, cohort, make_person, sign_in, manager_client, form_cohorts
):
    (_, client), _ = pair
    start(client, cohort)
    thread = Thread.get()
    outsiders = [make_person(time_zone="Asia/Tokyo") for _ in range(5)]
    form_cohorts(outsiders)
    visitors = {
        "other cohort": sign_in(outsiders[0]),
        "hr": sign_in(make_person(roles=(Role.MEMBER, Role.HR))),
        "ld_manager": manager_client,
        "admin": sign_in(make_person(roles=(Role.MEMBER, Role.ADMIN))),
    }
    for who, visitor in visitors.items():
        assert visitor.get(f"/threads/{thread.id}").status_code == 404, who
        assert (
            visitor.post(
                f"/threads/{thread.id}/replies", data={"parent_id": "0", "body": "x"}
            ).status_code
            == 404
        )
        assert (
            visitor.post(f"/threads/{thread.id}/reactions", data={"kind": "thanks"}).status_code
            == 404
        )
        assert visitor.get(f"/cohorts/{cohort.id}/threads/new").status_code == 404, who
    assert app.test_client().get(f"/threads/{thread.id}").status_code == 302
    assert Reply.select().count() == 0 and Reaction.select().count() == 0
    # L&D sees the space, but not the conversations in it.
    assert "How do you run a retro?" not in manager_client.get(f"/cohorts/{cohort.id}").text


def test_a_thread_with_200_replies_does_a_constant_number_of_queries(
    app, pair, cohort, team, count_queries
):
    (author, client), _ = pair
    start(client, cohort)
    thread = Thread.get()
    with app.app_context(), connection():
        services.reply(thread, team[1], "first")
        services.react(team[2], thread, "thanks", Reply.get())
    few = count_queries(lambda: client.get(f"/threads/{thread.id}"))
    with app.app_context(), connection():
        for n in range(199):
            made = services.reply(
                thread, team[n % 6], f"reply {n}", parent_id=Reply.get().id if n % 3 else None
            )
            services.react(team[(n + 1) % 6], thread, "helpful", made)
    assert Reply.select().count() == 200
    assert count_queries(lambda: client.get(f"/threads/{thread.id}")) == few


def test_the_preview_renders_markdown_safely(pair):
    (_, client), _ = pair
    response = client.post("/preview", data={"body": "**bold** <script>x</script>"}, headers=HTMX)
    assert "<strong>bold</strong>" in response.text and "<script>" not in response.text


def test_members_stay_members(cohort, team):
    assert Membership.select().where(Membership.cohort == cohort).count() == len(team)


def test_preview_without_javascript_shows_the_form_again_with_the_preview(pair, cohort):
    (_, client), _ = pair
    response = start(client, cohort, preview="yes")
    assert response.status_code == 200
    assert '<div class="prose preview" hx-ignore><p class="hint">Preview</p>' in response.text
    assert "Tips <strong>welcome</strong>." in response.text
    assert 'value="How do you run a retro?"' in response.text  # what was typed stays
    assert Thread.select().count() == 0
