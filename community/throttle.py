"""Counting attempts per key in fixed windows: in Redis when configured, in memory otherwise.

When Redis fails, counting goes on in this process's memory: a limit is never lifted
because a server is down.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    name: str
    attempts: int
    seconds: int


SIGN_IN_PER_ACCOUNT = Limit("signin-account", attempts=10, seconds=15 * 60)
SIGN_IN_PER_IP = Limit("signin-ip", attempts=50, seconds=15 * 60)
SIGN_UP_PER_IP = Limit("signup-ip", attempts=20, seconds=60 * 60)
# A forgotten password: counted for every address typed, whether it has an account or not.
RESET_PER_ADDRESS = Limit("reset-address", attempts=5, seconds=60 * 60)
RESET_PER_IP = Limit("reset-ip", attempts=20, seconds=60 * 60)
SIGN_UP_NOTICE_PER_ADDRESS = Limit("signup-notice-address", attempts=3, seconds=60 * 60)
ADDRESS_CHECK_PER_USER = Limit("address-check-user", attempts=3, seconds=60 * 60)
JOIN_PER_USER = Limit("join-user", attempts=20, seconds=15 * 60)
PULSE_PER_USER = Limit("pulse-user", attempts=30, seconds=60)
# One counted tap per learner, signal and session over the minutes the pulse screen shows
# (pulse.RECENT): one learner tapping on and on cannot look like a room.
PULSE_SIGNAL_PER_USER = Limit("pulse-signal-user", attempts=1, seconds=5 * 60)
# Preparing an archive of someone's data reads every table: a few a day is plenty.
DATA_EXPORT_PER_USER = Limit("data-export-user", attempts=5, seconds=24 * 60 * 60)


# Only a window still open is given back to: a DECR on an expired key would create one that
# never expires, a credit an attacker could spend later.
_FORGIVE = """
if redis.call('exists', KEYS[1]) == 1 and tonumber(redis.call('get', KEYS[1])) > 0 then
  return redis.call('decr', KEYS[1])
end
return 0
"""


class Throttle:
    def __init__(self, redis: Redis | None = None, prefix: str = "ruche:throttle") -> None:
        self._redis = redis
        self._prefix = prefix
        self._memory: dict[str, tuple[float, int]] = {}

    async def hit(self, limit: Limit, key: str) -> int | None:
        """Count one attempt; None when allowed, else the seconds to wait."""
        name = f"{self._prefix}:{limit.name}:{key}"
        if self._redis is not None:
            try:
                return await self._hit_redis(limit, name)
            except (RedisError, OSError) as exc:
                log.warning("throttle: Redis unavailable, counting in memory: %s", exc)
        return self._hit_memory(limit, name)

    async def forgive(self, limit: Limit, key: str) -> None:
        """Give back one attempt counted in the current window (it turned out to be good)."""
        name = f"{self._prefix}:{limit.name}:{key}"
        if self._redis is not None:
            try:
                await self._redis.eval(_FORGIVE, 1, name)
                return
            except (RedisError, OSError) as exc:
                log.warning("throttle: Redis unavailable, counting in memory: %s", exc)
        expires, count = self._memory.get(name, (0.0, 0))
        if expires > time.monotonic() and count > 0:
            self._memory[name] = (expires, count - 1)

    async def _hit_redis(self, limit: Limit, name: str) -> int | None:
        assert self._redis is not None
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, limit.seconds, nx=True)
            pipe.ttl(name)
            count, _set, ttl = await pipe.execute()
        return max(int(ttl), 1) if count > limit.attempts else None

    def _hit_memory(self, limit: Limit, name: str) -> int | None:
        now = time.monotonic()
        expires, count = self._memory.get(name, (0.0, 0))
        if expires <= now:
            expires, count = now + limit.seconds, 0
        count += 1
        self._memory[name] = (expires, count)
        if len(self._memory) > 100_000:
            self._memory = {k: v for k, v in self._memory.items() if v[0] > now}
        return max(math.ceil(expires - now), 1) if count > limit.attempts else None
