"""The app is assembled from its areas: nothing it serves, pushes or notifies is undeclared."""

from __future__ import annotations

from sqlmodel import select
from starlette.applications import Starlette
from starlette.routing import Mount, Route

from community import areas, demo
from community.accounts import Passwords
from community.database import Database
from community.models import Notification
from realtime.log import channels


def test_every_route_belongs_to_a_registered_area(app: Starlette) -> None:
    declared = {id(route) for area in areas.AREAS for route in area.routes}
    served = [r for r in app.routes if not (isinstance(r, Mount) and r.path == "/static")]
    strays = [r.path for r in served if isinstance(r, Route) and id(r) not in declared]
    assert served and not strays, f"routes outside any area: {strays}"


def test_no_two_areas_serve_the_same_path_and_method() -> None:
    seen: dict[tuple[str, str], str] = {}
    for area in areas.AREAS:
        for route in area.routes:
            assert isinstance(route, Route)
            for method in route.methods or ():
                key = (route.path, method)
                assert key not in seen, f"{key} in {seen.get(key)} and {area.name}"
                seen[key] = area.name


async def test_every_channel_and_notification_kind_the_demo_makes_is_declared(
    db: Database,
) -> None:
    await demo.load(db, Passwords("fast"))
    async with db.session() as session:
        names = (await session.exec(select(channels.c.name))).all()
        used_kinds = set((await session.exec(select(Notification.kind).distinct())).all())
    used_channels = {name.split(":")[0] for name in names}
    assert used_channels and used_kinds
    assert used_channels <= set(areas.CHANNELS), used_channels - set(areas.CHANNELS)
    assert used_kinds <= set(areas.NOTIFICATIONS), used_kinds - set(areas.NOTIFICATIONS)


def test_area_names_are_unique() -> None:
    names = [area.name for area in areas.AREAS]
    assert len(names) == len(set(names))
