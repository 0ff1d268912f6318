"""Real servers for tests: `ruche serve` processes on free ports, and a private redis-server."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

RUCHE = [sys.executable, "-m", "community.cli"]
# An access-log line with status 500, or the app's own log of an unhandled error.
SERVER_ERROR = re.compile(r'" 500\b|unhandled error on ')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path
    env: dict[str, str] = field(repr=False)

    def stop(self) -> None:
        """Stop the server; fail if it ever answered with an error of its own (a 500)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        failures = [line for line in self.log.read_text().splitlines() if SERVER_ERROR.search(line)]
        assert not failures, "the server answered 500:\n" + "\n".join(failures)


def ruche_env(database_url: str, redis_url: str | None = None, **extra: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "RUCHE_HASHING": "fast", **extra}
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def prepare(env: dict[str, str]) -> str:
    """`ruche migrate` then `ruche demo`, as `make run` does; returns what the demo printed."""
    subprocess.run([*RUCHE, "migrate"], env=env, check=True, capture_output=True)
    return subprocess.run(
        [*RUCHE, "demo"], env=env, check=True, capture_output=True, text=True
    ).stdout


def serve(env: dict[str, str], folder: Path, port: int | None = None) -> Server:
    """A server on a free port, or on `port` again (a restart: its log goes on)."""
    port = port or free_port()
    log = folder / f"server-{port}.log"
    with open(log, "a") as out:
        process = subprocess.Popen(
            [*RUCHE, "serve", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    server = Server(f"http://127.0.0.1:{port}", process, log, env)
    _wait_until_up(server)
    return server


def _wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited: {server.log.read_text()[-3000:]}")
        try:
            # A busy machine answers its first requests slowly: a shorter wait would give up on
            # every one of them while the server is up.
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"server did not start: {server.log.read_text()[-3000:]}")


class RedisServer:
    """A redis-server of the test's own, so that killing and restarting it harms nothing else."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None
