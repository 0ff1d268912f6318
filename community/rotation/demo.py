"""Demo data of job rotation: two partner companies, three departures at different stages
(open, candidates proposed with one checklist item ticked, replacement found and ready, with
the employee's handover, a tutoring session and the replacement's onboarding group), a
small pool, and past departures followed to their outcomes, made through the actions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import trainings
from community.models import (
    Enrolment,
    Iteration,
    Proposal,
    RegionCoordinator,
    Role,
    Skill,
    User,
)
from community.rotation import (
    companies,
    departures,
    eligibility,
    handover,
    onboarding,
    outcomes,
    pool,
    proposals,
)

# (contact's address, name, company, sector)
CONTACTS = [
    ("entreprise1@demo.test", "Marc Lefèvre", "Aide à domicile du Rhône", "Aide à la personne"),
    ("entreprise2@demo.test", "Nadia Girard", "Agence web Canut", "Numérique"),
]
# A regional coordinator runs the rotation of the demo's provider and of a partner one.
COORDINATOR = ("coordination@demo.test", "Hélène Garnier")
PARTNER_PROVIDER = "Organisme Partenaire Isère"
# (learner number, skills in their words, postcode, km, hours a week)
POOL = [
    (3, "premiers secours, gestes et postures, relation d'aide", "69003", 25, 35),
    (4, "Premier secour, aide à la toilette", "69100", 40, 28),
    (5, "HTML, CSS, javascript", "69007", 15, 35),
    (8, "gestes et posture, cuisine", "38200", 10, 20),
]
DEPARTURES: list[dict[str, Any]] = [
    {
        "employee_name": "Sylvie Roche",
        "post_title": "Auxiliaire de vie",
        "tasks": "Aide au lever et au coucher, repas, courses, accompagnement aux rendez-vous.",
        "shift": "Matins, de 7 h à 13 h",
        "site": "Lyon 3e",
        "site_postcode": "69003",
        "training_name": "Titre professionnel d'aide-soignant·e",
        "skills": ["Premiers secours", "Gestes et postures", "Relation d'aide"],
        "weeks": (3, 40),
        "hours": (30, 30),
    },
    {
        "employee_name": "Patrick Morel",
        "post_title": "Aide à domicile",
        "tasks": "Entretien du logement, préparation des repas, présence auprès des personnes.",
        "shift": "Après-midis",
        "site": "Villeurbanne",
        "site_postcode": "69100",
        "training_name": "Assistant·e de vie aux familles, en alternance",
        "skills": ["Gestes et postures", "Premiers secours"],
        "weeks": (6, 30),
        "hours": (28, 24),
    },
    {
        "employee_name": "Julie Faure",
        "employee_email": "julie.faure@demo.test",
        "post_title": "Intégrateur·rice web",
        "tasks": "Maquettes en HTML et CSS, corrections d'accessibilité, mises en ligne.",
        "shift": "Journée",
        "site": "Lyon 7e",
        "site_postcode": "69007",
        "training_name": "Concepteur·rice développeur·se d'applications",
        "skills": ["HTML", "CSS", "JavaScript"],
        "weeks": (4, 52),
        "hours": (35, 35),
    },
]

Account = Callable[[str, str, Role], Awaitable[User]]


async def load(
    session: AsyncSession, staff: User, people: dict[str, User], account: Account, today: date
) -> None:
    contacts = []
    for email, name, company_name, sector in CONTACTS:
        company = await companies.create(session, staff, {"name": company_name, "sector": sector})
        contact = await account(email, name, Role.COMPANY)
        await companies.attach(session, staff, company, contact)
        contacts.append(contact)
    for number, skills, postcode, km, hours in POOL:
        data = {
            "skills": skills, "available_from": today.isoformat(), "hours_per_week": str(hours),
            "postcode": postcode, "travel_km": str(km), "consent": "yes",
        }  # fmt: skip
        await pool.join(session, people[f"apprenant{number}@demo.test"], data)
    catalogue = {s.name: s.id for s in await session.exec(select(Skill))}
    employee = await account("julie.faure@demo.test", "Julie Faure", Role.LEARNER)
    groups = await departures.training_choices(session, staff.provider_id or 0)
    made = []
    for index, spec in enumerate(DEPARTURES):
        first, last = (today + timedelta(weeks=w) for w in spec["weeks"])
        training, replacement = spec["hours"]
        data = {
            **{k: v for k, v in spec.items() if isinstance(v, str)},
            "starts_on": first.isoformat(), "ends_on": last.isoformat(),
            "training_hours": str(training), "replacement_hours": str(replacement),
            "skill_ids": ",".join(str(catalogue[name]) for name in spec["skills"]),
        }  # fmt: skip
        if index == 2:  # the filled departure's training is a group of Ruche
            data["iteration_id"] = groups[0][0]
        made.append(await departures.declare(session, contacts[0 if index < 2 else 1], data))
    # The replacement found for the third is onboarded, from acceptance, in the group they
    # already learn in: the demo's other groups keep the members their pages count.
    onboarding_group = await _current_group(session, people["apprenant5@demo.test"], today)
    onboarded = {"onboarding_iteration_id": str(onboarding_group)}
    await onboarding.choose(session, staff, made[2].id or 0, onboarded)
    await _stages(session, staff, people, contacts, [d.id or 0 for d in made])
    await _handed_over(session, employee, made[2].id or 0, today)
    await history(session, staff, people, contacts, today)
    await _region(session, staff, account)


async def _region(session: AsyncSession, staff: User, account: Account) -> None:
    partner = await trainings.create_provider(session, PARTNER_PROVIDER)
    email, name = COORDINATOR
    coordinator = await account(email, name, Role.COORDINATOR)
    for provider_id in sorted({staff.provider_id or 0, partner.id or 0}):
        session.add(RegionCoordinator(user_id=coordinator.id or 0, provider_id=provider_id))


async def _current_group(session: AsyncSession, learner: User, today: date) -> int:
    query = (
        select(Enrolment.iteration_id)
        .join(Iteration, col(Iteration.id) == Enrolment.iteration_id)
        .where(Enrolment.user_id == learner.id, Iteration.ends_on >= today)
        .order_by(col(Iteration.starts_on))
    )
    return (await session.exec(query)).first() or 0


async def _stages(session, staff, people, contacts, ids) -> None:
    """The first departure is still open; the second has two candidates proposed; the third
    found its replacement, both sides having accepted."""
    for number in (3, 4):
        candidate = people[f"apprenant{number}@demo.test"]
        await proposals.propose(session, staff, ids[1], {"candidate_id": str(candidate.id)})
    candidate = people["apprenant5@demo.test"]
    await proposals.propose(session, staff, ids[2], {"candidate_id": str(candidate.id)})
    await session.flush()
    proposal = (await session.exec(select(Proposal).where(Proposal.departure_id == ids[2]))).one()
    accept = {"decision": "accepted"}
    await proposals.decide(session, candidate, proposal.id or 0, "candidate", accept)
    await proposals.decide(session, contacts[1], proposal.id or 0, "company", accept)
    await _made_ready(session, staff, ids[2], date.today())
    first_item = (await eligibility.items_of(session, ids[1]))[0]
    await eligibility.tick(
        session, staff, first_item.id or 0, {"done_on": date.today().isoformat()}
    )


async def _handed_over(session, employee: User, departure_id: int, today: date) -> None:
    """The filled departure's employee left a handover and tutored their replacement once."""
    await handover.write(session, employee, departure_id, HANDOVER)
    skill = (await departures.skills_of(session, departure_id))[0]
    session_data = {
        "tutored_on": today.isoformat(), "duration": "90", "skill_id": str(skill.id),
        "topic": "Mise en ligne d'une page et tests d'accessibilité",
    }  # fmt: skip
    await handover.log_tutoring(session, employee, departure_id, session_data)


HANDOVER = {
    "tasks": "Intégrer les maquettes reçues le lundi ; corriger les tickets d'accessibilité.",
    "contacts": "Nadia Girard pour les priorités ; l'hébergeur pour les mises en ligne.",
    "tricks": "Tester au clavier avant chaque mise en ligne ; maquettes dans le dossier partagé.",
}


# Past departures, so that the outcomes dashboard has something to show and something to
# hide: (contact's index, quarter's index, replaced, fate of the replacement, of the employee).
HISTORY: list[tuple[int, int, bool, str, str]] = [
    (0, 0, True, "hired", "back"),
    (0, 0, True, "hired", "promoted"),
    (0, 0, True, "other_job", "back"),
    (0, 0, True, "training", "back"),
    (0, 0, False, "none", "back"),
    (0, 0, True, "unemployed", "left"),
    (0, 1, True, "hired", "back"),
    (0, 1, True, "hired", "back"),
    (0, 1, False, "none", "promoted"),
    (1, 0, True, "hired", "back"),
    (1, 0, True, "other_job", "back"),
    (1, 0, True, "hired", "left"),
    (1, 0, False, "none", "back"),
]
PAST_NAMES = [
    "Céline Barbier", "Hugo Lemaire", "Inès Perrin", "Luc Renard", "Maëlle Colin",
    "Nicolas Vidal", "Océane Rey", "Pierre Gauthier", "Rose Marchand", "Samuel Brun",
    "Thérèse Dumont", "Victor Arnaud", "Yasmine Roussel",
]  # fmt: skip


async def history(session, staff, people, contacts, today: date) -> None:
    """Departures of past quarters, made ready, filled and followed through the actions; the
    last record of the first is left for the board's reminder."""
    back = today - timedelta(weeks=60)
    first_quarter = date(back.year, 3 * ((back.month - 1) // 3) + 1, 1)
    pooled = [people[f"apprenant{n}@demo.test"] for n in (3, 4, 5, 8)]
    for index, (contact, quarter, filled, fate, employee) in enumerate(HISTORY):
        start = first_quarter + timedelta(weeks=16 * quarter)
        data = {
            "employee_name": PAST_NAMES[index], "post_title": "Agent·e polyvalent·e",
            "site_postcode": "69003", "training_name": "Formation qualifiante",
            "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(weeks=30)).isoformat(),
            "training_hours": "35", "replacement_hours": "35",
        }  # fmt: skip
        departure = await departures.declare(session, contacts[contact], data)
        await session.flush()
        await _made_ready(session, staff, departure.id or 0, start - timedelta(days=130))
        if filled:
            candidate = pooled[index % len(pooled)]
            await _filled(session, staff, contacts[contact], candidate, departure.id or 0)
        moments = ["end"] if quarter or index == 0 else ["end", "later"]
        for moment in moments:
            answer = {"moment": moment, "replacement": fate, "employee": employee}
            await outcomes.record(session, staff, departure.id or 0, answer)


async def _made_ready(session, staff, departure_id: int, day: date) -> None:
    for item in await eligibility.items_of(session, departure_id):
        await eligibility.tick(session, staff, item.id or 0, {"done_on": day.isoformat()})
    await eligibility.mark_ready(session, staff, departure_id)


async def _filled(session, staff, contact, candidate, departure_id: int) -> None:
    made = await proposals.propose(
        session, staff, departure_id, {"candidate_id": str(candidate.id)}
    )
    accept = {"decision": "accepted"}
    await proposals.decide(session, candidate, made.id or 0, "candidate", accept)
    await proposals.decide(session, contact, made.id or 0, "company", accept)
