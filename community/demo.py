"""Demo data: one provider, two trainings with a finished and a current iteration each.

Everything is created through the same actions the app uses, so the demo exercises them.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import accounts, feedback, projects, skill_map, trainings, tutoring
from community.accounts import Passwords
from community.database import Database
from community.flipped import demo as flipped_demo
from community.i18n import DISPLAY_TIMEZONE
from community.journal import demo as journal_demo
from community.models import Iteration, Provider, Role, Training, TrainingFormat, User, utcnow
from community.rotation import demo as rotation_demo
from community.settings import Settings
from community.storage import DiskStorage, Storage
from community.vr import demo as vr_demo

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
# What each skill covers, as a trainer of the catalogue would put it.
SKILL_DESCRIPTIONS = {
    "Gestes et postures": "Porter, soulever, déplacer une personne ou une charge sans se "
    "blesser : manutention, transfert lit-fauteuil, rehaussement, verticalisation, "
    "lève-personne, drap de glisse, prévention des troubles musculosquelettiques et du mal "
    "de dos.",
    "Premiers secours": "Réagir face à une urgence : protéger, examiner, alerter le 15, le 18 "
    "ou le 112 ; position latérale de sécurité (PLS), massage cardiaque, défibrillateur, "
    "étouffement et méthode de Heimlich, saignement abondant, brûlure, malaise, chute.",
    "Relation d'aide": "Accompagner la personne aidée et ses proches : écoute active, "
    "empathie, juste distance professionnelle, bientraitance, dignité et intimité, "
    "communication avec les familles, agressivité, anxiété, fin de vie et deuil.",
    "HTML": "Structurer une page web : balises sémantiques (header, nav, main, section, "
    "article), titres, listes, liens, images et texte alternatif, tableaux, formulaires, "
    "validation W3C.",
    "CSS": "Mettre en forme une page : sélecteurs, cascade et spécificité, modèle de boîte "
    "(marges, padding, bordures), flexbox, grid, positionnement, couleurs, polices, "
    "responsive design et media queries, transitions et animations.",
    "JavaScript": "Rendre une page interactive : variables, fonctions, tableaux et objets, "
    "boucles et conditions, DOM et événements, fetch, promesses et async/await, JSON, "
    "débogage dans la console du navigateur.",
    "SQL": "Interroger une base de données : SELECT, filtres, tri (ORDER BY), jointures, "
    "regroupements et agrégats (COUNT, SUM), clés primaires et étrangères, INSERT, UPDATE, "
    "suppression de lignes, création de tables, index, modélisation.",
    "Git": "Versionner son code : dépôt, commit, branches, merge et rebase, conflits, GitHub "
    "ou GitLab, pull request et revue de code, push et pull, revenir en arrière.",
    "Accessibilité numérique": "Rendre un site utilisable par toutes et tous : RGAA et WCAG, "
    "contrastes, navigation au clavier, lecteurs d'écran, ARIA, textes alternatifs, "
    "structure des titres, sous-titres des vidéos, audit.",
}
# (learner number, skill, "offer" or "want", level)
SKILL_MARKS = [
    (2, "Premiers secours", "offer", 3), (4, "Gestes et postures", "offer", 2),
    (5, "Premiers secours", "offer", 2), (3, "Relation d'aide", "offer", 3),
    (1, "Premiers secours", "want", 1), (6, "Gestes et postures", "want", 1),
    (8, "CSS", "offer", 3), (9, "JavaScript", "offer", 2), (10, "SQL", "offer", 3),
    (11, "Git", "offer", 2), (7, "JavaScript", "want", 1), (12, "SQL", "want", 1),
]  # fmt: skip


# The skill map: target jobs (title, code, skills), prerequisites (before, after), and the
# skills each training covers (by its index in TRAININGS).
TARGET_JOBS = [
    (
        "Assistant·e de vie aux familles",
        "K1302",
        ["Gestes et postures", "Premiers secours", "Relation d'aide"],
    ),
    (
        "Développeur·se web",
        "M1805",
        ["HTML", "CSS", "JavaScript", "SQL", "Git", "Accessibilité numérique"],
    ),
]
PREREQUISITES = [
    ("HTML", "CSS"),
    ("HTML", "JavaScript"),
    ("CSS", "Accessibilité numérique"),
    ("Gestes et postures", "Premiers secours"),
]
COVERED = [
    (0, ["Gestes et postures", "Premiers secours", "Relation d'aide"]),
    (1, ["HTML", "CSS", "JavaScript", "SQL"]),
]


# Projects of the current groups, as their learners left them: (training index, author,
# proposal, supporters, members as (learner, role index), tasks as (title, status, assignee),
# messages as (learner, body)). A project with fewer supporters than needed stays proposed.
PROJECTS = [
    (0, 2, {
        "title": "Guide des gestes du quotidien",
        "pitch": "Un petit guide illustré des bons gestes à domicile, fait par nous, "
                 "pour les prochaines promotions.",
        "goals": "Dix fiches relues par la formatrice, imprimées pour l'accueil.",
        "skills": "Gestes et postures, Relation d'aide", "weeks": "6",
        "role0": "Rédaction", "slots0": "2", "role1": "Illustration", "slots1": "1",
        "role2": "Relecture", "slots2": "1",
     }, (3, 4, 5), ((3, 0), (4, 1), (5, 2)),
     (("Lister les gestes à couvrir", "done", 2),
      ("Rédiger la fiche « transfert lit-fauteuil »", "doing", 3),
      ("Dessiner les pictogrammes", "todo", 4)),
     ((2, "Bienvenue ! La liste des gestes est dans les tâches."),
      (4, "Je commence les pictogrammes ce week-end."),
      (3, "@Amina tu peux relire ma première fiche jeudi ?"))),
    (0, 6, {
        "title": "Fiches recettes adaptées",
        "pitch": "Des recettes simples pour les personnes qui mâchent ou avalent difficilement.",
        "skills": "Repas et nutrition", "weeks": "4",
        "role0": "Cuisine", "slots0": "2", "role1": "Mise en page", "slots1": "1",
     }, (1,), (), (), ()),
    (1, 8, {
        "title": "Un site accessible pour l'association du quartier",
        "pitch": "L'épicerie solidaire du quartier n'a pas de site : faisons-lui un site "
                 "simple, rapide et accessible.",
        "skills": "HTML, CSS, Accessibilité numérique", "weeks": "8", "community": "1",
        "role0": "Développement", "slots0": "2", "role1": "Design", "slots1": "1",
        "role2": "Tests d'accessibilité", "slots2": "1",
     }, (9, 10, 11), ((9, 0), (11, 2)),
     (("Maquette de la page d'accueil", "doing", 8),
      ("Vérifier les contrastes", "todo", 11)),
     ((8, "Rendez-vous mardi avec l'association pour recueillir leurs besoins."),
      (9, "Je prépare le squelette HTML d'ici là."))),
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
            await load(
                db, Passwords(settings.hashing_profile), media=DiskStorage(settings.media_dir)
            )
            print("Demo data loaded.")
        if loaded or not (only_if_empty and users):
            await print_summary(db)
    finally:
        await db.dispose()


async def load(
    db: Database,
    passwords: Passwords,
    today: date | None = None,
    *,
    with_projects: bool = True,
    media: Storage | None = None,
) -> None:
    today = today or date.today()
    async with db.session() as session:
        provider = await trainings.create_provider(session, PROVIDER)
        assert provider.id is not None
        people: dict[str, User] = {}
        for email, name, role in STAFF:
            people[email] = await _account(session, passwords, email, name, role, provider.id)
        for n, name in enumerate(LEARNERS, start=1):
            people[learner_email(n)] = await _account(
                session, passwords, learner_email(n), name, Role.LEARNER, None
            )
        await session.commit()
        staff = people["organisme@demo.test"]
        current: list[int] = []
        for index, spec in enumerate(TRAININGS):
            training = await trainings.create_training(
                session,
                staff,
                provider.id,
                {k: str(spec[k]) for k in ("title", "description", "format")},
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
                await _feedback(db, session, staff, iteration, group, moods, rng)
                if not finished:
                    current.append(iteration.id or 0)
        await _skills(session, provider.id, people)
        await flipped_demo.load(
            session, staff, people["formateur2@demo.test"], current[1],
            {n: people[learner_email(n)] for n in range(7, 13)}, today,
        )  # fmt: skip
        await journal_demo.load(
            session, staff, people["formateur2@demo.test"], current[1],
            {n: people[learner_email(n)] for n in range(7, 13)}, today, media=media,
        )  # fmt: skip
        await session.commit()
        for project in PROJECTS if with_projects else ():
            await _project(session, people, current, project, today)

        async def account(email: str, name: str, role: Role) -> User:
            # A regional coordinator belongs to no provider: their region says which they run.
            own = None if role == Role.COORDINATOR else provider.id
            return await _account(session, passwords, email, name, role, own)

        await rotation_demo.load(session, staff, people, account, today)
        everyone = {n: people[learner_email(n)] for n in range(1, 13)}
        await vr_demo.load(session, staff, everyone, today, media)
        await session.commit()


async def _account(
    session: AsyncSession,
    passwords: Passwords,
    email: str,
    name: str,
    role: Role,
    provider_id: int | None,
) -> User:
    data = {"email": email, "display_name": name, "password": PASSWORD}
    return await accounts.sign_up(
        session, passwords, data, locale="fr", role=role, provider_id=provider_id
    )


async def _iteration(
    session: AsyncSession,
    staff: User,
    training: Training,
    start: date,
    finished: bool,
    titles: Sequence[str],
) -> Iteration:
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
    assert iteration.id is not None
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
    await session.commit()
    return iteration


async def _enrol(
    session: AsyncSession, staff: User, trainer: User, iteration: Iteration, learners: list[User]
) -> None:
    assert iteration.id is not None and trainer.id is not None
    view = await trainings.iteration_view(session, staff, iteration.id)
    await trainings.add_trainer(session, staff, view, trainer.id)
    code = await trainings.current_code(session, iteration)
    assert code is not None
    # The demo's learners were there from the group's first day, long before the demo ran.
    first_day = datetime.combine(iteration.starts_on, time(8, 0), DISPLAY_TIMEZONE)
    for learner in learners:
        await trainings.join_with_code(session, learner, {"code": code.code}, now=first_day)
    await session.commit()


async def print_summary(db: Database) -> None:
    print(f"\nDemo accounts (password: {PASSWORD}):")
    print("  learners:  apprenant1@demo.test … apprenant12@demo.test")
    for email, name, _role in STAFF:
        print(f"  {email:<24} {name}")
    for email, name, company, _sector in rotation_demo.CONTACTS:
        print(f"  {email:<24} {name} ({company})")
    email, name = rotation_demo.COORDINATOR
    print(f"  {email:<24} {name} (regional coordinator, job rotation)")
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


async def _feedback(
    db: Database,
    session: AsyncSession,
    staff: User,
    iteration: Iteration,
    learners: list[User],
    moods: dict[str, float],
    rng: random.Random,
) -> None:
    """Nearly everyone answers; the latest ended session is left for the reminder."""
    now = utcnow()
    ended = [s for s in await trainings.sessions_of(session, iteration) if s.ends_at < now]
    group = await trainings.iteration_view(session, staff, iteration.id or 0)
    dimensions = await feedback.dimensions_of(session, group.training.id or 0)
    for course in ended if iteration.ends_on < now.date() else ended[:-1]:
        # Five or six learners out of six: enough for results to show above the threshold.
        absent = rng.choice(learners) if rng.random() < 0.5 else None
        for learner in learners:
            if learner is absent:
                continue
            data = {f"d{d.id}": str(_rating(rng, moods[d.key or ""])) for d in dimensions}
            if rng.random() < 0.25:
                data["comment"] = rng.choice(COMMENTS)
            view = await feedback.session_view(session, learner, course.id or 0)
            await feedback.submit(session, learner, view, data, now=course.ends_at)
            await session.commit()
        await feedback.mix(db, course.id or 0)
    for answer, _course in await feedback.comments_to_review(session, staff, group):
        await feedback.review(session, staff, group, answer.id, feedback.CommentStatus.PUBLISHED)
    await session.commit()


def _rating(rng: random.Random, mean: float) -> int:
    return min(5, max(1, round(rng.gauss(mean, 0.9))))


async def _project(session, people, current, spec, today) -> None:
    index, author, data, supporters, members, tasks, messages = spec

    async def view_of(n: int) -> projects.ProjectView:
        return await projects.project_view(session, people[learner_email(n)], project.id or 0)

    group = await trainings.iteration_view(session, people[learner_email(author)], current[index])
    project = await projects.propose(
        session, people[learner_email(author)], group, {**data, "publish": "1"}
    )
    for n in supporters:
        await projects.support(session, await view_of(n))
    await session.commit()
    if len(supporters) < group.iteration.support_threshold:
        return
    await projects.launch(session, await view_of(author))
    roles = [role.id or 0 for role, _taken in await projects.roles_of(session, project.id or 0)]
    for n, role in members:
        await projects.join(session, await view_of(n), roles[role])
    lead = await view_of(author)
    for title, status, assignee in tasks:
        assignee_id = str(people[learner_email(assignee)].id)
        task = await projects.add_task(session, lead, {"title": title, "assignee_id": assignee_id})
        if status != "todo":
            await projects.move_task(session, lead, task.id or 0, status)
    due = (today + timedelta(days=14)).isoformat()
    await projects.add_milestone(session, lead, {"title": "Première version", "due_on": due})
    for n, body in messages:
        await projects.post(session, await view_of(n), {"body": body})
    await session.commit()


async def _skills(session, provider_id, people) -> None:
    for name in SKILLS:
        await tutoring.add_skill(session, people["organisme@demo.test"], {"name": name})
    ids = {s.name: s.id for s in await tutoring.catalogue(session, {provider_id})}
    for number, skill, kind, level in SKILL_MARKS:
        data = {"skill_id": str(ids[skill]), "kind": kind, "level": str(level)}
        await tutoring.mark_skill(session, people[learner_email(number)], data)
    for name, text in SKILL_DESCRIPTIONS.items():
        data = {"described_skill_id": str(ids[name]), "description": text}
        await skill_map.describe_skill(session, people["organisme@demo.test"], data)
    await _skill_map(session, people["organisme@demo.test"], ids)
    await session.commit()


async def _skill_map(session, staff, ids) -> None:
    for title, code, _skills in TARGET_JOBS:
        await skill_map.add_job(session, staff, {"title": title, "job_code": code})
    jobs = {
        job.title: job.id for job in await skill_map.provider_jobs(session, {staff.provider_id})
    }
    for title, _code, skills in TARGET_JOBS:
        for name in skills:
            data = {"job_id": str(jobs[title]), "job_skill_id": str(ids[name])}
            await skill_map.add_job_skill(session, staff, data)
    for before, after in PREREQUISITES:
        data = {"from_skill_id": str(ids[before]), "to_skill_id": str(ids[after])}
        await skill_map.add_link(session, staff, {**data, "kind": "prerequisite"})
    titles = [str(spec["title"]) for spec in TRAININGS]
    found = await session.exec(select(Training).where(Training.provider_id == staff.provider_id))
    by_title = {training.title: training.id for training in found}
    for index, skills in COVERED:
        for name in skills:
            data = {
                "training_id": str(by_title[titles[index]]),
                "training_skill_id": str(ids[name]),
            }
            await skill_map.add_training_skill(session, staff, data)
