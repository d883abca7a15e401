"""The hot reads of recognition, tuned: each returns what its name says, and the rest never
sees how it is built."""

from peewee import JOIN, Case, fn

from learning.i18n import in_language
from learning.recognition.models import Cheer, Milestone, MilestoneVersion
from learning.speed import built_once


def milestone_columns(locale):
    """A milestone's columns, its words (`text`) in `locale`'s version."""
    words = in_language(
        Milestone.text, MilestoneVersion.text, MilestoneVersion.milestone == Milestone.id, locale
    )
    return [
        *(f for f in Milestone._meta.sorted_fields if f is not Milestone.text),
        words.alias("text"),
    ]


@built_once
def cheered(milestone_ids, viewer_id, locale):
    return (
        Milestone.select(
            *milestone_columns(locale),
            Cheer.kind.alias("cheer_kind"),
            fn.COUNT(Cheer.id).alias("cheer_count"),
            fn.SUM(Case(None, [(Cheer.person == viewer_id, 1)], 0)).alias("cheer_mine"),
        )
        .join(Cheer, JOIN.LEFT_OUTER)
        .where(Milestone.id.in_(milestone_ids))
        .group_by(Milestone.id, Cheer.kind)
        .objects()
    )


@built_once
def reached(key):
    return Milestone.select(Milestone.id).where(Milestone.key == key).limit(1).tuples()
