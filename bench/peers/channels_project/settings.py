"""Settings of the Channels peer. BENCH_LAYER picks the layer: "core", "pubsub" or "tuned"."""

import os

SECRET_KEY = "bench-only-not-secret"  # noqa: S105 - loopback benchmark, no sessions
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["channels"]
ASGI_APPLICATION = "bench.peers.channels_project.asgi.application"
USE_TZ = True

_CORE = "channels_redis.core.RedisChannelLayer"
_LAYERS = {
    # The default layer: sorted sets per process, capacity 100, expiry 60 s (left as is).
    "core": _CORE,
    # Redis pub/sub: one SUBSCRIBE per group and per consumer, unbounded queues.
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
    # The default layer as its users tune it for fan-out.
    "tuned": _CORE,
}
_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
_TUNING = {
    "tuned": {
        # The capacity bounds one sorted set per process, not per socket: every consumer of a
        # process shares it (channels_redis files them under the process's name). With 100,
        # a burst of more than 100 group messages not yet read by a process is dropped for
        # all of its sockets; 10,000 holds a whole step's burst.
        "capacity": 10_000,
        "expiry": 60,
        "group_expiry": 86_400,
        # redis-py 8 caps a pool at 100 connections and raises at once beyond them: a wave
        # of connects or disconnects then fails its group_add or group_discard, the consumer
        # dies with its socket, or leaves a dead member whose messages fill the capacity.
        "hosts": [{"address": _REDIS_URL, "max_connections": 2_000}],
    },
}
_LAYER = os.environ.get("BENCH_LAYER", "core")
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": _LAYERS[_LAYER],
        "CONFIG": _TUNING.get(_LAYER, {"hosts": [_REDIS_URL]}),
    }
}
