"""Peers the benchmark compares us with: Django Channels, and a bare `websockets` ceiling."""
