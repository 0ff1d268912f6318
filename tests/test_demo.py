"""The demo data: what the README promises, loaded once however often it is asked for."""

from __future__ import annotations

from sqlmodel import col, func, select

from community import demo
from community.models import Enrolment, Iteration, Message, Project, Task, Training, User


async def count(db, column) -> int:
    async with db.session() as session:
        return (await session.exec(select(func.count(column)))).one()


async def test_demo_data_matches_the_design(db, settings, capsys):
    await demo.run(settings)
    assert await count(db, col(User.id)) == 20  # with job rotation's employee and coordinator
    assert await count(db, col(Training.id)) == 2
    assert await count(db, col(Iteration.id)) == 4
    async with db.session() as session:
        formats = set((await session.exec(select(Training.format))).all())
        emails = set((await session.exec(select(User.email))).all())
    assert formats == {"classic", "flipped"}
    assert {f"apprenant{n}@demo.test" for n in range(1, 13)} <= emails
    assert {"formateur1@demo.test", "organisme@demo.test", "admin@demo.test"} <= emails
    async with db.session() as session:  # the projects pages have something to show
        statuses = sorted((await session.exec(select(Project.status))).all())
    assert statuses == ["active", "active", "proposed"]
    assert await count(db, col(Task.id)) == 5 and await count(db, col(Message.id)) == 5

    await demo.run(settings)  # a second run changes nothing
    assert await count(db, col(User.id)) == 20  # with job rotation's employee and coordinator
    assert await count(db, col(Enrolment.id)) == 4 * 7
    out = capsys.readouterr().out
    assert "demo-ruche-2026" in out
    assert "Join codes of the current groups" in out
