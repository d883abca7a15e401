"""The activity ledger: every contribution in any domain, recorded by one function.

Domains call `record` inside the transaction of their own write. The ledger feeds feeds,
milestones, digests and reports without knowing the domains."""

from peewee import JOIN, CharField, DateTimeField, ForeignKeyField, IntegerField

from learning.db import BaseModel, insert, utcnow
from learning.live import events as live
from learning.people.models import Person


class Activity(BaseModel):
    # None for what the platform did itself, such as celebrating a cohort.
    actor = ForeignKeyField(
        Person, null=True, backref="activities", on_delete="CASCADE", index=False
    )
    # An id in the cohorts domain; learning does not know the Cohort model.
    cohort_id = IntegerField(null=True)
    kind = CharField()  # thread_started, replied, feedback_given, checked_in, kudos_given, joined…
    object_type = CharField(default="")
    object_id = IntegerField(null=True)
    # When the contribution answers a person: to whom. Conversations are measured by this.
    target = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL", index=False)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("cohort_id", "created_at"), False),
            (("actor", "created_at"), False),
            (("object_type", "object_id"), False),
            # The HR report reads the ledger grouped by these (migration 0017).
            (("actor", "cohort_id", "kind", "created_at"), False),
            (("target", "cohort_id", "kind", "created_at"), False),
        )


# The goals reached, a few among millions of entries (the HR report counts them).
Activity.add_index(
    Activity.index(Activity.cohort_id, Activity.object_id, name="activity_goal_reached").where(
        Activity.kind == "goal_reached"
    )
)


def record(actor, kind, *, cohort_id=None, obj=None, target=None, at=None):
    """Record one contribution; `obj` is the model instance it created, if any; `at` when it
    happened, if not now. Milestone rules look at every entry, in the same transaction."""
    from learning.api import webhooks
    from learning.chat import mirror
    from learning.recognition import milestones

    entry = Activity(
        created_at=at or utcnow(),
        actor=actor,
        kind=kind,
        cohort_id=cohort_id,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=obj.id if obj is not None else None,
        target=target,
    )
    entry.id = insert(entry)
    milestones.on_activity(entry)
    webhooks.on_activity(entry)
    mirror.on_activity(entry)
    if cohort_id is not None:
        live.publish(live.FEED_CHANGED, cohort_id=cohort_id)
    return entry


def withdraw(obj):
    """Forget the entries about `obj`, a contribution its author took back."""
    Activity.delete().where(
        Activity.object_type == type(obj).__name__.lower(), Activity.object_id == obj.id
    ).execute()


def cohort_activity(cohort_id):
    """The cohort's contributions, newest first, with their actors' names."""
    return (
        Activity.select(Activity, Person.id, Person.display_name)
        .join(Person, JOIN.LEFT_OUTER, on=Activity.actor)
        .where(Activity.cohort_id == cohort_id)
        .order_by(Activity.created_at.desc(), Activity.id.desc())
    )
