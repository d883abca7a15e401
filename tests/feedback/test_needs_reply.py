"""Feedback requests, mentions and unanswered questions: what needs a person's reply."""

from feedback.models import FeedbackRequest, Mention, Thread
from learning.db import connection
from learning.digest import services as digests
from learning.i18n import worded


def test_asked_people_see_the_request_until_they_answer(cohort, team, sign_in):
    author, asked = sign_in(team[0]), sign_in(team[1])
    author.post(
        f"/cohorts/{cohort.id}/threads/new",
        data={
            "kind": "share_work",
            "title": "Draft plan",
            "body": "Have a look",
            "ask": [team[1].id],
        },
    )
    thread = Thread.get()
    space = asked.get(f"/cohorts/{cohort.id}").text
    assert "Needs your reply" in space and "asked for your feedback on" in space
    assert "Draft plan" in space.split("Needs your reply")[1].split("</section>")[0]
    asked.post(f"/threads/{thread.id}/replies", data={"parent_id": "0", "worked": "Clear goals"})
    assert FeedbackRequest.get().answered_at is not None
    assert "Needs your reply" not in asked.get(f"/cohorts/{cohort.id}").text


def test_asking_more_than_three_is_refused_with_a_reason(cohort, team, sign_in):
    author = sign_in(team[0])
    response = author.post(
        f"/cohorts/{cohort.id}/threads/new",
        data={"kind": "share_work", "title": "T", "body": "B", "ask": [p.id for p in team[1:5]]},
    )
    assert response.status_code == 422 and "Ask at most three people" in response.text
    assert Thread.select().count() == 0


def test_mentions_by_full_or_first_name_wait_for_an_answer(cohort, team, sign_in):
    author, mentioned = sign_in(team[0]), sign_in(team[2])
    name = team[2].display_name
    author.post(
        f"/cohorts/{cohort.id}/threads/new",
        data={"kind": "reflection", "title": "Week one", "body": f"Thanks @{name} for the tip!"},
    )
    thread = Thread.get()
    assert [m.person_id for m in Mention.select()] == [team[2].id]
    space = mentioned.get(f"/cohorts/{cohort.id}").text
    assert f"{team[0].display_name}</strong> mentioned you in" in space
    mentioned.post(f"/threads/{thread.id}/replies", data={"parent_id": "0", "body": "Any time"})
    assert Mention.get().answered_at is not None


def test_unanswered_questions_wait_for_everyone_but_their_author(cohort, team, sign_in):
    author, other = sign_in(team[0]), sign_in(team[3])
    author.post(
        f"/cohorts/{cohort.id}/threads/new", data={"kind": "question", "title": "Q?", "body": "?"}
    )
    assert "Unanswered question from" in other.get(f"/cohorts/{cohort.id}").text
    assert "Unanswered question from" not in author.get(f"/cohorts/{cohort.id}").text


def test_threads_are_marked_new_until_read_and_again_after_a_reply(cohort, team, sign_in):
    author, reader = sign_in(team[0]), sign_in(team[1])
    author.post(
        f"/cohorts/{cohort.id}/threads/new", data={"kind": "reflection", "title": "R", "body": "B"}
    )
    thread = Thread.get()

    def listed(client):
        return client.get(f"/cohorts/{cohort.id}").text.split('id="threads-heading"')[1]

    assert "New</span>" in listed(reader) and "New</span>" not in listed(author)
    reader.get(f"/threads/{thread.id}")
    assert "New</span>" not in listed(reader)
    author.post(f"/threads/{thread.id}/replies", data={"parent_id": "0", "body": "More"})
    assert "New</span>" in listed(reader)


def test_a_question_that_asks_someone_for_feedback_is_listed_once_for_them(
    app, cohort, team, sign_in
):
    sign_in(team[0]).post(
        f"/cohorts/{cohort.id}/threads/new",
        data={"kind": "question", "title": "Which retro format?", "body": "Ideas?",
              "ask": [team[1].id]},
    )  # fmt: skip
    needs = sign_in(team[1]).get(f"/cohorts/{cohort.id}").text.split("Needs your reply")[1]
    needs = needs.split("</section>")[0]
    assert needs.count("Which retro format?") == 1 and "asked for your feedback on" in needs
    with app.app_context(), connection():
        digest, _ = digests.preview(team[1])
        [waiting] = [s for s in digest.sections if s.key == "needs_you"]
        texts = [worded(item.text) for item in waiting.items]
        assert (
            texts.count(f"{team[0].display_name} asks for your feedback on “Which retro format?”")
            == 1
        )
        assert not any("nobody has answered yet" in text for text in texts)
