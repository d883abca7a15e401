"""The hot reads of recognition, tuned: each returns what its name says, and the rest never
sees how it is built."""

from peewee import JOIN, Case, fn

from learning.recognition.models import Cheer, Milestone
from learning.speed import built_once


@built_once
def cheered(milestone_ids, viewer_id):
    return (
        Milestone.select(
            Milestone,
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
