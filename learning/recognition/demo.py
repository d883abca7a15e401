"""Demo kudos, after the domains' demos: peers thank each other for real contributions,
and member@demo.test has some waiting, unread."""

import random

from learning.db import atomic
from learning.ledger import Activity
from learning.people.models import Person
from learning.recognition import places, services
from learning.recognition.models import CompanyValue

MESSAGES = [
    "Your feedback changed how I run my one-to-ones.",
    "Thanks for unblocking me, that saved my week.",
    "Loved how honest this was.",
    "You made the hard part look easy, and explained it so I could do it too.",
    "Great question, it got all of us thinking.",
    "",
]
THANKABLE = {"reply": ("replied", "feedback_given"), "checkin": ("checked_in",)}


def load(seed=11, share=0.25):
    rng = random.Random(seed)
    values = list(CompanyValue.select().where(CompanyValue.archived_at.is_null()))
    kinds = [kind for kinds in THANKABLE.values() for kind in kinds]
    contributions = list(
        Activity.select(Activity, Person)
        .join(Person, on=Activity.actor)
        .where(Activity.kind.in_(kinds), Activity.object_id.is_null(False))
        .order_by(Activity.id)
    )
    peers = {}
    for entry in Activity.select(Activity.cohort_id, Activity.actor).where(
        Activity.kind == "joined"
    ):
        peers.setdefault(entry.cohort_id, set()).add(entry.actor_id)
    member = Person.get_or_none(Person.email == "member@demo.test")
    people = {p.id: p for p in Person.select()}
    with atomic():
        for n, entry in enumerate(contributions):
            theirs = member is not None and entry.actor_id == member.id
            if not theirs and rng.random() > share:
                continue
            others = sorted(peers.get(entry.cohort_id, set()) - {entry.actor_id})
            if not others:
                continue
            giver = people[rng.choice(others)]
            place, _ = places.cohort(entry.cohort_id)
            services.give_kudos(
                giver, entry.actor, entry.cohort_id, place, rng.choice(values).id,
                rng.choice(MESSAGES), f"demo-{n}", f"{entry.object_type}:{entry.object_id}",
            )  # fmt: skip
