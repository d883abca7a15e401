"""What challenges give the platform: links to check-ins, the digest's part about
challenges, progress for L&D's analytics, a person's check-ins (privacy), the words for
numbers and dates in templates, the navigation and the challenges' section of the cohort
space; registered by `register(app)`."""

import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from challenges import access, progress, queries, space, streaks
from challenges.chat import CheckInsFromChat
from challenges.forms import check_in_form
from challenges.models import AwayWeek, Challenge, CheckIn, HiddenNumbers
from cohorts import queries as cohort_queries
from cohorts import space as cohort_space
from cohorts.models import Cohort, Membership
from learning import text
from learning.calendar import services as calendar
from learning.calendar.ics import Event
from learning.chat import services as chat
from learning.digest import sections
from learning.i18n import said, said_n
from learning.insights import analytics
from learning.notify.services import path_for
from learning.privacy import services as privacy
from learning.recognition import places
from learning.views import add_nav, add_section


def register(app):
    places.register_link(app, "checkin", check_in_path)
    places.register_subject(
        app,
        "checkin",
        queries.check_in_challenge_title,
        queries.check_in_challenge,
        check_in_subject_path,
        access.can_see_challenges,
    )
    sections.register(app, "progress", digest_progress)
    calendar.register_source(app, calendar_events)
    chat.register(app, "check_in", CheckInsFromChat)
    analytics.register_progress(app, analytics_progress)
    privacy.register(app, personal_data, erase_personal)
    app.jinja_env.globals.update(
        amount_text=text.amount_text,
        quantity=text.quantity,
        progress_text=progress.progress_text,
        left_text=progress.left_text,
        days_text=progress.days_text,
        contribution_text=progress.contribution_text,
    )
    add_nav(app, _l("My check-ins"), "challenges.mine")
    add_section(app, cohort_space.SPACE, "challenges/_cohort_challenges.html",
                challenges_section, cohort_space.TOGETHER)  # fmt: skip


def challenges_section(cohort, person):
    """The cohort space's challenges: a card each, with its check-in form, and the streaks."""
    is_member = access.can_check_in(person, cohort)
    member_ids = [m.person_id for m in cohort_queries.members(cohort)]
    both = streaks.streaks(person if is_member else None, cohort, member_ids)
    cards = space.cards(cohort, person, own=both.check_ins)
    can_create = access.can_create(person, cohort)
    if not cards and not can_create:
        return None
    return {
        "cohort": cohort,
        "cards": cards,
        "forms": {card.challenge.id: check_in_form(card) for card in cards},
        "can_check_in": is_member,
        "can_create": can_create,
        "blocked": space.blocked_lately(cohort),
        "streak": both.own,
        "cohort_streak": both.together,
        "board": any(c.challenge.cohort_id is None for c in cards)
        and not cards[0].challenge.board_hidden,
    }


def calendar_events(person):
    """The challenges of the person's cohorts, first day to last, for their calendar feed
    (one query)."""
    rows = (
        Challenge.select(Challenge, Cohort.id.alias("in_cohort"))
        .join(Cohort, on=(Cohort.program == Challenge.program)
              & (Challenge.cohort.is_null() | (Challenge.cohort == Cohort.id)))
        .join(Membership, on=(Membership.cohort == Cohort.id))
        .where(Membership.person == person, Cohort.status == "published")
        .objects()
    )  # fmt: skip
    return [
        Event(
            uid=f"challenge-{row.id}-{row.in_cohort}",
            summary=_("Challenge: %(title)s", title=row.title),
            start=row.starts_on,
            end=row.ends_on + datetime.timedelta(days=1),
            description=row.description,
            link=path_for("challenges.show", cohort_id=row.in_cohort, challenge_id=row.id),
        )
        for row in rows
    ]


def check_in_subject_path(check_in_id, challenge_id, cohort_id):
    return path_for("challenges.show", anchor=f"check-in-{check_in_id}", cohort_id=cohort_id,
                    challenge_id=challenge_id)  # fmt: skip


def check_in_path(check_in_id):
    """Where a check-in is shown: its challenge's page in the cohort, scrolled to it."""
    entry = CheckIn.get_or_none(CheckIn.id == check_in_id)
    if entry is None:
        return ""
    return check_in_subject_path(entry.id, entry.challenge_id, entry.cohort_id)


def digest_progress(readers, until):
    """Each running challenge of the readers' cohorts: where the cohort stands and how many
    check-ins others made since the reader's last digest (new when there are some). A fixed
    number of queries for the whole batch."""
    cohort_ids = sections.cohort_ids(readers)
    programs = dict(
        Cohort.select(Cohort.id, Cohort.program).where(Cohort.id.in_(cohort_ids)).tuples()
    )
    today = until.date()
    running = list(
        Challenge.select().where(
            Challenge.program.in_(sorted(set(programs.values()))),
            Challenge.cohort.is_null() | Challenge.cohort.in_(cohort_ids),
            Challenge.starts_on <= today,
            Challenge.ends_on >= today - datetime.timedelta(days=7),
        )
    )
    if not running:
        return {}
    tallies = progress.tally(running, cohort_ids)
    recent = {}
    rows = (
        CheckIn.select(CheckIn.challenge, CheckIn.cohort, CheckIn.person, CheckIn.created_at)
        .where(
            CheckIn.challenge.in_([c.id for c in running]),
            CheckIn.cohort.in_(cohort_ids),
            CheckIn.created_at > sections.earliest(readers),
            CheckIn.created_at <= until,
        )
        .tuples()
    )
    for challenge_id, cohort_id, person_id, at in rows:
        recent.setdefault((challenge_id, cohort_id), []).append((person_id, at))
    result = {}
    for reader in readers:
        for cohort_id, (place, _kind) in reader.cohorts.items():
            for challenge in running:
                if challenge.program_id != programs[cohort_id] or challenge.cohort_id not in (
                    None,
                    cohort_id,
                ):
                    continue
                others = sum(
                    1
                    for person_id, at in recent.get((challenge.id, cohort_id), ())
                    if person_id != reader.person_id and at > reader.since
                )
                current = tallies[challenge.id, cohort_id]
                detail = (
                    said_n("Goal reached! %(num)d check-in by others since your last digest",
                           "Goal reached! %(num)d check-ins by others since your last digest",
                           others)
                    if current.reached_at
                    else said_n("%(num)d check-in by others since your last digest",
                                "%(num)d check-ins by others since your last digest", others)
                )  # fmt: skip
                result.setdefault(reader.person_id, []).append(
                    sections.Item(
                        said(
                            "%(challenge)s: %(progress)s",
                            challenge=challenge.title,
                            progress=progress.progress_text(challenge, current),
                        ),
                        path_for("challenges.show", cohort_id=cohort_id, challenge_id=challenge.id),
                        until
                        if others
                        else datetime.datetime.combine(challenge.starts_on, datetime.time()),
                        new=others > 0,
                        detail=detail,
                        place=place,
                    )
                )
    return result


def analytics_progress(cohort_ids, today):
    """[(cohort id, challenge title, percent, reached)] for every challenge of the cohorts'
    programs that has started; a fixed number of queries."""
    cohort_ids = list(cohort_ids)
    programs = dict(
        Cohort.select(Cohort.id, Cohort.program).where(Cohort.id.in_(cohort_ids)).tuples()
    )
    started = list(
        Challenge.select().where(
            Challenge.program.in_(sorted(set(programs.values()))),
            Challenge.cohort.is_null() | Challenge.cohort.in_(cohort_ids),
            Challenge.starts_on <= today,
        )
    )
    tallies = progress.tally(started, cohort_ids)
    return [
        (
            cohort_id,
            challenge.title,
            tallies[challenge.id, cohort_id].percent,
            tallies[challenge.id, cohort_id].reached_at is not None,
        )  # fmt: skip
        for challenge in sorted(started, key=lambda c: (c.starts_on, c.id))
        for cohort_id in cohort_ids
        if challenge.program_id == programs[cohort_id] and challenge.cohort_id in (None, cohort_id)
    ]


def personal_data(person):
    check_ins = CheckIn.select(
        CheckIn.created_at, Challenge.title.alias("challenge"), CheckIn.status, CheckIn.amount,
        CheckIn.note,
    ).join(Challenge).where(CheckIn.person == person)  # fmt: skip
    return {"check_ins": list(check_ins.dicts())}


def erase_personal(person):
    AwayWeek.delete().where(AwayWeek.person == person).execute()
    HiddenNumbers.delete().where(HiddenNumbers.person == person).execute()
