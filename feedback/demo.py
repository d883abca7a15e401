"""Demo conversations: threads, replies and feedback in every demo cohort, some unanswered."""

import random

from cohorts.models import Cohort, Membership
from feedback import services
from feedback.models import Thread
from learning.people.models import Person

THREADS = [
    (
        "share_work",
        "Draft: my first one-to-one agenda",
        "I tried a *listen first* structure. Is the order right?\n\n1. How are you, really?\n"
        "2. What is in your way?\n3. What do you need from me?",
    ),
    (
        "question",
        "How do you keep a retro from becoming a complaint session?",
        "Ours drifted last week. What has worked for you?",
    ),
    (
        "reflection",
        "What surprised me in week one",
        "Asking for feedback felt awkward, but the answers were **kind and specific**.",
    ),
    (
        "question",
        "Any good reading on giving feedback across cultures?",
        "Half my team is in another country and I want to get this right.",
    ),
]
REPLIES = [
    "We start with one thing that went well each. It sets the tone.",
    "Time-box complaints to five minutes, then turn each into an experiment.",
    "Same here! The second time was much easier.",
    "I like it. Maybe move the blockers question first when time is short?",
]
FEEDBACK = [
    ("Starting with how they are is warm and human.", "Send the agenda a day early.",
     "How long do you plan for each part?"),
    ("The structure is clear and short.", "Leave five minutes for their own topics.", ""),
]  # fmt: skip


def load():
    """Conversations in every published cohort; the last question of each stays unanswered."""
    if Thread.select().exists():
        return False
    rng = random.Random(11)
    member = Person.get_or_none(Person.email == "member@demo.test")
    cohorts = list(Cohort.select().where(Cohort.status == "published").order_by(Cohort.id))
    for cohort in cohorts:
        people = services.cohort_people(cohort)
        if member and any(p.id == member.id for p in people):
            people.sort(key=lambda p: p.id != member.id)  # the demo member starts the first thread
        else:
            rng.shuffle(people)
        facilitator = (
            Membership.select(Membership.person)
            .where(Membership.cohort == cohort, Membership.role == "facilitator")
            .scalar()
        )
        for number, (kind, title, body) in enumerate(THREADS):
            author = people[number % len(people)]
            asked = [facilitator] if kind == "share_work" and facilitator != author.id else []
            thread = services.start_thread(cohort, author, kind, title, body, ask=asked)
            if number == len(THREADS) - 1:
                continue  # an unanswered question
            others = [p for p in people if p.id != author.id]
            if kind == "share_work":
                for worked, try_next, question in FEEDBACK:
                    giver = others.pop(rng.randrange(len(others)))
                    made = services.reply(
                        thread, giver, worked=worked, try_next=try_next, question=question
                    )
                services.mark_helpful(author, made)
            else:
                first = services.reply(thread, others[0], REPLIES[number % len(REPLIES)])
                services.reply(thread, author, "Thank you, I will try that.", parent_id=first.id)
                services.react(others[1], thread, "insightful", first)
                if kind == "question":
                    services.accept_answer(author, first)
    return True
