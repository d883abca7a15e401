"""Demo conversations: threads, replies and feedback in every demo cohort, some unanswered."""

import datetime as dt
import random

from cohorts.models import Cohort, Membership, Program
from feedback import search, services
from feedback.models import Reply, Thread
from learning.db import utcnow
from learning.ledger import Activity
from learning.people.models import Person

WEEK = dt.timedelta(days=7)

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
    """Conversations in every published cohort; the last question of each stays unanswered.
    Cohorts of a program that began weeks ago also get those weeks' conversations."""
    if Thread.select().exists():
        return False
    rng = random.Random(11)
    _history(rng)
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


# Earlier weeks, written straight into the models with their dates, so L&D's analytics and
# the cohorts' health have a history: most cohorts keep talking; every third one goes quiet
# in the last two weeks and leaves a question unanswered, so it needs attention.

HISTORY = [
    ("question", "How do you start a hard conversation?", "I keep putting it off."),
    ("share_work", "My feedback script, second draft", "Shorter this time. Better?"),
    ("reflection", "Small win this week", "I asked before assuming, and it changed the talk."),
]
ANSWERS = [
    "Name the topic in the first sentence, then listen.",
    "I write down the one thing I want them to hear.",
    "Ask how they see it first.",
    "Thanks for sharing this, it helps me too.",
]


def _post(thread, author, at, body="", parent=None, answers=None):
    """A thread (no `thread`) or a reply, written with its date, and its ledger entry."""
    if thread.id is None:
        thread.save()
        search.index_thread(thread)
        made, kind = thread, "thread_started"
    else:
        made = Reply.create(thread=thread, author=author, parent=parent, body=body, created_at=at)
        kind = "replied"
    Activity.create(
        actor=author,
        kind=kind,
        cohort_id=thread.cohort_id,
        target=answers,
        object_type=type(made).__name__.lower(),
        object_id=made.id,
        created_at=at,
    )
    return made


def _history(rng, now=None):
    now = now or utcnow()
    cohorts = list(
        Cohort.select(Cohort, Program)
        .join(Program)
        .where(Cohort.status == "published", Program.starts_on <= (now - WEEK * 2).date())
        .order_by(Cohort.id)
    )
    for index, cohort in enumerate(cohorts):
        people = services.cohort_people(cohort)
        weeks = (now.date() - cohort.program.starts_on).days // 7
        for back in range(weeks, 0, -1):
            quiet = index % 3 == 2 and back <= 2
            monday = now - WEEK * back - dt.timedelta(days=(now - WEEK * back).weekday())
            for number in range(1 if quiet else 2):
                # A quiet cohort's only thread is a question nobody answers.
                kind, title, body = HISTORY[0 if quiet else (back + number) % len(HISTORY)]
                at = monday.replace(hour=9) + dt.timedelta(
                    days=rng.randint(0, 3), hours=rng.randint(0, 6)
                )
                author = rng.choice(people)
                thread = _post(Thread(cohort=cohort, author=author, kind=kind, title=title,
                                      body=body, created_at=at, last_activity_at=at),
                               author, at)  # fmt: skip
                if quiet and kind == "question":
                    continue  # nobody answers in a quiet cohort
                others = [p for p in people if p.id != author.id]
                for answer in range(rng.randint(1, 4)):
                    at += dt.timedelta(hours=rng.randint(1, 20))
                    who = rng.choice(others)
                    made = _post(thread, who, at, ANSWERS[answer % len(ANSWERS)], answers=author)
                    if answer == 0 and rng.random() < 0.6:  # and the author thanks them
                        at += dt.timedelta(hours=2)
                        _post(thread, author, at, "Thank you!", parent=made, answers=who)
                count = Reply.select().where(Reply.thread == thread).count()
                Thread.update(reply_count=count, last_activity_at=at).where(
                    Thread.id == thread.id
                ).execute()
