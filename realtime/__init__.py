"""Live channels for Ruche: the event log, brokers, the per-process hub, the websocket endpoint.

This package knows nothing of `community`; the app hands it what it needs (who a socket
belongs to, who may listen to which channel, how to render presence).
"""

from realtime.broker import Broker, MemoryBroker, RedisBroker, make_broker
from realtime.endpoint import LiveEndpoint
from realtime.hub import Hub, Retention
from realtime.log import Event, append, last_seq, publish_after_commit
from realtime.presence import MemoryPresence, RedisPresence
from realtime.variants import variants

__all__ = [
    "Broker",
    "Event",
    "Hub",
    "LiveEndpoint",
    "MemoryBroker",
    "MemoryPresence",
    "RedisBroker",
    "RedisPresence",
    "Retention",
    "append",
    "last_seq",
    "make_broker",
    "publish_after_commit",
    "variants",
]
