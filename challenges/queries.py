"""The hot reads of challenges, tuned: each returns what its name says, and the rest of the
domain never sees how it is built."""

import functools
import operator

from peewee import SQL, Case, Cast, Value, fn

from challenges.models import AwayWeek, Challenge, CheckIn, GoalReached, HiddenBoard
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


@built_once
def weeks(person_id, cohort_id, member_ids, since):
    """Rows (source, week, person, challenge, cohort, step, status, count), one query of
    three parts, each read from an index alone:

    - "mine": `person`'s check-ins since `since` anywhere and all of theirs in `cohort`,
      counted by week, challenge, step and status (a few rows, however many check-ins);
    - "cohort": for each week since then, how many of `member_ids` checked in in `cohort`;
    - "away": the weeks each of them (and `person`) was away, and whether they checked in
      in `cohort` that week all the same (1 or 0)."""
    # Typed, as PostgreSQL needs to match them with the first part's columns.
    blank = [Cast(SQL("NULL"), "INTEGER")] * 3 + [Cast(SQL("NULL"), "TEXT")]
    parts, away_ids = [], list(member_ids)
    if person_id is not None:
        away_ids.append(person_id)
        mine = CheckIn.person == person_id
        if cohort_id is not None:
            mine &= (CheckIn.week >= since) | (CheckIn.cohort == cohort_id)
        else:
            mine &= CheckIn.week >= since
        counted = (CheckIn.week, CheckIn.person, CheckIn.challenge, CheckIn.cohort,
                   CheckIn.step, CheckIn.status)  # fmt: skip
        parts.append(
            CheckIn.select(Value("mine"), *counted, fn.COUNT(CheckIn.id))
            .where(mine)
            .group_by(*counted)
        )
    checked_too = Value(0)
    if cohort_id is not None and member_ids:
        parts.append(
            CheckIn.select(
                Value("cohort"),
                CheckIn.week,
                Cast(SQL("NULL"), "INTEGER"),
                *blank,
                fn.COUNT(CheckIn.person.distinct()),
            )
            .where(
                CheckIn.cohort == cohort_id, CheckIn.week >= since, CheckIn.person.in_(member_ids)
            )
            .group_by(CheckIn.week)
        )
        same_week = CheckIn.alias()
        checked_too = Case(
            None,
            [
                (
                    fn.EXISTS(
                        same_week.select(SQL("1")).where(
                            same_week.cohort == cohort_id,
                            same_week.week == AwayWeek.week,
                            same_week.person == AwayWeek.person,
                        )
                    ),
                    1,
                )
            ],
            0,
        )
    parts.append(
        AwayWeek.select(Value("away"), AwayWeek.week, AwayWeek.person, *blank, checked_too).where(
            AwayWeek.person.in_(away_ids), AwayWeek.week >= since
        )
    )
    return functools.reduce(operator.add, parts).tuples()


@built_once
def tally_rows(ids, cohort_ids, week):
    """The check-ins of the challenges `ids` in `cohort_ids` (of `week` if given), counted
    per challenge and cohort; and, in the same query, as rows of their own, the goals they
    reached."""
    scope = CheckIn.challenge.in_(ids) & CheckIn.cohort.in_(cohort_ids)
    if week is not None:
        scope &= CheckIn.week == week
    aggregates = (
        _done("count"),
        _done("amount"),
        fn.SUM(Case(None, [(CheckIn.status == "blocked", 1)], 0)),
        fn.COUNT(CheckIn.id),
        fn.MAX(CheckIn.id),
        fn.MAX(CheckIn.edited_at),
    )
    return (
        (
            CheckIn.select(CheckIn.challenge, CheckIn.cohort, *aggregates, SQL("NULL"))
            .where(scope)
            .group_by(CheckIn.challenge, CheckIn.cohort)
        )
        + GoalReached.select(
            GoalReached.challenge,
            GoalReached.cohort,
            *[SQL("NULL")] * len(aggregates),
            GoalReached.reached_at,
        ).where(GoalReached.challenge.in_(ids), GoalReached.cohort.in_(cohort_ids))
    ).tuples()


def _done(goal):
    done = CheckIn.status == "done"
    return {
        "count": fn.SUM(Case(None, [(done, 1)], 0)),
        "amount": fn.SUM(Case(None, [(done, CheckIn.amount)], 0)),
    }[goal]


# What the cohort's feed says a check-in is about: its challenge (`places.register_subject`).


def check_in_challenge_title(check_in_id):
    return Challenge.select(Challenge.title).join(CheckIn).where(CheckIn.id == check_in_id)


def check_in_challenge(check_in_id):
    return CheckIn.select(CheckIn.challenge).where(CheckIn.id == check_in_id)
