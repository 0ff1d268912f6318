"""`uvicorn bench.peers.channels_project.asgi:application`, with DJANGO_SETTINGS_MODULE set."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.peers.channels_project.settings")

import django

django.setup()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from bench.peers.channels_project.consumers import LiveConsumer  # noqa: E402

application = ProtocolTypeRouter({"websocket": URLRouter([path("live", LiveConsumer.as_asgi())])})
