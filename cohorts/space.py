"""What the cohort space reads: the feed, the members' local times, the person's cohorts, and
the sections other domains add to the space."""

from datetime import datetime
from zoneinfo import ZoneInfo

from peewee import JOIN

from cohorts import queries
from cohorts.models import Cohort, CohortVisit, Membership, Program
from learning.db import utcnow
from learning.recognition import places
from learning.recognition import services as recognition

FEED_PAGE = 20
# Small events: one after another, of one kind and by one person, they are one line.
SMALL = frozenset(
    {"checked_in", "thread_started", "replied", "feedback_given", "reacted", "answer_accepted",
     "marked_helpful"}
)  # fmt: skip
SPACE = "cohort space"  # its sections (learning.views.add_section): `context(cohort, person)`


# Where a section goes in the space, first to last: what waits for the person, what the
# cohort does together (its challenges and their check-ins), its conversations.
NEEDS_YOU, TOGETHER, CONVERSATIONS = 0, 1, 2


def local_time(person, now=None):
    """The person's wall-clock time now, e.g. "14:05"."""
    now = now or datetime.now(ZoneInfo("UTC"))
    try:
        return now.astimezone(ZoneInfo(person.time_zone)).strftime("%H:%M")
    except (KeyError, ValueError):
        return now.strftime("%H:%M")


def feed(cohort, viewer, before=None, after=None, limit=FEED_PAGE):
    """Newest first, with what kudos and celebrations show and what each entry is about,
    runs of small events folded. `before` pages back ("show more"); `after` returns only
    what is new. Returns (entries, has_more)."""
    entries, more = queries.feed_entries(cohort, before, after, limit)
    recognition.attach(entries, viewer)
    seen = places.subjects_seen(viewer, cohort)
    head = None
    for entry in entries:
        if (
            head
            and entry.kind in SMALL
            and (entry.kind, entry.actor_id) == (head.kind, head.actor_id)
        ):
            entry.folded = True
            head.count += 1
        else:
            head = entry
        about = entry.subject if entry.object_type in seen else None
        if about and all(shown.about_id != about.about_id for shown in head.subjects):
            head.subjects.append(about)
    return entries, more


def my_cohorts(person):
    """The person's published cohorts with their program and how many things happened since
    their last visit (up to queries.NEW_COUNTED); two queries whatever the number of cohorts or
    entries."""
    rows = list(
        Cohort.select(Cohort, Program, CohortVisit.seen_at.alias("seen_at"))
        .join(Program)
        .switch(Cohort)
        .join(Membership)
        .switch(Cohort)
        .join(
            CohortVisit,
            JOIN.LEFT_OUTER,
            on=(CohortVisit.cohort == Cohort.id) & (CohortVisit.person == person),
        )
        .where(Membership.person == person, Cohort.status == "published")
        .order_by(Program.starts_on.desc(), Cohort.name)
        .objects()
    )
    if not rows:
        return []
    counts = queries.new_counts(person.id, {cohort.id: cohort.seen_at for cohort in rows}, utcnow())
    for cohort in rows:
        cohort.new_count = counts[cohort.id]
        cohort.new_beyond = counts[cohort.id] - 1 if counts[cohort.id] >= queries.NEW_COUNTED else 0
    return rows
