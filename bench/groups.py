"""`python -m bench.groups DATABASE_URL COUNT`: create bench groups, print their channels.

Run in the source under test (its `community` package), through the domain code: the staff
user of the demo creates each group (an iteration of the demo's first training).
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import date, timedelta

from sqlmodel import select

from community import trainings
from community.database import Database
from community.models import Training, User
from community.settings import normalise_database_url

STAFF = "organisme@demo.test"


async def create(database_url: str, count: int) -> list[str]:
    db = Database(normalise_database_url(database_url))
    today = date.today()
    data = {
        "name": "Bench group",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=90)).isoformat(),
    }
    try:
        async with db.session() as session:
            staff = (await session.exec(select(User).where(User.email == STAFF))).one()
            query = select(Training).where(Training.provider_id == staff.provider_id)
            training = (await session.exec(query)).first()
            channels = []
            for _ in range(count):
                iteration = await trainings.create_iteration(
                    session, staff, training, data, code_days=30
                )
                channels.append(trainings.live_channel(iteration.id))
            await session.commit()
        return channels
    finally:
        await db.dispose()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(create(sys.argv[1], int(sys.argv[2])))))
