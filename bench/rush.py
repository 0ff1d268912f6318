"""Class rush: learners answering the feedback of sessions that just ended, over HTTP.

Each learner opens the session's feedback form (GET, for its CSRF token), then all send
their answer (one tap on the overall scale) with at most `in_flight` requests at once.
The submit is timed from sending the POST to its 303; the redirect is not followed. Then
the anonymity design is checked: answers wait in feedback_pending and the mixer writes them
in batches of at least k, so at the end no session may have k answers still waiting, and
once the windows close every answer is in.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta

import httpx2
from sqlalchemy import text

from bench.population import Answering
from bench.systems import TOKEN
from community import feedback, reports
from community.database import Database
from community.models import utcnow

PROVIDER = 1  # the demo's provider, whose groups these are


def percentile_ms(seconds: Sequence[float], q: float) -> float | None:
    if not seconds:
        return None
    ordered = sorted(seconds)
    return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


async def run(http: httpx2.AsyncClient, groups: list[Answering], in_flight: int) -> dict:
    learners = [(g.session_id, cookie) for g in groups for cookie in g.cookies]
    gate = asyncio.Semaphore(in_flight)
    failures: Counter[str] = Counter()

    async def open_form(session_id: int, cookie: str) -> str:
        async with gate:
            page = await http.get(f"/sessions/{session_id}/feedback", headers={"Cookie": cookie})
        token = TOKEN.search(page.text)
        assert token, f"no feedback form (HTTP {page.status_code})"
        return token.group(1)

    async def answer(session_id: int, cookie: str, token: str) -> float:
        async with gate:
            started = time.perf_counter()
            response = await http.post(
                f"/sessions/{session_id}/feedback",
                data={"overall": "4", "csrf_token": token},
                headers={"Cookie": cookie},
            )
            took = time.perf_counter() - started
        if response.status_code != 303:
            failures[str(response.status_code)] += 1
        return took

    tokens = await asyncio.gather(*(open_form(*learner) for learner in learners))
    started = time.perf_counter()
    took = await asyncio.gather(
        *(answer(*learner, token) for learner, token in zip(learners, tokens, strict=True))
    )
    elapsed = time.perf_counter() - started
    return {
        "sessions": len(groups),
        "answers": len(learners),
        "in_flight": in_flight,
        "seconds": round(elapsed, 2),
        "answers_per_s": round(len(learners) / elapsed, 1),
        "submit_p50_ms": percentile_ms(took, 0.50),
        "submit_p99_ms": percentile_ms(took, 0.99),
        "submit_max_ms": round(1000 * max(took), 1),
        "failed": dict(failures),
    }


async def _counts(db: Database, session_ids: list[int], k: int) -> dict:
    queries = {
        "receipts": "SELECT count(*) FROM feedback_receipt WHERE session_id = ANY(:s)",
        "mixed": "SELECT count(*) FROM feedback_answer WHERE session_id = ANY(:s)",
        "pending": "SELECT count(*) FROM feedback_pending WHERE session_id = ANY(:s)",
        "sessions_with_k_pending": "SELECT count(*) FROM (SELECT session_id FROM"
        " feedback_pending WHERE session_id = ANY(:s) GROUP BY session_id"
        " HAVING count(*) >= :k) AS behind",
    }
    async with db.session() as session:
        connection = await session.connection()
        return {
            name: (await connection.execute(text(sql), {"s": session_ids, "k": k})).scalar_one()
            for name, sql in queries.items()
        }


async def mixer_check(db: Database, groups: list[Answering]) -> dict:
    """Whether the mixer kept up during the rush, and whether every answer is in once the
    feedback windows have closed (the mixer then takes what is left, fewer than k)."""
    ids = [g.session_id for g in groups]
    async with db.session() as session:
        k = await reports.threshold_of(session, PROVIDER)
    after_rush = await _counts(db, ids, k)
    await feedback.mix_all(db, now=utcnow() + feedback.WINDOW + timedelta(hours=1))
    closed = await _counts(db, ids, k)
    return {
        "k": k,
        "after_rush": after_rush,
        "after_windows_closed": closed,
        "kept_up": after_rush["sessions_with_k_pending"] == 0,
        "all_mixed_in_the_end": closed["mixed"] == closed["receipts"] and not closed["pending"],
    }
