"""Editing and removal by authors; reports, hiding, restoring and pinning by facilitators."""

import pytest

from cohorts.models import Membership
from feedback.models import Reply, Report, Revision, Thread
from learning.audit.models import AuditEntry


@pytest.fixture
def roles(cohort, team, sign_in):
    facilitator = Membership.get(
        Membership.cohort == cohort, Membership.role == "facilitator"
    ).person
    others = [p for p in team if p.id != facilitator.id]
    return {
        "facilitator": (facilitator, sign_in(facilitator)),
        "author": (others[0], sign_in(others[0])),
        "reader": (others[1], sign_in(others[1])),
    }


def post_thread(client, cohort, title="Plan", body="First draft"):
    client.post(
        f"/cohorts/{cohort.id}/threads/new", data={"kind": "question", "title": title, "body": body}
    )
    return Thread.get(Thread.title == title)


def test_authors_edit_and_facilitators_see_earlier_versions(roles, cohort):
    _, author = roles["author"]
    thread = post_thread(author, cohort)
    bad = author.post(f"/threads/{thread.id}/edit", data={"title": "", "body": "Second"})
    assert (
        bad.status_code == 422 and "Give the thread a title." in bad.text and "Second" in bad.text
    )
    author.post(f"/threads/{thread.id}/edit", data={"title": "Plan v2", "body": "Second draft"})
    assert Thread.get_by_id(thread.id).title == "Plan v2"
    assert Revision.get().body == "First draft"
    reader_view = roles["reader"][1].get(f"/threads/{thread.id}").text
    assert "· edited" in reader_view and "Earlier versions" not in reader_view
    facilitator_view = roles["facilitator"][1].get(f"/threads/{thread.id}").text
    assert "Earlier versions (1)" in facilitator_view and "First draft" in facilitator_view
    assert (
        roles["reader"][1]
        .post(f"/threads/{thread.id}/edit", data={"title": "x", "body": "y"})
        .status_code
        == 403
    )


def test_a_removed_post_shows_as_removed_and_its_replies_stay(roles, cohort):
    _, author = roles["author"]
    _, reader = roles["reader"]
    thread = post_thread(author, cohort)
    reader.post(f"/threads/{thread.id}/replies", data={"parent_id": "0", "body": "An answer"})
    author.post(f"/threads/{thread.id}/remove")
    page = reader.get(f"/threads/{thread.id}").text
    assert "Removed by the author." in page and "First draft" not in page and "An answer" in page
    reply = Reply.get()
    assert author.post(f"/replies/{reply.id}/remove").status_code == 403
    reader.post(f"/replies/{reply.id}/edit", data={"body": "A better answer"})
    assert Reply.get_by_id(reply.id).body == "A better answer"


def test_a_report_reaches_the_facilitator_who_hides_and_restores_the_post(
    roles, cohort, inbox, run_jobs
):
    author_person, author = roles["author"]
    _, reader = roles["reader"]
    _, facilitator = roles["facilitator"]
    thread = post_thread(author, cohort, body="Something unkind")
    empty = reader.post(f"/threads/{thread.id}/report", data={"reason": ""})
    assert empty.status_code == 422 and "Tell the facilitator what is wrong" in empty.text
    reader.post(f"/threads/{thread.id}/report", data={"reason": "Not kind"})
    assert reader.get(f"/cohorts/{cohort.id}/moderation").status_code == 404
    queue = facilitator.get(f"/cohorts/{cohort.id}/moderation").text
    assert "Not kind" in queue
    case = Report.get()
    facilitator.post(f"/reports/{case.id}/hide")
    assert Thread.get_by_id(thread.id).hidden_at is not None
    assert "Hidden by the facilitator." in reader.get(f"/threads/{thread.id}").text
    assert (
        thread.title
        not in reader.get(f"/cohorts/{cohort.id}").text.split('id="threads-heading"')[1]
    )
    facilitator.post(f"/threads/{thread.id}/restore")
    assert Thread.get_by_id(thread.id).hidden_at is None
    run_jobs()
    subjects = [m["Subject"] for m in inbox.to(author_person.email) if "post" in m["Subject"]]
    assert subjects == [
        f"Your post in {cohort.name} was hidden",
        f"Your post in {cohort.name} was restored",
    ]
    actions = [e.action for e in AuditEntry.select().order_by(AuditEntry.id)]
    assert [a for a in actions if a.startswith("post_")] == [
        "post_reported",
        "post_hidden",
        "post_restored",
    ]


def test_only_the_facilitator_pins_threads_and_pinned_come_first(roles, cohort):
    _, author = roles["author"]
    first = post_thread(author, cohort, title="Older")
    post_thread(author, cohort, title="Newer")
    assert author.post(f"/threads/{first.id}/pin", data={"pinned": "1"}).status_code == 404
    roles["facilitator"][1].post(f"/threads/{first.id}/pin", data={"pinned": "1"})
    listing = author.get(f"/cohorts/{cohort.id}").text.split('id="threads-heading"')[1]
    assert listing.index("Older") < listing.index("Newer")
    assert AuditEntry.get(AuditEntry.action == "thread_pinned").subject == f"thread:{first.id}"
