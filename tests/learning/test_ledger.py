"""The activity ledger: one recording function, readable per cohort."""

from learning.db import connection
from learning.ledger import Activity, cohort_activity, record


def test_recording_keeps_who_answered_whom_and_reads_back_per_cohort(app, make_person):
    asker, helper = make_person(), make_person()
    with connection():
        question = record(asker, "thread_started", cohort_id=7)
        record(helper, "replied", cohort_id=7, obj=question, target=asker)
        record(helper, "replied", cohort_id=8, target=asker)
    feed = list(cohort_activity(7))
    assert [(a.kind, a.actor.id) for a in feed] == [
        ("replied", helper.id),
        ("thread_started", asker.id),
    ]
    reply = feed[0]
    assert reply.target_id == asker.id
    assert (reply.object_type, reply.object_id) == ("activity", question.id)
    assert Activity.select().where(Activity.cohort_id == 8).count() == 1
