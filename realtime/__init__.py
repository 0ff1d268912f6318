"""Live channels for Ruche: brokers that carry events between processes.

This package knows nothing of `community`; the app hands it what it needs.
"""

from realtime.broker import Broker, MemoryBroker, RedisBroker, make_broker

__all__ = ["Broker", "MemoryBroker", "RedisBroker", "make_broker"]
