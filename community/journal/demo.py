"""The demo's journal: work situations of learners of the flipped group, three of them shared
for a pooling session in five days (one confirmed by a mentor, one commented by a peer, one
with a photo of the phone's screen, and one skill of it validated by the trainer, so that it has
evidence from all three sources; the trainer picked the first to discuss), and one kept
private."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

from PIL import Image, ImageDraw
from sqlmodel.ext.asyncio.session import AsyncSession

from community import storage, trainings
from community.images import Upload
from community.journal import entries, evidence, mentor, photos, picks, pooling
from community.models import CourseSession, Skill, User, utcnow
from community.skill_map.common import provider_skills

TITLE = "Retour d'alternance : mise en commun"
# (learner number, entry, skills used, shared for the pooling session)
ENTRIES = [
    (
        7,
        {
            "title": "Un formulaire de contact refusé par l'audit",
            "happened": "L'auditrice a testé notre formulaire de contact au lecteur d'écran : "
            "trois champs sans étiquette.",
            "did": "J'ai ajouté une étiquette à chaque champ et relié les messages d'erreur.",
            "hard": "Comprendre ce que le lecteur d'écran annonçait vraiment.",
            "next_time": "Tester au clavier et au lecteur d'écran avant de livrer.",
        },
        ["Accessibilité numérique", "HTML"],
        True,
    ),
    (
        8,
        {
            "title": "Mise en page cassée sur téléphone",
            "happened": "Sur son téléphone, le client a vu le menu de l'accueil déborder.",
            "did": "J'ai repris la grille avec des requêtes média et vérifié à 360 pixels.",
            "hard": "Retrouver quelle règle créait le débordement.",
            "next_time": "Commencer par la petite taille d'écran.",
        },
        ["CSS"],
        True,
    ),
    (
        9,
        {
            "title": "Un conflit de fusion avant la livraison",
            "happened": "Deux développeurs avaient modifié le même fichier avant la mise en ligne.",
            "did": "J'ai résolu le conflit avec ma tutrice, puis relancé les tests.",
            "hard": "Savoir quelle version garder sans casser le travail de l'autre.",
            "next_time": "Intégrer les changements de la branche principale plus souvent.",
        },
        ["Git"],
        True,
    ),
    (
        10,
        {
            "title": "Première réunion avec un client",
            "happened": "J'ai présenté la maquette du site à la gérante de la boulangerie.",
            "did": "J'ai noté ses remarques et reformulé ses demandes.",
            "hard": "Dire non à une demande hors du devis.",
            "next_time": "Préparer la réunion avec ma tutrice.",
        },
        [],
        False,
    ),
]
MENTOR = {"mentor_name": "Sabine Lefèvre", "mentor_email": "sabine.lefevre@entreprise.test"}
COMMENT = (11, "Pareil chez nous : on teste maintenant au clavier à chaque livraison.")
VALIDATED = (
    "Accessibilité numérique",
    "Étiquettes et messages d'erreur vérifiés en séance.",
)


async def load(db: AsyncSession, staff: User, trainer: User, iteration_id: int,
               learners: dict[int, User], today: date,
               base_url: str = "http://127.0.0.1:8000",
               media: storage.Storage | None = None) -> None:  # fmt: skip
    """Without `media`, the entries without their photo."""
    view = await trainings.iteration_view(db, staff, iteration_id)
    begin = datetime.combine(today + timedelta(days=5), time(14, 0))
    session: CourseSession = await trainings.add_session(
        db, staff, view, {"title": TITLE, "starts_at": begin.isoformat(timespec="minutes"),
                            "ends_at": (begin + timedelta(hours=2)).isoformat(timespec="minutes")},
    )  # fmt: skip
    catalogue = {s.name: s for s in await provider_skills(db, view.training.provider_id)}
    written = []
    for number, fields, skills, shared in ENTRIES:
        data = {**fields, **{f"skill-{_id(catalogue[name])}": "on" for name in skills}}
        entry = await entries.write(db, learners[number], data)
        if shared:
            await pooling.share(
                db, learners[number], entry.id or 0, {"session_id": str(session.id)}
            )
        written.append(entry)
    first = written[0]
    link = await mentor.send(db, learners[7], first.id or 0, MENTOR, base_url, "ruche@demo.test")
    link.confirmed, link.comment = True, "Situation confirmée : Inès a corrigé le formulaire seule."
    link.answered_at = utcnow()
    db.add(link)
    number, body = COMMENT
    await pooling.comment(db, learners[number], first.id or 0, {"body": body})
    await picks.pick(db, trainer, session.id or 0, {"entry_id": str(first.id)})
    skill, remark = VALIDATED
    await evidence.validate(db, trainer, first.id or 0, {
        "skill_id": str(_id(catalogue[skill])), "level": "validated",
        "observed_on": today.isoformat(), "comment": remark,
    })  # fmt: skip
    if media is not None:  # the phone's screen, as the learner took it
        found = await entries.own(db, learners[8], written[1].id or 0)
        await photos.add(db, found, Upload(overflowing_menu(), media), {})


def overflowing_menu() -> bytes:
    """A phone's screen whose menu runs past its right edge."""
    image = Image.new("RGB", (360, 640), (250, 250, 252))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 360, 56), fill=(40, 60, 110))  # header
    for left in range(12, 460, 110):  # menu items, the last ones cut off
        draw.rounded_rectangle((left, 14, left + 96, 42), radius=6, fill=(235, 190, 60))
    draw.rectangle((16, 90, 344, 300), fill=(205, 215, 235))  # hero picture
    for top in range(330, 600, 34):
        draw.rectangle((16, top, 300, top + 14), fill=(190, 190, 200))  # text lines
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _id(skill: Skill) -> int:
    return skill.id or 0
