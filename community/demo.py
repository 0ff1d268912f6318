"""Demo data: one provider, two trainings with a finished and a current iteration each.

Everything is created through the same actions the app uses, so the demo exercises them.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlmodel import col, func, select

from community import accounts, feedback, trainings, tutoring
from community.accounts import Passwords
from community.database import Database
from community.i18n import DISPLAY_TIMEZONE
from community.models import Iteration, Provider, Role, Training, TrainingFormat, User, utcnow
from community.settings import Settings

PROVIDER = "Organisme Démo"
PASSWORD = "demo-ruche-2026"  # noqa: S105 - published in the README, demo accounts only
LEARNERS = [
    "Amina Benali", "Lucas Martin", "Chloé Dubois", "Youssef El Amrani", "Léa Bernard",
    "Mathis Petit", "Inès Moreau", "Hugo Laurent", "Fatou Diop", "Nathan Roux",
    "Camille Fournier", "Sofiane Haddad",
]  # fmt: skip
STAFF = [
    ("formateur1@demo.test", "Claire Formatrice", Role.TRAINER),
    ("formateur2@demo.test", "Karim Formateur", Role.TRAINER),
    ("organisme@demo.test", "Sophie Organisme", Role.STAFF),
    ("admin@demo.test", "Admin Ruche", Role.ADMIN),
]
TRAININGS = [
    {
        "title": "Assistant·e de vie aux familles",
        "description": "Accompagner les personnes à domicile : gestes, sécurité, relation.",
        "format": TrainingFormat.CLASSIC,
        "sessions": ["Accueil et cadre", "Gestes et postures", "Hygiène et sécurité",
                     "Repas et nutrition", "Relation d'aide", "Situations d'urgence"],
    },
    {
        "title": "Développeur·se web et web mobile",
        "description": "Classe inversée : on explore les ressources avant, on pratique ensemble.",
        "format": TrainingFormat.FLIPPED,
        "sessions": ["HTML accessible", "CSS mobile d'abord", "JavaScript et le DOM",
                     "Formulaires et validation", "Bases de données", "Projet en équipe"],
    },
]  # fmt: skip


# Mean rating per criterion: (finished group, current group). The current groups got the
# changes their predecessors asked for, so reports and comparisons have a story to tell.
MOODS = [
    {"usefulness": (3.4, 3.9), "clarity": (3.1, 3.6), "pace": (2.5, 3.5), "atmosphere": (3.9, 4.1)},
    {"usefulness": (3.8, 4.3), "clarity": (3.4, 3.9), "pace": (3.2, 3.4), "atmosphere": (4.0, 4.3)},
]
COMMENTS = [
    "Très concret, merci !",
    "Un peu rapide sur la fin, j'ai décroché.",
    "J'aurais aimé plus d'exercices pratiques.",
    "Super ambiance dans le groupe.",
    "Les ressources à voir avant la séance m'ont bien aidé.",
    "Trop de théorie d'un coup.",
]


SKILLS = ["Gestes et postures", "Premiers secours", "Relation d'aide", "HTML", "CSS",
          "JavaScript", "SQL", "Git", "Accessibilité numérique"]  # fmt: skip
# (learner number, skill, "offer" or "want", level)
SKILL_MARKS = [
    (2, "Premiers secours", "offer", 3), (4, "Gestes et postures", "offer", 2),
    (5, "Premiers secours", "offer", 2), (3, "Relation d'aide", "offer", 3),
    (1, "Premiers secours", "want", 1), (6, "Gestes et postures", "want", 1),
    (8, "CSS", "offer", 3), (9, "JavaScript", "offer", 2), (10, "SQL", "offer", 3),
    (11, "Git", "offer", 2), (7, "JavaScript", "want", 1), (12, "SQL", "want", 1),
]  # fmt: skip


def learner_email(n: int) -> str:
    return f"apprenant{n}@demo.test"


async def run(settings: Settings, *, only_if_empty: bool = False) -> None:
    db = Database(settings.database_url)
    try:
        async with db.session() as session:
            users = (await session.exec(select(func.count(col(User.id))))).one()
            loaded = (await session.exec(select(Provider).where(Provider.name == PROVIDER))).first()
        if loaded or (only_if_empty and users):
            print("Demo data already present." if loaded else "Database not empty: no demo data.")
        else:
            await load(db, Passwords(settings.hashing_profile))
            print("Demo data loaded.")
        if loaded or not (only_if_empty and users):
            await print_summary(db)
    finally:
        await db.dispose()


async def load(db: Database, passwords: Passwords, today: date | None = None) -> None:
    today = today or date.today()
    async with db.session() as session:
        provider = await trainings.create_provider(session, PROVIDER)
        people: dict[str, User] = {}
        for email, name, role in STAFF:
            people[email] = await _account(session, passwords, email, name, role, provider.id)
        for n, name in enumerate(LEARNERS, start=1):
            people[learner_email(n)] = await _account(
                session, passwords, learner_email(n), name, Role.LEARNER, None
            )
        staff = people["organisme@demo.test"]
        for index, spec in enumerate(TRAININGS):
            training = await trainings.create_training(
                session,
                staff,
                provider.id,
                {k: spec[k] for k in ("title", "description", "format")},
            )
            trainer = people[f"formateur{index + 1}@demo.test"]
            half = [learner_email(n) for n in range(1 + 6 * index, 7 + 6 * index)]
            other = [learner_email(n) for n in range(7 - 6 * index, 13 - 6 * index)]
            for finished, start, learners in (
                (True, today - timedelta(days=200), other),
                (False, today - timedelta(days=42), half),
            ):
                iteration = await _iteration(
                    session, staff, training, start, finished, spec["sessions"]
                )
                group = [people[e] for e in learners]
                await _enrol(session, staff, trainer, iteration, group)
                moods = {key: pair[0 if finished else 1] for key, pair in MOODS[index].items()}
                rng = random.Random(index)  # noqa: S311 - reproducible demo data
                await _feedback(session, staff, iteration, group, moods, rng)
        await _skills(session, provider.id, people)


async def _account(session, passwords, email, name, role, provider_id) -> User:  # type: ignore[no-untyped-def]
    data = {"email": email, "display_name": name, "password": PASSWORD}
    return await accounts.sign_up(
        session, passwords, data, locale="fr", role=role, provider_id=provider_id
    )


async def _iteration(session, staff, training, start, finished, titles) -> Iteration:  # type: ignore[no-untyped-def]
    end = start + timedelta(days=7 * len(titles) + (0 if finished else 60))
    season = "printemps" if start.month in (3, 4, 5, 6) else "automne"
    data = {
        "name": f"Promotion {season} {start.year}",
        "starts_on": start.isoformat(),
        "ends_on": end.isoformat(),
        "changes_note": (
            ""
            if finished
            else "Plus de pratique en binôme et un point d'étape à mi-parcours, "
            "suite à vos retours."
        ),
    }
    iteration = await trainings.create_iteration(session, staff, training, data, code_days=120)
    view = await trainings.iteration_view(session, staff, iteration.id)
    for week, title in enumerate(titles):
        day = start + timedelta(days=7 * week + 1)
        begin = datetime.combine(day, time(9, 0))
        await trainings.add_session(
            session,
            staff,
            view,
            {
                "title": title,
                "starts_at": begin.isoformat(timespec="minutes"),
                "ends_at": (begin + timedelta(hours=3)).isoformat(timespec="minutes"),
            },
        )
    return iteration


async def _enrol(session, staff, trainer, iteration, learners) -> None:  # type: ignore[no-untyped-def]
    view = await trainings.iteration_view(session, staff, iteration.id)
    await trainings.add_trainer(session, staff, view, trainer.id)
    code = await trainings.current_code(session, iteration)
    assert code is not None
    for learner in learners:
        await trainings.join_with_code(session, learner, {"code": code.code})


async def print_summary(db: Database) -> None:
    print(f"\nDemo accounts (password: {PASSWORD}):")
    print("  learners:  apprenant1@demo.test … apprenant12@demo.test")
    for email, name, _role in STAFF:
        print(f"  {email:<24} {name}")
    async with db.session() as session:
        today = datetime.now(DISPLAY_TIMEZONE).date()
        rows = await session.exec(
            select(Iteration, Training)
            .join(Training, col(Training.id) == Iteration.training_id)
            .where(Iteration.ends_on >= today)
            .order_by(col(Iteration.id))
        )
        current = list(rows)
        if current:
            print("\nJoin codes of the current groups:")
        for iteration, training in current:
            code = await trainings.current_code(session, iteration)
            if code:
                print(f"  {trainings.format_code(code.code)}  {training.title}, {iteration.name}")
    print()


async def _feedback(session, staff, iteration, learners, moods, rng) -> None:  # type: ignore[no-untyped-def]
    """Nearly everyone answers; the latest ended session is left for the reminder."""
    now = utcnow()
    ended = [s for s in await trainings.sessions_of(session, iteration) if s.ends_at < now]
    training_id = (await trainings.iteration_view(session, staff, iteration.id)).training.id
    dimensions = await feedback.dimensions_of(session, training_id)
    for course in ended if iteration.ends_on < now.date() else ended[:-1]:
        # Five or six learners out of six: enough for results to show above the threshold.
        absent = rng.choice(learners) if rng.random() < 0.5 else None
        for learner in learners:
            if learner is absent:
                continue
            data = {f"d{d.id}": str(_rating(rng, moods[d.key])) for d in dimensions}
            if rng.random() < 0.25:
                data["comment"] = rng.choice(COMMENTS)
            view = await feedback.session_view(session, learner, course.id)
            await feedback.submit(session, learner, view, data, now=course.ends_at)
    group = await trainings.iteration_view(session, staff, iteration.id)
    for answer, _course in await feedback.comments_to_review(session, staff, group):
        await feedback.review(session, staff, group, answer.id, "published")


def _rating(rng: random.Random, mean: float) -> int:
    return min(5, max(1, round(rng.gauss(mean, 0.9))))


async def _skills(session, provider_id, people) -> None:  # type: ignore[no-untyped-def]
    for name in SKILLS:
        await tutoring.add_skill(session, provider_id, {"name": name})
    ids = {s.name: s.id for s in await tutoring.catalogue(session, {provider_id})}
    for number, skill, kind, level in SKILL_MARKS:
        data = {"skill_id": str(ids[skill]), "kind": kind, "level": str(level)}
        await tutoring.mark_skill(session, people[learner_email(number)], data)
