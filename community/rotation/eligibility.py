"""A departure's eligibility checklist: information, not legal advice. It starts with the
usual items (`usual_items`); the coordinator adds the parties' own and ticks each with the
day it was met. A departure is marked ready only with every item ticked: the departure's
row lock holds that rule against an item added at the same moment."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, permissions
from community.database import lock
from community.errors import Forbidden, NotFound
from community.i18n import _, ngettext
from community.models import Departure, EligibilityItem, User, utcnow
from community.rotation import departures, live

ITEM_FIELDS = (forms.Text("label", max_length=300), forms.Day("due_on", required=False))
TICK_FIELDS = (forms.Day("done_on"),)


async def items_of(db: AsyncSession, departure_id: int) -> list[EligibilityItem]:
    query = (
        select(EligibilityItem)
        .where(EligibilityItem.departure_id == departure_id)
        .order_by(col(EligibilityItem.id))
    )
    return list(await db.exec(query))


async def _kept(
    db: AsyncSession, user: User, departure_id: int, rule: Callable[..., bool]
) -> Departure:
    """The departure, locked, for someone the rule lets act on it; a company contact sees
    it but may not act (403), anyone else does not see it (404)."""
    view = await departures.view_of(db, user, departure_id)
    if not rule(user, view.facts):
        raise Forbidden
    departure = await lock(db, Departure, departure_id)
    if departure is None:
        raise NotFound
    return departure


async def add(
    db: AsyncSession, user: User, departure_id: int, data: Mapping[str, str]
) -> EligibilityItem:
    rule = permissions.can_keep_eligibility_checklist
    departure = await _kept(db, user, departure_id, rule)  # first: what others see is no form
    values = forms.parse(data, *ITEM_FIELDS)
    if departure.ready_at is not None:
        raise forms.FormError({"label": _("This departure is already ready.")}, data)
    item = EligibilityItem(departure_id=departure_id, **values)
    db.add(item)
    await _changed(db, departure)
    return item


async def tick(db: AsyncSession, user: User, item_id: int, data: Mapping[str, str]) -> Departure:
    """An item met, with the day it was: not a day still to come."""
    item = await db.get(EligibilityItem, item_id)
    if item is None:
        raise NotFound
    rule = permissions.can_keep_eligibility_checklist
    departure = await _kept(db, user, item.departure_id, rule)
    values = forms.parse(data, *TICK_FIELDS)
    await db.refresh(item)
    if values["done_on"] > date.today():
        raise forms.FormError({"done_on": _("This day has not come yet.")}, data)
    if item.done_on is not None:
        raise forms.FormError({"done_on": _("This item is already ticked.")}, data)
    item.done_on = values["done_on"]
    await _changed(db, departure)
    return departure


async def mark_ready(db: AsyncSession, user: User, departure_id: int) -> Departure:
    departure = await _kept(db, user, departure_id, permissions.can_mark_departure_ready)
    if departure.ready_at is not None:
        raise forms.FormError({"ready": _("This departure is already ready.")}, {})
    still = select(func.count(col(EligibilityItem.id))).where(
        EligibilityItem.departure_id == departure_id, col(EligibilityItem.done_on).is_(None)
    )
    count = (await db.exec(still)).one()
    if count:
        message = ngettext(
            "%(num)d item of the checklist is still open: tick it first.",
            "%(num)d items of the checklist are still open: tick them first.",
            count,
        )
        raise forms.FormError({"ready": message}, {})
    departure.ready_at = utcnow()
    await _changed(db, departure)
    return departure


async def _changed(db: AsyncSession, departure: Departure) -> None:
    company = await departures.company_of_departure(db, departure)
    await live.departure_changed(db, departure.id or 0, company.provider_id)
