"""Milestones: rules on ledger entries, and `award` for the domains' own milestones. Each
is reached once (its key is unique), celebrated in the cohort feed from an editable
template, and told to the people it is about."""

import string

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from learning import ledger
from learning.db import atomic, insert
from learning.i18n import default_locale, in_each_language, in_languages, marked
from learning.ledger import Activity
from learning.notify.services import notify
from learning.people.models import Person, Preferences
from learning.recognition import places, queries
from learning.recognition.models import Milestone, MilestoneTemplate, MilestoneVersion

# kind: (what it is, the built-in message, the placeholders it may use)
KINDS = {
    "first_thread": (
        _l("A person's first thread"),
        marked("{name} started their first thread. Welcome to the conversation!"),
        ("name",),
    ),
    "first_reply": (
        _l("A person's first reply"),
        marked("{name} wrote their first reply. Every good conversation needs a second voice."),
        ("name",),
    ),
    "first_feedback": (
        _l("A person's first piece of feedback"),
        marked("{name} gave their first piece of feedback. Thank you for helping someone grow!"),
        ("name",),
    ),
    "helpful_5": (
        _l("Five pieces of a person's feedback marked helpful"),
        marked("Five pieces of {name}'s feedback were marked helpful. That is real impact."),
        ("name",),
    ),
    "streak_4": (
        _l("A person's four-week check-in streak"),
        marked("{name} has checked in four weeks in a row. Steady wins the race!"),
        ("name",),
    ),
    "goal_reached": (
        _l("A cohort reaching a challenge goal"),
        marked("{cohort} reached the goal of “{challenge}” together. Well done, everyone!"),
        ("cohort", "challenge"),
    ),
    "halfway": (
        _l("A cohort halfway through its program"),
        marked("{cohort} is halfway through {program}. Look how far you have come together!"),
        ("cohort", "program"),
    ),
    "month_together": (
        _l("A cohort's first month together"),
        marked("{cohort} has been learning together for a month. Here's to the next one!"),
        ("cohort",),
    ),
}
HELPFUL = 5


def template_problem(kind, text):
    """What is wrong with an admin's wording, or None."""
    allowed = KINDS[kind][2]
    if len(text) > 240:
        return _("Keep it under 240 characters: it is read in a feed.")
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return _("Braces must come in pairs around a placeholder, like {name}.")
    unknown = sorted(names - set(allowed))
    if unknown:
        shown = ", ".join("{" + n + "}" for n in allowed)
        return _("“%(unknown)s” is not a placeholder here; use %(shown)s.",
                 unknown="{" + unknown[0] + "}", shown=shown)  # fmt: skip
    return None


def _key(code):
    """Where the admin's words in language `code` are kept: "" for the company's own."""
    return "" if code == default_locale() else code


def templates():
    """{kind: {language: (current wording, built-in wording)}} in every language spoken."""
    edited = {
        (kind, locale): text
        for kind, locale, text in MilestoneTemplate.select(
            MilestoneTemplate.kind, MilestoneTemplate.locale, MilestoneTemplate.text
        ).tuples()
    }
    built_in = in_each_language(lambda code: {kind: _(KINDS[kind][1]) for kind in KINDS})
    return {
        kind: {
            code: (edited.get((kind, _key(code)), words[kind]), words[kind])
            for code, words in built_in.items()
        }
        for kind in KINDS
    }


def save_templates(texts):
    """Save an admin's words, {kind: {language: text}}; an empty text (or the built-in one)
    goes back to the built-in words in that language."""
    current = templates()
    for kind, by_language in texts.items():
        for code, text in by_language.items():
            MilestoneTemplate.delete().where(
                MilestoneTemplate.kind == kind, MilestoneTemplate.locale == _key(code)
            ).execute()
            if text and text.strip() != current[kind][code][1]:
                MilestoneTemplate.create(kind=kind, locale=_key(code), text=text.strip())


def _words(kind, values):
    """The celebration's words in each language spoken ({language: text}): the company's
    own in that language, else the built-in ones (a job writes them once, for everyone)."""
    edited = dict(
        MilestoneTemplate.select(MilestoneTemplate.locale, MilestoneTemplate.text)
        .where(MilestoneTemplate.kind == kind)
        .tuples()
    )

    def write(code):
        built_in = _(KINDS[kind][1])
        try:
            return edited.get(_key(code), built_in).format_map(values)[:250]
        except (KeyError, ValueError, IndexError):  # an old wording the checks did not see
            return built_in.format_map(values)[:250]

    return in_each_language(write)


def reached(key):
    return bool(queries.reached(key))


def award(kind, key, *, cohort_id, place="", person=None, people=(), link="", **values):
    """Record a milestone once, celebrate it and notify who it is about: `person` for a
    person's milestone, `people` (ids) for a cohort's. Returns it, or None if reached before.
    The milestone, its entry and its notices commit together (with the write that reached
    it, when called inside that write's transaction)."""
    if reached(key):  # the usual case, in one query
        return None
    values = {"name": person.display_name if person else "", "cohort": place, **values}
    public = True
    if person is not None:
        chosen = Preferences.get_or_none(Preferences.person == person)
        public = chosen.celebrate_me if chosen else True
    words = _words(kind, values)
    text = words.pop(default_locale())
    with atomic():
        milestone_id = insert(
            Milestone(
                key=key, kind=kind, person=person, cohort_id=cohort_id, text=text, link=link,
                public=public,
            ),
            new_only=True,
        )  # fmt: skip
        if milestone_id is None:
            return None
        milestone = Milestone.get_by_id(milestone_id)
        if words:
            MilestoneVersion.insert_many(
                [
                    {"milestone": milestone_id, "locale": code, "text": t}
                    for code, t in words.items()
                ]
            ).execute()
        text = in_languages(text, words)  # each notice in its reader's language
        if public:
            ledger.record(person, "celebrated", cohort_id=cohort_id, obj=milestone)
        told = [person] if person is not None else _readers(people)
        for someone in told:
            notify(someone, "milestone", f"milestone:{milestone_id}:{someone.id}", text,
                   link or "/", cohort_id=cohort_id, place=place)  # fmt: skip
    return milestone


def _readers(ids):
    """The people of `ids` with what their notices are written in: language and time zone."""
    if not ids:
        return []
    return list(Person.select(Person.id, Person.locale, Person.time_zone).where(Person.id.in_(ids)))


# Rules on ledger entries: the entry's kind, and how to tell whose milestone it is.


def _celebrate(kind, entry, person):
    key = f"{kind}:{person.id}"
    if reached(key):  # the usual case, before reading where and what it would link to
        return
    place, space = places.cohort(entry.cohort_id)
    link = places.link_for(entry.object_type, entry.object_id) or space
    award(kind, key, cohort_id=entry.cohort_id, place=place, person=person, link=link)


def _firsts(kind):
    return lambda entry: _celebrate(kind, entry, entry.actor)


def _helpful(entry):
    """Counted on committed and uncommitted entries alike; the unique key keeps it once."""
    if entry.target_id is None:
        return
    marked = (
        Activity.select()
        .where(Activity.kind == "marked_helpful", Activity.target == entry.target_id)
        .count()
    )
    if marked >= HELPFUL:
        _celebrate("helpful_5", entry, Person.get_by_id(entry.target_id))


RULES = {
    "thread_started": _firsts("first_thread"),
    "replied": _firsts("first_reply"),
    "feedback_given": _firsts("first_feedback"),
    "marked_helpful": _helpful,
}


def on_activity(entry):
    rule = RULES.get(entry.kind)
    if rule is not None and entry.actor_id is not None:
        rule(entry)
