"""What learners rate in a training: four default criteria, or the provider's own; and,
about a session that had a capsule to prepare, whether the preparation was useful."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, permissions
from community.database import lock
from community.errors import Forbidden
from community.i18n import _
from community.models import CourseSession, FeedbackDimension, FlippedResource, Training, User

DEFAULT_DIMENSIONS = ("usefulness", "clarity", "pace", "atmosphere")
# Asked only about sessions with a capsule: not one of the criteria the provider names.
PREPARATION = "preparation"
LAST = 1000  # its position: after the provider's criteria
MAX_DIMENSIONS = 6
NAME = forms.Text("name", max_length=40, required=False)


def dimension_name(dimension: FeedbackDimension) -> str:
    """A default criterion in the reader's language; the provider's own as they named it."""
    names = {
        "usefulness": _("Usefulness"),
        "clarity": _("Clarity"),
        "pace": _("Pace"),
        "atmosphere": _("Atmosphere"),
        PREPARATION: _("Was the preparation useful?"),
    }
    return names.get(dimension.key or "", dimension.label)


async def dimensions_of(db: AsyncSession, training_id: int) -> list[FeedbackDimension]:
    """The training's active criteria. The defaults are written on first use, in the
    caller's transaction: answers need their ids. Pages open at once for a new training
    would each write them: the first use holds the training's row, and the next ones find
    them written."""
    query = (
        select(FeedbackDimension)
        .where(FeedbackDimension.training_id == training_id)
        .order_by(col(FeedbackDimension.position))
    )
    found = list(await db.exec(query))
    if not found:
        await lock(db, Training, training_id)
        found = list(await db.exec(query))
    if not found:
        found = [
            FeedbackDimension(training_id=training_id, key=key, position=n)
            for n, key in enumerate(DEFAULT_DIMENSIONS)
        ]
        db.add_all(found)
        await db.flush()
    return [d for d in found if d.active and d.key != PREPARATION]


async def preparation_of(db: AsyncSession, training_id: int) -> FeedbackDimension | None:
    """The training's preparation criterion, once a session with a capsule was rated."""
    query = select(FeedbackDimension).where(
        FeedbackDimension.training_id == training_id, FeedbackDimension.key == PREPARATION
    )
    return (await db.exec(query)).first()


async def session_dimensions(
    db: AsyncSession, session: CourseSession, training_id: int
) -> list[FeedbackDimension]:
    """What learners rate about this session: the training's criteria, and the preparation
    when the session had a capsule. Written on first use, like the defaults."""
    dimensions = await dimensions_of(db, training_id)
    if not await _has_capsule(db, session.id or 0):
        return dimensions
    preparation = await preparation_of(db, training_id)
    if preparation is None:
        await lock(db, Training, training_id)
        preparation = await preparation_of(db, training_id)
    if preparation is None:
        preparation = FeedbackDimension(training_id=training_id, key=PREPARATION, position=LAST)
        db.add(preparation)
        await db.flush()
    return [*dimensions, preparation]


async def _has_capsule(db: AsyncSession, session_id: int) -> bool:
    query = select(FlippedResource.id).where(FlippedResource.session_id == session_id).limit(1)
    return (await db.exec(query)).first() is not None


async def set_dimensions(
    db: AsyncSession, user: User, training: Training, data: dict[str, str]
) -> None:
    """The provider names what learners rate. A criterion taken away is archived, not
    deleted: the answers already given on it stay in the reports."""
    if not permissions.can_set_feedback_criteria(user, training.provider_id):
        raise Forbidden
    wanted = _names(data)
    current = await dimensions_of(db, training.id or 0)
    kept = {name.casefold() for name in wanted}
    by_name = {dimension_name(d).casefold(): d for d in current}
    for dimension in current:
        if dimension_name(dimension).casefold() not in kept:
            dimension.active = False
            db.add(dimension)
    for position, name in enumerate(wanted):
        dimension = by_name.get(name.casefold()) or FeedbackDimension(
            training_id=training.id or 0, label=name
        )
        dimension.position = position
        db.add(dimension)
    await db.flush()


def _names(data: dict[str, str]) -> list[str]:
    """The criteria typed in the form, in order, each named once."""
    names: list[str] = []
    errors: dict[str, str] = {}
    for n in range(MAX_DIMENSIONS):
        try:
            names.append(NAME.clean(data.get(f"dim{n}", "")))
        except ValueError as exc:
            errors[f"dim{n}"] = str(exc)
    wanted = [name for name in names if name]
    if not wanted:
        errors["dim0"] = _("Keep at least one criterion.")
    elif len({name.casefold() for name in wanted}) != len(wanted):
        errors["dim0"] = _("Each criterion must have a different name.")
    if errors:
        raise forms.FormError(errors, data)
    return wanted
