"""The systems under test: how to prepare, start, reach and stop each of them.

All run on 127.0.0.1 against the same Redis, with the same uvicorn flags where uvicorn is
used (two workers, websockets-sansio, permessage-deflate off, no access log).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import psutil

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
UVICORN_FLAGS = [
    "--workers", "2", "--ws", "websockets-sansio", "--ws-per-message-deflate", "false",
    "--no-access-log", "--host", "127.0.0.1", "--backlog", "4096",
]  # fmt: skip
TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
READER = "admin@demo.test"  # may read every group
WRITER = "organisme@demo.test"  # provider staff: creates groups, posts announcements
PASSWORD = "demo-ruche-2026"  # noqa: S105 - the demo accounts' published password


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class System:
    """One running system: its processes, where to connect, how its publisher publishes."""

    name: str
    port: int
    publisher: dict  # the publisher's init command
    publisher_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None
    extra: list[subprocess.Popen] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/live"

    def pids(self) -> list[int]:
        """Every process of the server: uvicorn's supervisor and its workers, or the peers."""
        pids = []
        for proc in [self.process, *self.extra]:
            if proc is None or proc.poll() is not None:
                continue
            pids.append(proc.pid)
            with _gone():
                pids += [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
        return pids

    def rss(self) -> int:
        total = 0
        for pid in self.pids():
            with _gone():
                total += psutil.Process(pid).memory_info().rss
        return total

    def cpu_seconds(self) -> float:
        total = 0.0
        for pid in self.pids():
            with _gone():
                times = psutil.Process(pid).cpu_times()
                total += times.user + times.system
        return total

    async def settle(self, most: float = 60) -> None:
        """Wait until the server's processes are idle (under 10 % of a core), or `most` s."""
        deadline = time.monotonic() + most
        await asyncio.sleep(1)
        while time.monotonic() < deadline:
            before = self.cpu_seconds()
            await asyncio.sleep(0.5)
            if self.cpu_seconds() - before < 0.05:
                return

    def stop(self) -> None:
        for proc in [self.process, *self.extra]:
            if proc is not None and proc.poll() is None:
                proc.terminate()
        for proc in [self.process, *self.extra]:
            if proc is None:
                continue
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


class _gone:
    """Ignore processes that exited between listing and reading them."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, *_rest) -> bool:  # type: ignore[no-untyped-def]
        return kind is not None and issubclass(kind, psutil.Error)


def _tail(log: Path) -> str:
    """The end of a server's log, for the error message when it fails to start."""
    return log.read_text()[-3000:]


def _spawn(args: list[str], env: dict[str, str], log: Path, cwd: Path = ROOT) -> subprocess.Popen:
    with open(log, "w") as out:
        return subprocess.Popen(  # noqa: S603 - our own interpreter and modules
            args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT
        )


async def _wait_for_port(port: int, procs: list[subprocess.Popen], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            raise RuntimeError(f"server exited: {_tail(log)}")
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.2)
    raise RuntimeError(f"no server on port {port}: {_tail(log)}")


# --- ours -------------------------------------------------------------------------------------


def ruche_env(database_url: str, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "RUCHE_HASHING": "fast",
        "ALLOWED_HOSTS": "127.0.0.1",
    }


def prepare_database(source: Path, env: dict[str, str]) -> None:
    """`ruche migrate` then `ruche demo`, as `make run` does."""
    for command in ("migrate", "demo"):
        subprocess.run(  # noqa: S603
            [PYTHON, "-m", "community.cli", command],
            cwd=source,
            env=env,
            check=True,
            capture_output=True,
        )


async def create_groups(source: Path, database_url: str, count: int) -> list[str]:
    """`count` new groups through the domain code (bench/groups.py), in the source under test."""
    process = await asyncio.create_subprocess_exec(
        PYTHON,
        "-m",
        "bench.groups",
        database_url,
        str(count),
        cwd=source,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    if process.returncode:
        raise RuntimeError("creating the bench groups failed")
    return json.loads(out)


def export_source(ref: str | None, folder: Path) -> tuple[Path, str]:
    """The code to serve: the working tree, or a clean export of a commit (`git archive`)."""
    describe = subprocess.run(  # noqa: S603
        ["git", "rev-parse", "--short", ref] if ref else ["git", "describe", "--always", "--dirty"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if ref is None:
        return ROOT, f"working tree {describe}"
    target = folder / "source"
    target.mkdir()
    archive = subprocess.run(  # noqa: S603
        ["git", "archive", ref, "community", "realtime", "templates", "static"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)  # noqa: S603, S607
    return target, f"commit {describe}"


async def sign_in(base: str, email: str) -> httpx2.AsyncClient:
    """A signed-in HTTP client: GET /signin for the CSRF token, then POST the form."""
    http = httpx2.AsyncClient(base_url=base, timeout=30)
    token = TOKEN.search((await http.get("/signin")).text)
    assert token, "no CSRF token on /signin"
    response = await http.post(
        "/signin", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert response.status_code == 303, response.text[:300]
    return http


def cookie_header(http: httpx2.AsyncClient) -> str:
    return "; ".join(f"{name}={value}" for name, value in http.cookies.items())


async def start_ours(
    source: Path, env: dict[str, str], redis_url: str, logs: Path, app: str = "community.app:app"
) -> System:
    system = System("ours", free_port(), {"kind": "redis", "redis_url": redis_url, "prefix": "rt:"})
    log = logs / "ours.log"
    await serve_ours(system, source, env, log, app)
    await _wait_healthy(system, log)
    reader = await sign_in(system.base, READER)
    system.headers = {"Origin": system.base, "Cookie": cookie_header(reader)}
    await reader.aclose()
    return system


async def serve_ours(
    system: System, source: Path, env: dict[str, str], log: Path, app: str = "community.app:app"
) -> None:
    """Start ours (`app`) on the system's port; returns once it listens."""
    system.process = _spawn(
        [PYTHON, "-m", "uvicorn", app, *UVICORN_FLAGS, "--port", str(system.port)],
        env,
        log,
        cwd=source,  # `community` and `realtime` are imported from the source under test
    )
    await _wait_for_port(system.port, [system.process], log)


async def _wait_healthy(system: System, log: Path) -> None:
    """Both workers must be up: /healthz answers from whichever accepts the connection."""
    async with httpx2.AsyncClient(base_url=system.base, timeout=5) as http:
        for _ in range(100):
            if (await http.get("/healthz")).status_code == 200:
                return
            await asyncio.sleep(0.2)
    raise RuntimeError(f"ours never became healthy: {_tail(log)}")


# --- peers ------------------------------------------------------------------------------------


async def start_channels(layer: str, redis_url: str, logs: Path) -> System:
    name = f"channels-{layer}"
    extra_env = channels_env(layer, redis_url)
    system = System(name, free_port(), {"kind": "channels", "redis_url": redis_url}, extra_env)
    env = {**os.environ, **extra_env}
    log = logs / f"{name}.log"
    system.process = _spawn(
        [
            PYTHON,
            "-m",
            "uvicorn",
            "bench.peers.channels_project.asgi:application",
            *UVICORN_FLAGS,
            "--lifespan",
            "off",
            "--port",
            str(system.port),
        ],
        env,
        log,
    )
    await _wait_for_port(system.port, [system.process], log)
    system.headers = {"Origin": system.base}
    return system


def channels_env(layer: str, redis_url: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "bench.peers.channels_project.settings",
        "BENCH_LAYER": layer,
        "BENCH_REDIS_URL": redis_url,
    }


async def start_ceiling(redis_url: str, logs: Path) -> System:
    system = System(
        "ceiling", free_port(), {"kind": "redis", "redis_url": redis_url, "prefix": "ceiling:"}
    )
    log = logs / "ceiling.log"
    args = [PYTHON, "-m", "bench.peers.ceiling", "--port", str(system.port), "--redis", redis_url]
    procs = [_spawn(args, dict(os.environ), log.with_suffix(f".{i}.log")) for i in range(2)]
    system.process, system.extra = procs[0], procs[1:]
    await _wait_for_port(system.port, procs, log.with_suffix(".0.log"))
    await asyncio.sleep(1)  # the second process binds the same port a moment later
    system.headers = {"Origin": system.base}
    return system
