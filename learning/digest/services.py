"""Who is due a digest now, what it says, and sending it once per person and period."""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import LazyString, ngettext
from flask_babel import gettext as _
from peewee import JOIN, fn

from learning.db import atomic, insert, utcnow
from learning.digest import periods, queries, sections
from learning.digest.models import Digest
from learning.jobs.services import defer
from learning.mail.models import Delivery
from learning.mail.services import absolute_url, send_mail
from learning.mail.tasks import hand_batch
from learning.notify import preferences
from learning.notify.models import MutedChannel
from learning.people.models import Person, Preferences
from learning.people.services import digest_rechosen, save_preferences

# Items shown per section; the rest is "and N more" with a link to the cohort.
SHOWN = 5
# People per job: each job composes its batch in a fixed number of queries.
BATCH = 200
# A digest sent this long after its hour is a catch-up: it respects quiet hours.
ON_TIME = dt.timedelta(hours=1)


@dataclass
class Section:
    key: str
    title: str
    items: list
    more: int = 0  # not shown


@dataclass
class Composed:
    """One person's digest: the sections with something in them, in order."""

    person: Person
    frequency: str
    since: dt.datetime
    sections: list = field(default_factory=list)

    @property
    def news(self):
        """Whether anything happened since the last digest; if not, none is sent."""
        return any(item.new for section in self.sections for item in section.items)

    @property
    def count(self):
        return sum(len(section.items) + section.more for section in self.sections)

    @property
    def places(self):
        return len({item.place for section in self.sections for item in section.items}) > 1

    def counts(self):
        return {section.key: len(section.items) + section.more for section in self.sections}


def _wanting():
    """Active, onboarded people who have not turned the digest off, with their choices."""
    unsubscribed = MutedChannel.select(MutedChannel.person).where(
        MutedChannel.kind == "digest", MutedChannel.channel == "email"
    )
    return (
        Person.select(Person, Preferences)
        .join(Preferences)
        .where(
            Person.is_active == True,  # noqa: E712
            Person.onboarded_at.is_null(False),
            Person.id.not_in(unsubscribed),
        )
    )


def _choices(person, now):
    chosen = person.preferences
    return (now, person.time_zone, chosen.digest_frequency, chosen.digest_weekday,
            chosen.digest_hour, chosen.working_days)  # fmt: skip


# Dispatching


def due(now=None):
    """[(person id, period, slot)] for everyone whose digest hour has come and who has no
    digest for that period yet. A fixed number of queries, whatever the number of people:
    slots are worked out once per distinct choice of time zone, frequency, day and hour.

    A digest missed while the dispatcher was down goes out once when it is back; the first
    digest a person ever gets comes at its hour, not as a catch-up."""
    now = now or utcnow()
    slots = {}
    candidates = []
    for person in _wanting():
        choices = _choices(person, now)
        if choices not in slots:
            slots[choices] = periods.latest_slot(*choices)
        found = slots[choices]
        # Nobody gets a digest for a moment before they joined, or before they chose it.
        chosen_at = person.preferences.digest_chosen_at
        if found and found[1] >= max(person.onboarded_at, chosen_at or person.onboarded_at):
            candidates.append((person.id, *found))
    if not candidates:
        return []
    wanted_periods = sorted({period for _, period, _ in candidates})
    had = set(
        Digest.select(Digest.person, Digest.period)
        .where(Digest.period.in_(wanted_periods))
        .tuples()
    )
    pending = [entry for entry in candidates if entry[:2] not in had]
    if any(now - slot > ON_TIME for _, _, slot in pending):
        # Late: only a catch-up for people who have had a digest before (rare: after downtime).
        known = {pid for (pid,) in Digest.select(Digest.person).distinct().tuples()}
        pending = [e for e in pending if now - e[2] <= ON_TIME or e[0] in known]
    return pending


def as_if_used_before(people, now=None):
    """Record, for each of `people`, a quiet digest for the period before this one, as if
    they had used the platform for a while: their digest for this period then goes out at
    the next dispatch, even when its hour is past (the demo's sign-ins)."""
    now = now or utcnow()
    earlier = []
    chosen = Person.select(Person, Preferences).join(Preferences)
    for person in chosen.where(Person.id.in_([p.id for p in people])):
        choices = _choices(person, now)
        current = periods.latest_slot(*choices)
        before = current and periods.latest_slot(current[1] - dt.timedelta(seconds=1), *choices[1:])
        if before:
            length = periods.period_length(person.preferences.digest_frequency)
            earlier.append({"person": person.id, "period": before[0], "status": "skipped",
                            "since": before[1] - length, "until": before[1]})  # fmt: skip
    Digest.insert_many(earlier).on_conflict_ignore().execute()


def dispatch(now=None):
    """Enqueue digest jobs for everyone due now, in batches; returns how many people.
    Run it as often as you like: a period already sent is never sent again."""
    from learning.digest.tasks import send_digests

    entries = due(now)
    with atomic():
        for start in range(0, len(entries), BATCH):
            batch = [
                [pid, period, slot.isoformat()]
                for pid, period, slot in entries[start : start + BATCH]
            ]
            # The same batch twice (two runs before the jobs ran) is one job.
            key = hashlib.blake2b(json.dumps(batch).encode(), digest_size=12).hexdigest()
            defer(send_digests, batch, key=f"digests-{key}", queue="digests")
    return len(entries)


# Composing


def readers(people, now):
    """A Reader for each person: since their last digest (or one period back)."""
    ids = [person.id for person in people]
    last = dict(
        Digest.select(Digest.person, fn.MAX(Digest.until))
        .where(Digest.person.in_(ids))
        .group_by(Digest.person)
        .tuples()
    )
    cohorts = sections.cohorts_of(ids)
    result = []
    for person in people:
        since = last.get(person.id) or now - periods.period_length(
            person.preferences.digest_frequency
        )
        result.append(sections.Reader(person.id, since, cohorts.get(person.id, {})))
    return result


def compose(people, now):
    """{person id: Composed}; a fixed number of queries for the whole list."""
    batch = readers(people, now)
    filled = sections.fill(batch, now) if any(reader.cohorts for reader in batch) else {}
    result = {}
    for person, reader in zip(people, batch, strict=True):
        composed = Composed(person, person.preferences.digest_frequency, reader.since)
        for key, title in sections.SECTIONS.items():
            items = sorted(filled.get(key, {}).get(person.id, []), key=lambda i: i.at, reverse=True)
            if items:
                composed.sections.append(
                    Section(
                        key, title, items[:SHOWN], len(items) - SHOWN if len(items) > SHOWN else 0
                    )
                )
        result[person.id] = composed
    return result


def preview(person, now=None):
    """The digest `person` would get now, and when the next one is due."""
    now = now or utcnow()
    person = _with_preferences(person)
    composed = compose([person], now)[person.id]
    # A period has one digest: after today's, a later hour today is tomorrow's.
    latest = Digest.select(Digest.period).where(Digest.person == person.id)
    had = {period for (period,) in latest.order_by(Digest.id.desc()).limit(1).tuples()}
    return composed, periods.next_slot(*_choices(person, now), had=had)


# A digest subject's words for each count, worded for its reader.
SUBJECT_WORDS = {
    "needs_you": lambda n: ngettext("%(num)d needs you", "%(num)d need you", n),
    "replies": lambda n: ngettext("%(num)d reply", "%(num)d replies", n),
    "kudos": lambda n: ngettext("%(num)d kudos", "%(num)d kudos", n),
    "celebrations": lambda n: ngettext("%(num)d celebration", "%(num)d celebrations", n),
    "new_members": lambda n: ngettext("%(num)d new member", "%(num)d new members", n),
}


def subject(composed):
    """The digest's subject in its reader's words (worded inside `as_reader`)."""
    counts = composed.counts()
    parts = [SUBJECT_WORDS[key](n) for key, n in counts.items() if key in SUBJECT_WORDS]
    parts = ", ".join(parts[:3]) or _("your challenges")
    if composed.frequency == "daily":
        return _("Your daily digest: %(parts)s", parts=parts)
    return _("Your weekly digest: %(parts)s", parts=parts)


# Sending


def send(batch, now=None):
    """Compose and send the digests of a batch from the dispatcher; returns
    {"sent": n, "skipped": n}. Each person in their own transaction; the unique
    (period, person) key makes a second run, or a second job, send nothing."""
    now = now or utcnow()
    wanted = {pid: (period, dt.datetime.fromisoformat(slot)) for pid, period, slot in batch}
    had = set(
        Digest.select(Digest.person, Digest.period)
        .where(
            Digest.person.in_(list(wanted)),
            Digest.period.in_(sorted({period for period, _ in wanted.values()})),
        )
        .tuples()
    )
    # Who turned the digest off since the dispatcher looked gets nothing.
    people = [
        person
        for person in _wanting().where(Person.id.in_(list(wanted)))
        if (person.id, wanted[person.id][0]) not in had
    ]
    done = {"sent": 0, "skipped": 0}
    emails = []  # sent together, over one SMTP connection
    for person_id, composed in compose(people, now).items():
        period, slot = wanted[person_id]
        outcome = send_one(composed, period, slot, now, emails)
        if outcome:
            done[outcome] += 1
    with atomic():
        hand_batch(emails)
    return done


def send_one(composed, period, slot, now, batch=None):
    """Record the person's digest for `period` and, when it has news, send it (or add its
    email to `batch`, see send_mail); "sent", "skipped", or None when that period's digest
    already exists."""
    person = composed.person
    news = composed.news
    with atomic():
        digest_id = insert(
            Digest(
                person=person,
                period=period,
                status="sent" if news else "skipped",
                items=composed.count,
                since=composed.since,
                until=now,
            ),
            new_only=True,
        )
        if digest_id is None:
            return None  # another run sent it
        if not news:
            return "skipped"
        chosen = person.preferences
        late = now - slot > ON_TIME
        due_at = (
            preferences.next_send_time(
                now, person.time_zone, chosen.quiet_from, chosen.quiet_until, chosen.working_days
            )  # fmt: skip
            if late
            else None
        )
        token = preferences.unsubscribe_token(person.id, "digest")
        base = current_app.config["BASE_URL"].rstrip("/")
        delivery_id = send_mail(
            f"digest-{digest_id}",
            person.email,
            LazyString(subject, composed),
            "learning/digest/mail/digest",
            due_at=due_at,
            unsubscribe_url=absolute_url("notify.unsubscribe", token=token),
            digest=composed,
            person=person,
            base=base,
            preview_link=absolute_url("digest.preview"),
            batch=batch,
            reader=person,
        )
        queries.sent_by(digest_id, delivery_id)
    return "sent"


# The person's own page


def local(moment, time_zone):
    """A naive UTC moment on the person's clock, or None."""
    return moment and moment.replace(tzinfo=preferences.UTC).astimezone(preferences.zone(time_zone))


def settings(person):
    """What the digest form shows: the person's choices, and whether the email is on."""
    chosen = Preferences.get(Preferences.person == person)
    return {
        "digest_frequency": chosen.digest_frequency,
        "digest_weekday": chosen.digest_weekday,
        "digest_hour": chosen.digest_hour,
        "digest_email": "email" not in preferences.muted_channels(person, "digest"),
    }


def save_settings(person, *, digest_email, **choices):
    """Save when the digest comes, and whether by email. Turning the email on is a new
    choice, as a new day or hour is (`Preferences.digest_chosen_at`)."""
    with atomic():
        was_on = "email" not in preferences.muted_channels(person, "digest")
        save_preferences(person, **choices)
        if digest_email and not was_on:
            digest_rechosen(person)
        (preferences.unmute if digest_email else preferences.mute)(person.id, "digest")


def _with_preferences(person):
    return Person.select(Person, Preferences).join(Preferences).where(Person.id == person.id).get()


# Admins' numbers


def daily_counts(days=14, now=None):
    """[(day, {"sent", "on_its_way", "skipped", "failed"})], newest day first."""
    now = now or utcnow()
    day = fn.DATE(Digest.created_at)
    rows = (
        Digest.select(day, Digest.status, Delivery.status, fn.COUNT(Digest.id))
        .join(Delivery, JOIN.LEFT_OUTER)
        .where(Digest.created_at >= now - dt.timedelta(days=days))
        .group_by(day, Digest.status, Delivery.status)
        .tuples()
    )
    result = {}
    for when, status, delivery, count in rows:
        when = dt.date.fromisoformat(str(when)[:10])  # a date, a datetime or text, by database
        counts = result.setdefault(
            when, dict.fromkeys(("sent", "on_its_way", "skipped", "failed"), 0)
        )
        if status == "skipped":
            counts["skipped"] += count
        elif delivery in ("sent", "failed"):
            counts[delivery] += count
        else:
            counts["on_its_way"] += count
    return sorted(result.items(), reverse=True)
