"""Candidates for a departure, ranked by a score whose every point has a reason in words:
the skills the post needs (matched fuzzily against what the candidate wrote), when and how
much they can work, and how far the site is for them."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from community.i18n import _, ngettext, show_date
from community.models import Departure, PoolMember, Skill, User
from community.rotation.pool import skill_labels

SKILLS_POINTS = 60
START_POINTS = 15
HOURS_POINTS = 10
DISTANCE_POINTS = 15
# A written skill this close to a catalogue's name is taken as the same skill: accents,
# case, a missing letter or word order do not matter; another skill scores well below.
SAME_SKILL = 85
# Postcodes say the town and the département, not a distance: a département is taken as
# within reach of someone who travels this far.
DEPARTEMENT_KM = 30


@dataclass(frozen=True)
class Ranked:
    member: PoolMember
    person: User
    score: int
    reasons: list[str]


def _skills(needed: list[Skill], labels: list[str]) -> tuple[int, str]:
    if not needed:
        return SKILLS_POINTS, _("The post names no particular skill.")
    found, missing = [], []
    for skill in needed:
        best = process.extractOne(
            skill.name, labels, scorer=fuzz.WRatio, processor=utils.default_process
        )
        if best is not None and best[1] >= SAME_SKILL:
            found.append(_("%(skill)s (wrote “%(words)s”)", skill=skill.name, words=best[0]))
        else:
            missing.append(skill.name)
    points = round(SKILLS_POINTS * len(found) / len(needed))
    text = _("Skills: %(found)d of %(needed)d.", found=len(found), needed=len(needed))
    if found:
        text += " " + _("Has: %(list)s.", list="; ".join(found))
    if missing:
        text += " " + _("Lacks: %(list)s.", list="; ".join(missing))
    return points, text


def _availability(departure: Departure, member: PoolMember) -> tuple[int, list[str]]:
    points, reasons = 0, []
    if member.available_from <= departure.starts_on:
        points += START_POINTS
        reasons.append(_("Available from the start."))
    else:
        late = (member.available_from - departure.starts_on).days
        reasons.append(
            ngettext(
                "Available from %(day)s only, %(num)d day after the start.",
                "Available from %(day)s only, %(num)d days after the start.",
                late,
                day=show_date(member.available_from),
            )
        )
    if member.hours_per_week >= departure.replacement_hours:
        points += HOURS_POINTS
        reasons.append(
            _("Can work %(hours)d h a week: enough for the post.", hours=member.hours_per_week)
        )
    else:
        reasons.append(
            _(
                "Can work %(hours)d h a week; the post needs %(needed)d.",
                hours=member.hours_per_week,
                needed=departure.replacement_hours,
            )
        )
    return points, reasons


def _distance(departure: Departure, member: PoolMember) -> tuple[int, str]:
    if member.postcode == departure.site_postcode:
        return DISTANCE_POINTS, _("Lives in the site's town.")
    if member.postcode[:2] == departure.site_postcode[:2]:
        if member.travel_km >= DEPARTEMENT_KM:
            return DISTANCE_POINTS, _(
                "Lives in the site's département and travels up to %(km)d km.",
                km=member.travel_km,
            )
        return DISTANCE_POINTS // 2, _(
            "Lives in the site's département but travels only %(km)d km: check the journey.",
            km=member.travel_km,
        )
    return 0, _("Lives in another département (%(code)s).", code=member.postcode[:2])


def score(departure: Departure, needed: list[Skill], member: PoolMember) -> tuple[int, list[str]]:
    skill_points, skill_reason = _skills(needed, skill_labels(member))
    time_points, time_reasons = _availability(departure, member)
    place_points, place_reason = _distance(departure, member)
    total = skill_points + time_points + place_points
    return total, [skill_reason, *time_reasons, place_reason]


def rank(
    departure: Departure, needed: list[Skill], pool: list[tuple[PoolMember, User]]
) -> list[Ranked]:
    """Best first; equal scores by name, so that the order does not change between loads."""
    ranked = [Ranked(m, p, *score(departure, needed, m)) for m, p in pool]
    return sorted(ranked, key=lambda r: (-r.score, r.person.display_name, r.person.id or 0))
