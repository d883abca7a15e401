"""A cohort's news in a channel: new threads (their titles, never what was written in them)
and its public celebrations (goals reached, milestones), posted to the Slack channel or the
Teams channel workflow its facilitator chose, in the company's language."""

from flask_babel import force_locale
from flask_babel import gettext as _
from peewee import JOIN

from learning.chat import services, slack, teams
from learning.chat.models import SLACK, TEAMS, ChannelMirror
from learning.db import atomic, utcnow
from learning.i18n import default_locale, worded
from learning.jobs.services import defer, task
from learning.ledger import Activity
from learning.mail.services import absolute_path
from learning.people.models import Person
from learning.recognition import places
from learning.recognition.models import Milestone
from learning.security import seal

MIRRORED = {"thread_started", "celebrated"}


def mirrors(cohort_id):
    """{service: mirror} of a cohort."""
    found = ChannelMirror.select().where(ChannelMirror.cohort_id == cohort_id)
    return {mirror.service: mirror for mirror in found}


def choose(actor, cohort_id, slack_channel=None, teams_address="", teams_off=False):
    """Mirror the cohort to a Slack channel ((id, name), or None for none) and to a Teams
    workflow (a new address replaces the one kept, `teams_off` stops it). Audited by the
    caller's domain."""
    gone = [SLACK] + ([TEAMS] if teams_address or teams_off else [])
    with atomic():
        ChannelMirror.delete().where(
            ChannelMirror.cohort_id == cohort_id, ChannelMirror.service.in_(gone)
        ).execute()
        if slack_channel:
            ChannelMirror.create(cohort_id=cohort_id, service=SLACK, channel=slack_channel[0],
                                 channel_name=slack_channel[1], chosen_by=actor,
                                 chosen_at=utcnow())  # fmt: skip
        if teams_address:
            ChannelMirror.create(cohort_id=cohort_id, service=TEAMS, address=seal(teams_address),
                                 chosen_by=actor, chosen_at=utcnow())  # fmt: skip


def on_activity(entry):
    """A ledger entry of a mirrored cohort that is news: posted by a job once it commits."""
    if entry.kind not in MIRRORED or not entry.cohort_id:
        return
    if ChannelMirror.select().where(ChannelMirror.cohort_id == entry.cohort_id).exists():
        defer(post_entry, entry.id, key=f"mirror-{entry.id}", queue="notices")


@task
def post_entry(entry_id):
    """The entry as a message to each channel of its cohort, once each (their keys)."""
    title, about = places.subject_columns(Activity.object_type, Activity.object_id)
    found = (
        Activity.select(Activity, Person.display_name, title.alias("title"))
        .join(Person, JOIN.LEFT_OUTER, on=(Activity.actor == Person.id))
        .where(Activity.id == entry_id)
        .objects()
        .first()
    )
    if found is None:
        return "gone"
    with force_locale(default_locale()):
        words = _words(found)
        if words is None:
            return "private"
        text, path = words
        place, _space = places.cohort(found.cohort_id)
        queued = 0
        for service, mirror in mirrors(found.cohort_id).items():
            link = absolute_path(path or "/")
            if service == SLACK:
                payload, target = slack.news_message(text, place, link), mirror.channel
            else:
                payload, target = teams.card(text, "", link, place), mirror.address
            with atomic():
                queued += bool(services.queue(f"mirror-{entry_id}-{service}", service, target,
                                              payload))  # fmt: skip
    return f"{queued} queued"


def _words(entry):
    """(what to say, the path it links to), or None for what a channel must not show."""
    if entry.kind == "thread_started":
        if not entry.title:  # removed, or not for members any more
            return None
        subject = places.subject(entry.object_type, entry.object_id, entry.cohort_id,
                                 entry.title, None)  # fmt: skip
        return _("%(name)s started a conversation: “%(title)s”", name=entry.display_name,
                 title=entry.title), subject.path  # fmt: skip
    milestone = Milestone.get_or_none(Milestone.id == entry.object_id, Milestone.public == True)  # noqa: E712
    if milestone is None:
        return None
    return worded_text(milestone), milestone.link or places.cohort(entry.cohort_id)[1]


def worded_text(milestone):
    return worded(milestone.text) if not isinstance(milestone.text, str) else milestone.text
