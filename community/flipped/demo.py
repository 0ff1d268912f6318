"""The demo's flipped session: in two days, a capsule of resources, and what three learners
explored and said was blocking them (fewer than k: the board shows counts, not topics yet),
and a question one of them asked, answered by a peer, and what the trainer already changed
because of what they said."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from community import trainings
from community.flipped import capsule, changes, progress, questions
from community.models import CourseSession, User

TITLE = "Formulaires accessibles"
RESOURCES = [
    {"kind": "video", "title": "Étiqueter chaque champ", "url": "https://www.w3.org/WAI/tutorials/forms/labels/",
     "minutes": "8", "question": "Quel attribut relie une étiquette à son champ ?",
     "choices": "for\nname\nclass", "right_choice": "1"},
    {"kind": "document", "title": "Annoncer les erreurs de saisie",
     "url": "https://www.w3.org/WAI/tutorials/forms/notifications/", "minutes": "12"},
    {"kind": "immersive", "title": "Visite à 360° d'un guichet numérique",
     "url": "https://www.w3.org/WAI/people-use-web/", "minutes": "10"},
    {"kind": "text", "title": "À retenir", "minutes": "2",
     "body": "Un champ sans étiquette est muet pour un lecteur d'écran : chacun a la sienne."},
]  # fmt: skip
# (learner number, resources explored with their usefulness, blocking point)
ANSWERS = [
    (9, [4, 5], "Je ne comprends pas comment relier une étiquette à son champ avec for et id."),
    (10, [3], "Les messages d'erreur : où les placer pour que le lecteur d'écran les annonce ?"),
    (11, [5, 4, 4], "Quand relier un message d'erreur au champ avec aria-describedby ?"),
]
# A question before the session, answered by a peer (learner numbers).
QUESTION = (10, "Faut-il un id différent pour chaque champ du formulaire ?")
ANSWER = (11, "Oui : un id est unique dans la page, sinon l'étiquette vise le mauvais champ.")

# "You said, we did": answering no topic, as there are none under k answers.
CHANGE = "Nous commencerons par les messages d'erreur : vous êtes plusieurs à les trouver flous."


async def load(
    db: AsyncSession,
    staff: User,
    trainer: User,
    iteration_id: int,
    learners: dict[int, User],
    today: date,
) -> None:
    view = await trainings.iteration_view(db, staff, iteration_id)
    begin = datetime.combine(today + timedelta(days=2), time(9, 0))
    session: CourseSession = await trainings.add_session(
        db, staff, view, {"title": TITLE, "starts_at": begin.isoformat(timespec="minutes"),
                            "ends_at": (begin + timedelta(hours=3)).isoformat(timespec="minutes")},
    )  # fmt: skip
    assert session.id is not None
    for resource in RESOURCES:
        await capsule.add_resource(db, trainer, session.id, resource)
    items = await capsule.resources(db, session.id)
    for number, ratings, blocking in ANSWERS:
        learner = learners[number]
        for item, rating in zip(items, ratings, strict=False):
            await progress.explore(
                db, learner, session.id, item.id or 0, {"usefulness": str(rating)}
            )
        await progress.say_what_blocks(db, learner, session.id, {"body": blocking})
    await questions.ask(db, learners[QUESTION[0]], session.id, {"question": QUESTION[1]})
    asked = (await questions.threads(db, session.id))[0].question.row
    await questions.answer(
        db, learners[ANSWER[0]], session.id, {"question_id": str(asked.id), "answer": ANSWER[1]}
    )
    await changes.record(db, trainer, session.id, {"body": CHANGE})
