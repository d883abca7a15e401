"""The hot reads of challenges, tuned: each returns what its name says, and the rest of the
domain never sees how it is built."""

from peewee import SQL, fn

from challenges.models import Challenge, CheckIn, HiddenBoard
from learning.people.models import Person
from learning.speed import built_once, inline


@built_once
def challenge_in(challenge_id, cohort_id, program_id):
    return (
        Challenge.select()
        .where(
            Challenge.id == challenge_id,
            Challenge.program == program_id,
            Challenge.cohort.is_null() | (Challenge.cohort == cohort_id),
        )
        .limit(1)
    )


@built_once
def challenges_of(cohort_id, program_id, ended_since):
    return (
        Challenge.select(Challenge, fn.EXISTS(hidden_board(cohort_id)).alias("board_hidden"))
        .where(
            Challenge.program == program_id,
            Challenge.cohort.is_null() | (Challenge.cohort == cohort_id),
            Challenge.ends_on >= ended_since,
        )
        .order_by(Challenge.ends_on, Challenge.id)
    )


@built_once
def blocked_since(cohort_id, since):
    return (
        CheckIn.select(
            CheckIn.id,
            CheckIn.note,
            CheckIn.created_at,
            Person.id,
            Person.display_name,
            Challenge.id,
            Challenge.title,
        )
        .join(Person)
        .switch(CheckIn)
        .join(Challenge)
        .where(
            CheckIn.cohort == cohort_id, CheckIn.status == "blocked", CheckIn.created_at >= since
        )
        .order_by(CheckIn.created_at.desc())
        .limit(inline(10))
    )


@built_once
def own_check_ins_counted(person_id, cohort_id, challenge_ids):
    return (
        CheckIn.select(
            CheckIn.challenge, CheckIn.step, CheckIn.status, CheckIn.week, fn.COUNT(CheckIn.id)
        )
        .where(
            CheckIn.person == person_id,
            CheckIn.cohort == cohort_id,
            CheckIn.challenge.in_(challenge_ids),
        )
        .group_by(CheckIn.challenge, CheckIn.step, CheckIn.status, CheckIn.week)
        .tuples()
    )


def hidden_board(cohort):
    return HiddenBoard.select(SQL("1")).where(HiddenBoard.cohort == cohort)


def board_hidden(cohort):
    return hidden_board(cohort).exists()
