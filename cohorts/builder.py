"""The cohort builder: balanced cohorts from participants, as plain data.

Rules, in order of strictness: sizes within one of each other and within the program's
bounds; never a person with their direct manager; each cohort's time zones within a span;
no department above half of a cohort; locations mixed. Where the population does not allow
a rule, the proposal relaxes it and says why. Same input and seed, same proposal."""

import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import ngettext

from cohorts.models import MAX_SIZE, MIN_SIZE

DEFAULT_SPAN_HOURS = 4
# How many neighbouring cohorts a repair looks at: enough to find a swap, bounded for speed.
SEARCH_WIDTH = 40


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    department: str
    location: str
    time_zone: str
    manager_id: int | None = None

    @property
    def offset(self):
        return utc_offset(self.time_zone)


@cache
def utc_offset(time_zone):
    """Hours from UTC now (daylight saving included); unknown zones count as UTC."""
    try:
        delta = datetime.now(ZoneInfo(time_zone)).utcoffset()
    except (KeyError, ValueError):
        return 0.0
    return delta.total_seconds() / 3600 if delta else 0.0


@dataclass
class Proposal:
    cohorts: list  # lists of Candidates
    flags: dict = field(default_factory=dict)  # cohort index -> reasons a rule was relaxed

    @property
    def relaxed(self):
        return [reason for index in sorted(self.flags) for reason in self.flags[index]]


def cohort_sizes(count, target, low=MIN_SIZE, high=MAX_SIZE):
    """Sizes within one of each other, as close to `target` as the bounds allow."""
    if count == 0:
        return []
    groups = max(1, round(count / target))
    while math.ceil(count / groups) > high:
        groups += 1
    while groups > 1 and count // groups < low:
        groups -= 1
    base, extra = divmod(count, groups)
    return [base + 1] * extra + [base] * (groups - extra)


def span(members):
    offsets = [m.offset for m in members]
    return max(offsets) - min(offsets) if offsets else 0.0


def describe(members):
    """Why a cohort is balanced: its departments, locations and time-zone span."""
    return {
        "departments": Counter(m.department or "No department" for m in members).most_common(),
        "locations": Counter(m.location or "No location" for m in members).most_common(),
        "span": span(members),
    }


def build(candidates, target, seed=0, span_hours=DEFAULT_SPAN_HOURS):
    """Propose cohorts for `candidates`."""
    rng = random.Random(seed)
    people = sorted(candidates, key=lambda c: c.id)
    tiebreak = {c.id: rng.random() for c in people}
    sizes = cohort_sizes(len(people), target)
    by_offset = sorted(people, key=lambda c: (c.offset, tiebreak[c.id]))

    cohorts, bands, start = [], [], 0
    chunks = []
    for size in sizes:
        chunks.append(by_offset[start : start + size])
        start += size
    # A band: consecutive chunks whose people all fit in the span; people are dealt across it.
    band = [0]
    for index in range(1, len(chunks)):
        first, last = chunks[band[0]][0], chunks[index][-1]
        if last.offset - first.offset <= span_hours:
            band.append(index)
        else:
            bands.append(band)
            band = [index]
    if chunks:
        bands.append(band)

    band_of = {}
    for band in bands:
        members = [c for index in band for c in chunks[index]]
        members.sort(key=lambda c: (c.department, c.location, tiebreak[c.id]))
        dealt = [[] for _ in band]
        capacity = [len(chunks[index]) for index in band]
        slot = 0
        for person in members:
            while len(dealt[slot]) >= capacity[slot]:
                slot = (slot + 1) % len(band)
            dealt[slot].append(person)
            slot = (slot + 1) % len(band)
        for group in dealt:
            band_of[len(cohorts)] = band
            cohorts.append(group)

    proposal = Proposal(cohorts)
    _separate_managers(proposal, span_hours)
    _balance_departments(proposal, span_hours)
    _flag(proposal, people, span_hours)
    for group in proposal.cohorts:
        group.sort(key=lambda c: (c.name, c.id))
    return proposal


def conflicts(person, group):
    """True if `person` would share `group` with their manager or one of their reports."""
    return any(
        other.id != person.id and (other.id == person.manager_id or other.manager_id == person.id)
        for other in group
    )


def _fits_span(person, group, span_hours, leaving):
    if span_hours is None:
        return True
    rest = [m for m in group if m is not leaving] + [person]
    return span(rest) <= span_hours or span(rest) <= span(group)


def _swap_partner(proposal, index, person, span_hours, acceptable):
    """Someone in a nearby cohort to swap with `person`, keeping the rules; or None."""
    cohorts = proposal.cohorts
    order = sorted(range(len(cohorts)), key=lambda i: (abs(i - index), i))[1 : SEARCH_WIDTH + 1]
    here = cohorts[index]
    for other_index in order:
        there = cohorts[other_index]
        ranked = sorted(
            there,
            key=lambda c: (c.department != person.department, c.location != person.location),
        )
        for partner in ranked:
            here_after = [m for m in here if m is not person]
            there_after = [m for m in there if m is not partner]
            if (
                not conflicts(person, there_after)
                and not conflicts(partner, here_after)
                and _fits_span(person, there, span_hours, partner)
                and _fits_span(partner, here, span_hours, person)
                and acceptable(here_after + [partner], there_after + [person])
            ):
                return other_index, partner
    return None


def _swap(proposal, index, person, other_index, partner):
    here, there = proposal.cohorts[index], proposal.cohorts[other_index]
    here[here.index(person)] = partner
    there[there.index(partner)] = person


def _separate_managers(proposal, span_hours):
    """Never a person with their manager: if no swap keeps the time-zone span, the span gives."""
    for index, group in enumerate(proposal.cohorts):
        for person in list(group):
            if person in group and conflicts(person, group):
                found = _swap_partner(
                    proposal, index, person, span_hours, lambda a, b: True
                ) or _swap_partner(proposal, index, person, None, lambda a, b: True)
                if found:
                    _swap(proposal, index, person, *found)


def over_half(group):
    counts = Counter(m.department for m in group)
    department, count = counts.most_common(1)[0] if counts else ("", 0)
    return department if count > len(group) // 2 else None


def _balance_departments(proposal, span_hours):
    """Swap members of an over-represented department out, one at a time, while it helps."""
    for index, group in enumerate(proposal.cohorts):
        # Each swap lowers the department's count and puts no other above half: it ends.
        while (department := over_half(group)) is not None:
            before = Counter(m.department for m in group)[department]

            def helps(here, there, d=department, before=before):
                return (
                    over_half(there) is None
                    and over_half(here) in (None, d)
                    and Counter(m.department for m in here)[d] < before
                )

            for mover in [m for m in group if m.department == department]:
                found = _swap_partner(proposal, index, mover, span_hours, helps)
                if found:
                    _swap(proposal, index, mover, *found)
                    break
            else:
                break


def _flag(proposal, people, span_hours):
    shares = Counter(c.department for c in people)
    for index, group in enumerate(proposal.cohorts):
        reasons = problems(group, shares, span_hours)
        if reasons:
            proposal.flags[index] = reasons


def problems(group, shares, span_hours=DEFAULT_SPAN_HOURS, *, moved_by_hand=False):
    """The rules this cohort breaks, each with why; `shares` counts departments among all
    the participants it was formed from. In a cohort L&D moved people into or out of, the
    rules are broken by that move, not relaxed by the builder: the builder's reasons would
    be false there, so only the facts are given."""
    total = sum(shares.values()) or 1
    reasons = []
    if len(group) < MIN_SIZE:
        reasons.append(
            ngettext(
                "Only %(num)d participant: this cohort is smaller than %(smallest)d.",
                "Only %(num)d participants: this cohort is smaller than %(smallest)d.",
                len(group), smallest=MIN_SIZE,
            )
        )  # fmt: skip
    if span(group) > span_hours:
        hours = {"hours": f"{span(group):g}", "most": f"{span_hours:g}"}
        reasons.append(
            _("Time zones span %(hours)s hours, more than %(most)s.", **hours)
            if moved_by_hand
            else _(
                "Time zones span %(hours)s hours, more than %(most)s: too few participants "
                "live close enough in time to form a cohort of their own.",
                **hours,
            )
        )
    department = over_half(group)
    if department is not None:
        share = round(100 * shares[department] / total)
        name = department or _("No department")
        reasons.append(
            _("%(department)s is more than half of this cohort.", department=name)
            if moved_by_hand
            else _(
                "%(department)s is more than half of this cohort: it is %(share)s%% of the "
                "participants.",
                department=name, share=share,
            )
        )  # fmt: skip
    for person in group:
        manager = next((m for m in group if m.id == person.manager_id), None)
        if manager is not None:
            names = {"name": person.name, "manager": manager.name}
            reasons.append(
                _("%(name)s shares this cohort with their manager %(manager)s. Move one of them.",
                  **names)
                if moved_by_hand
                else _("%(name)s shares this cohort with their manager %(manager)s: no swap kept "
                       "the other rules. Move one of them.", **names)
            )  # fmt: skip
    return reasons
