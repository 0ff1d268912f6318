"""Settings of the Channels peer. BENCH_LAYER picks the channel layer: "core" or "pubsub"."""

import os

SECRET_KEY = "bench-only-not-secret"  # noqa: S105 - loopback benchmark, no sessions
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["channels"]
ASGI_APPLICATION = "bench.peers.channels_project.asgi.application"
USE_TZ = True

_LAYERS = {
    # The default layer: sorted sets per process, capacity 100, expiry 60 s (left as is).
    "core": "channels_redis.core.RedisChannelLayer",
    # Redis pub/sub: one SUBSCRIBE per group and per consumer, unbounded queues.
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
}
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": _LAYERS[os.environ.get("BENCH_LAYER", "core")],
        "CONFIG": {"hosts": [os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")]},
    }
}
