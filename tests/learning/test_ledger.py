"""The activity ledger: one recording function, readable per cohort."""

from learning.db import connection
from learning.ledger import Activity, cohort_activity, record


def test_recording_keeps_who_answered_whom_and_reads_back_per_cohort(app, make_person):
    asker, helper = make_person(), make_person()
    with app.app_context(), connection():
        question = record(asker, "thread_started", cohort_id=7)
        record(helper, "replied", cohort_id=7, obj=question, target=asker)
        record(helper, "replied", cohort_id=8, target=asker)
        feed = [a for a in cohort_activity(7) if a.kind != "celebrated"]
        # Milestone rules saw the entries: two firsts celebrated, the second reply none.
        celebrated = [a.actor_id for a in cohort_activity(7) if a.kind == "celebrated"]
        assert celebrated == [helper.id, asker.id]
    assert [(a.kind, a.actor.id) for a in feed] == [
        ("replied", helper.id),
        ("thread_started", asker.id),
    ]
    reply = feed[0]
    assert reply.target_id == asker.id
    assert (reply.object_type, reply.object_id) == ("activity", question.id)
    with app.app_context(), connection():
        assert Activity.select().where(Activity.cohort_id == 8).count() == 1
