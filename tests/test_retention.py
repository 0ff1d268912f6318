"""The retention job: what each area declared it keeps for a time goes once that time is
over, and nothing else; a run is recorded, repeatable, and one at a time."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Table, func, inspect, select, text
from sqlmodel import SQLModel, col
from sqlmodel.ext.asyncio.session import AsyncSession

from community import cli, feedback, forms, reports, retention
from community.database import Database, one_at_a_time
from community.feedback.answers import WINDOW
from community.i18n import _
from community.models import (
    AccountErasure,
    CourseSession,
    DataExport,
    DigestSent,
    FeedbackReceipt,
    FeedbackReminder,
    Iteration,
    MailToken,
    Notification,
    OutboxMail,
    Provider,
    RetentionRun,
    Training,
    User,
    WebSession,
    utcnow,
)
from community.settings import Settings
from realtime import log as event_log
from tests.conftest import POSTGRES_URL, need

NOW = utcnow().replace(microsecond=0)
MINUTE = timedelta(minutes=1)


@dataclass
class World:
    """Two people, and sessions whose feedback window closed a minute ago or closes in one."""

    ana: int
    ben: int
    closed: int
    open: int


async def _world(db: Database) -> World:
    async with db.session() as session:
        provider = Provider(name="Organisme")
        session.add(provider)
        await session.flush()
        training = Training(provider_id=provider.id or 0, title="Formation")
        session.add(training)
        await session.flush()
        iteration = Iteration(
            training_id=training.id or 0, name="Groupe", starts_on=date(2026, 1, 5),
            ends_on=date(2027, 1, 5),
        )  # fmt: skip
        session.add(iteration)
        await session.flush()
        people = [
            User(email=f"{name}@x.fr", display_name=name, password_hash="-")
            for name in ("ana", "ben")
        ]
        ended = (NOW - WINDOW - MINUTE, NOW - WINDOW + MINUTE)
        courses = [
            CourseSession(
                iteration_id=iteration.id or 0,
                title="Séance",
                starts_at=end - timedelta(hours=3),
                ends_at=end,
            )
            for end in ended
        ]
        session.add_all([*people, *courses])
        await session.commit()
        return World(people[0].id or 0, people[1].id or 0, courses[0].id or 0, courses[1].id or 0)


# For each table the job enforces: rows just past their time and rows just within it. Each
# maker adds them and returns how many are due, and the keys of those that must stay.
Keys = set[tuple[object, ...]]
Maker = Callable[[AsyncSession, World], Awaitable[tuple[int, Keys]]]


async def _added(
    session: AsyncSession, due: list[SQLModel], kept: list[SQLModel]
) -> tuple[int, Keys]:
    session.add_all([*due, *kept])
    await session.flush()
    return len(due), {tuple(inspect(row).identity or ()) for row in kept}


async def _web_sessions(session: AsyncSession, world: World) -> tuple[int, Keys]:
    def expiring(key: str, at: datetime) -> WebSession:
        return WebSession(id=key, user_id=world.ana, expires_at=at)

    return await _added(session, [expiring("a", NOW - MINUTE)], [expiring("b", NOW + MINUTE)])


async def _notifications(session: AsyncSession, world: World) -> tuple[int, Keys]:
    def sent(at: datetime) -> Notification:
        return Notification(user_id=world.ana, kind="x", subject="s", link="/", created_at=at)

    year = timedelta(days=365)
    return await _added(session, [sent(NOW - year - MINUTE)], [sent(NOW - year + MINUTE)])


async def _digests_sent(session: AsyncSession, world: World) -> tuple[int, Keys]:
    def sent(period: str, at: datetime) -> DigestSent:
        return DigestSent(user_id=world.ana, period=period, created_at=at)

    days = timedelta(days=60)
    return await _added(
        session, [sent("day:old", NOW - days - MINUTE)], [sent("day:new", NOW - days + MINUTE)]
    )


async def _data_exports(session: AsyncSession, world: World) -> tuple[int, Keys]:
    def expiring(key: str, at: datetime | None) -> DataExport:
        return DataExport(id=key, user_id=world.ana, locale="fr", expires_at=at)

    kept = [expiring("b", NOW + MINUTE), expiring("queued", None)]
    return await _added(session, [expiring("a", NOW - MINUTE)], kept)


async def _account_erasures(session: AsyncSession, world: World) -> tuple[int, Keys]:
    def erased(at: datetime) -> AccountErasure:
        return AccountErasure(user_id=world.ana, created_at=at)

    years = timedelta(days=3 * 365)
    return await _added(session, [erased(NOW - years - MINUTE)], [erased(NOW - years + MINUTE)])


async def _receipts(session: AsyncSession, world: World) -> tuple[int, Keys]:
    due = [FeedbackReceipt(session_id=world.closed, user_id=u) for u in (world.ana, world.ben)]
    return await _added(session, due, [FeedbackReceipt(session_id=world.open, user_id=world.ana)])


async def _reminders(session: AsyncSession, world: World) -> tuple[int, Keys]:
    def sent(session_id: int, user_id: int, at: datetime) -> FeedbackReminder:
        return FeedbackReminder(session_id=session_id, user_id=user_id, sent_at=at)

    week_old = NOW - WINDOW - MINUTE
    # Of a closed session: due once a week old (the weekly allowance no longer counts it).
    # Of a session still open: kept, however old.
    kept = [
        sent(world.closed, world.ben, NOW - WINDOW + MINUTE),
        sent(world.open, world.ana, week_old),
    ]
    return await _added(session, [sent(world.closed, world.ana, week_old)], kept)


async def _mails(session: AsyncSession, world: World) -> tuple[int, Keys]:
    def mail(key: str, sent_at: datetime | None) -> OutboxMail:
        return OutboxMail(
            user_id=world.ana, to_address="ana@x.fr", kind="x", subject="s",
            message_id=key, sent_at=sent_at,
        )  # fmt: skip

    month = timedelta(days=30)
    # A mail never sent (no mail server) waits in the outbox, however old.
    kept = [mail("b", NOW - month + MINUTE), mail("unsent", None)]
    return await _added(session, [mail("a", NOW - month - MINUTE)], kept)


async def _mail_tokens(session: AsyncSession, world: World) -> tuple[int, Keys]:
    def link(key: str, expires_at: datetime) -> MailToken:
        return MailToken(
            id=key, user_id=world.ana, purpose="reset", address="ana@x.fr", expires_at=expires_at
        )

    return await _added(session, [link("a", NOW - MINUTE)], [link("b", NOW + MINUTE)])


async def _live_events(session: AsyncSession, _world: World) -> tuple[int, Keys]:
    keep = timedelta(days=Settings().live_keep_days)
    rows = [
        (NOW - keep - MINUTE, NOW),  # due
        (NOW - keep + MINUTE, NOW),
        (NOW - keep - MINUTE, None),  # unpublished: the dispatcher still owes it
    ]
    connection = await session.connection()
    for seq, (created, published) in enumerate(rows, start=1):
        await connection.execute(
            event_log.events.insert().values(
                channel="c", seq=seq, content="x", created_at=created, published_at=published
            )
        )
    return 1, {("c", 2), ("c", 3)}


MAKERS: dict[str, Maker] = {
    "web_session": _web_sessions,
    "notification": _notifications,
    "digest_sent": _digests_sent,
    "data_export": _data_exports,
    "account_erasure": _account_erasures,
    "feedback_receipt": _receipts,
    "feedback_reminder": _reminders,
    "live_event": _live_events,
    "mail_outbox": _mails,
    "mail_token": _mail_tokens,
}


async def _fill(db: Database, world: World, tables: list[str]) -> dict[str, tuple[int, Keys]]:
    """Rows on both sides of the boundary in `tables`: how many are due in each, and which
    must stay."""
    async with db.session() as session:
        made = {table: await MAKERS[table](session, world) for table in tables}
        await session.commit()
    return made


async def _keys(db: Database, table: Table) -> Keys:
    async with db.session() as session:
        connection = await session.connection()
        return {tuple(row) for row in await connection.execute(select(*table.primary_key))}


def _table(name: str) -> Table:
    return next(h.sql_table for h in retention.enforced() if h.name == name)


def test_every_enforced_holding_is_tested_here():
    assert {holding.name for holding in retention.enforced()} == set(MAKERS)


@pytest.mark.parametrize("name", sorted(MAKERS))
async def test_the_job_removes_exactly_the_rows_past_their_time(db, name):
    world = await _world(db)
    due, kept = (await _fill(db, world, [name]))[name]
    run = await retention.run(db, NOW)
    assert json.loads(run.removed) == {
        holding.name: due if holding.name == name else 0 for holding in retention.enforced()
    }
    assert await _keys(db, _table(name)) == kept
    assert run.failure == "" and run.finished_at is not None


async def test_a_second_run_removes_nothing(db):
    world = await _world(db)
    due = {table: n for table, (n, _kept) in (await _fill(db, world, sorted(MAKERS))).items()}
    first = await retention.run(db, NOW)
    second = await retention.run(db, NOW)
    assert json.loads(first.removed) == due
    assert set(json.loads(second.removed).values()) == {0}
    async with db.session() as session:
        recorded = (await session.exec(select(func.count()).select_from(RetentionRun))).one()[0]
    assert recorded == 2


async def test_two_runs_at_once_remove_each_row_once_and_say_so(db):
    need(POSTGRES_URL, "advisory locks are PostgreSQL's")
    world = await _world(db)
    due = {table: n for table, (n, _kept) in (await _fill(db, world, sorted(MAKERS))).items()}
    async with db.session() as holder:
        # Both runs start while the job's lock is held elsewhere: they wait on it together.
        await one_at_a_time(holder, retention.JOB)
        runs = [asyncio.create_task(retention.run(db, NOW)) for _ in range(2)]
        waiting = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        while (await holder.exec(waiting)).one()[0] < 2:  # type: ignore[call-overload]
            await asyncio.sleep(0.01)
        await holder.commit()
        first, second = await asyncio.gather(*runs)
    removed = [json.loads(first.removed), json.loads(second.removed)]
    assert {table: removed[0][table] + removed[1][table] for table in due} == due
    assert sorted(removed, key=lambda r: sum(r.values())) == [dict.fromkeys(due, 0), due]
    assert first.failure == second.failure == ""


async def test_a_failed_run_removes_nothing_and_records_the_error_type(db, monkeypatch):
    world = await _world(db)
    await _fill(db, world, sorted(MAKERS))
    before = {name: await _keys(db, _table(name)) for name in MAKERS}
    remove_due = retention._remove_due
    last = retention.enforced()[-1]

    async def fails_at_the_end(session, holding, now, settings):  # type: ignore[no-untyped-def]
        if holding is last:
            raise LookupError("a row's content")
        return await remove_due(session, holding, now, settings)

    monkeypatch.setattr(retention, "_remove_due", fails_at_the_end)
    with pytest.raises(LookupError):
        await retention.run(db, NOW)
    assert {name: await _keys(db, _table(name)) for name in MAKERS} == before
    async with db.session() as session:
        runs = await retention.last_runs(session)
    assert [(run.failure, run.removed) for run in runs] == [("LookupError", "{}")]


async def test_once_receipts_go_nobody_answers_twice_nor_is_reminded(db, demo_data):
    async with db.session() as session:
        closed = (
            await session.exec(
                select(CourseSession, FeedbackReceipt.user_id)
                .join(FeedbackReceipt, col(FeedbackReceipt.session_id) == CourseSession.id)
                .where(col(CourseSession.ends_at) < NOW - WINDOW)
                .limit(1)
            )
        ).one()
    course, user_id = closed
    await retention.run(db, NOW)
    async with db.session() as session:
        learner = await session.get(User, user_id)
        assert learner is not None
        receipt = select(FeedbackReceipt).where(
            FeedbackReceipt.user_id == user_id, FeedbackReceipt.session_id == course.id
        )
        assert (await session.exec(receipt)).first() is None
        view = await feedback.session_view(session, learner, course.id or 0)
        with pytest.raises(forms.FormError) as refused:
            await feedback.submit(session, learner, view, {"overall": "5"}, now=NOW)
        assert refused.value.errors == {"ratings": _("Feedback on this session is closed.")}
        assert course.id not in {p.session.id for p in await feedback.pending(session, learner)}
        await feedback.remind(session, learner, NOW)
        reminded = select(FeedbackReminder).where(
            FeedbackReminder.user_id == user_id, FeedbackReminder.session_id == course.id
        )
        assert (await session.exec(reminded)).first() is None


async def _figures(db: Database) -> list[object]:
    """Every figure the reports show: per group, the summary and the response rates; the
    audit record over the last year."""
    figures: list[object] = []
    async with db.session() as session:
        staff = (await session.exec(select(User).where(User.email == "organisme@demo.test"))).one()[
            0
        ]
        for iteration in (await session.exec(select(Iteration))).scalars():
            report = await reports.report_view(session, staff, iteration.id or 0)
            summary = await reports.summary_of(session, report)
            figures.append(reports.to_csv(summary, "t", "g", french=False))
            figures.append(await feedback.response_rates(session, iteration.id or 0))
        record = await reports.evidence(
            session, staff, NOW.date() - timedelta(days=365), NOW.date()
        )
        figures.append([(r.sessions, r.answered, r.possible, r.unlocked) for r in record.rows])
    return figures


async def test_report_figures_are_the_same_after_a_run(db, demo_data):
    before = await _figures(db)
    run = await retention.run(db, NOW)
    assert json.loads(run.removed)["feedback_receipt"] > 0  # closed windows' receipts went
    assert await _figures(db) == before


async def test_the_schedule_runs_the_job_when_it_is_due(db, settings):
    schedule = retention.Schedule(db, settings)
    assert schedule.next_at > utcnow() + timedelta(seconds=settings.retention_every - 60)
    schedule.next_at = utcnow()
    task = asyncio.create_task(schedule.keep_running())
    try:
        async with asyncio.timeout(20):
            while True:
                async with db.session() as session:
                    if await retention.last_runs(session):
                        break
                await asyncio.sleep(0.05)
    finally:
        task.cancel()
    assert schedule.next_at > utcnow()


def test_the_command_runs_the_job_and_says_what_it_removed(database_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    cli.main(["retention"])
    printed = capsys.readouterr().out.splitlines()
    assert printed == [f"{holding.name}: 0 removed" for holding in retention.enforced()]
