"""Pages per second against the framework's ceiling: a signed-in learner's pages beside a
bare Starlette endpoint answering 8 KB of HTML, one uvicorn worker each, same settings.

    python -m bench.pages [--seconds 10] [--connections 8] [--sqlite-only]

Loads the demo data (`ruche migrate`, `ruche demo`) into a SQLite file and into a fresh
PostgreSQL database (created and dropped here), signs in as a demo learner, and drives each
page with `wrk` (apt-get install wrk). Prints a table; merges the figures and
`page_vs_plain_ratio` (the lowest page / plain ratio) into bench/results/live.json.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2

from bench import results_file
from bench.realtime import Database
from community import demo

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "live.json"
LEARNER = "apprenant1@demo.test"
TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
PROJECT_LINK = re.compile(r'href="/projects/(\d+)"')
UVICORN = [sys.executable, "-m", "uvicorn", "--workers", "1", "--no-access-log"]
UVICORN += ["--host", "127.0.0.1"]
Figures = dict[str, dict[str, dict[str, float]]]  # backend -> page -> figure -> value


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def ruche_env(database_url: str) -> dict[str, str]:
    # Production settings, as served: templates are not re-checked on disk, hashing is real.
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "RUCHE_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
    }


@contextmanager
def served(app: str, env: dict[str, str], log: Path) -> Iterator[str]:
    """`app` under uvicorn on a free port, until the block ends."""
    port = free_port()
    with log.open("w") as out:
        server = subprocess.Popen(  # noqa: S603
            [*UVICORN, "--port", str(port), app], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx2.get(base + "/", timeout=2)
                break
            except httpx2.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{app} did not start: see {log}") from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def sign_in(base: str) -> str:
    """The learner's session cookie, signed in through the real form."""
    with httpx2.Client(base_url=base) as http:
        token = TOKEN.search(http.get("/signin").text)
        assert token, "no CSRF token on /signin"
        data = {"email": LEARNER, "password": demo.PASSWORD, "csrf_token": token.group(1)}
        assert http.post("/signin", data=data).status_code == 303, "sign-in refused"
        return f"ruche={http.cookies['ruche']}"


def page_paths(base: str, cookie: str) -> dict[str, str]:
    """The three pages, each checked to answer 200 to the signed-in learner."""
    headers = {"Cookie": cookie}
    listing = httpx2.get(base + "/projects", headers=headers).text
    project = PROJECT_LINK.search(listing)
    assert project, "the learner sees no project"
    paths = {"home": "/", "project": f"/projects/{project.group(1)}", "help": "/help"}
    for path in paths.values():
        response = httpx2.get(base + path, headers=headers)
        assert response.status_code == 200, (path, response.status_code)
        assert "/signout" in response.text, f"{path} is not served signed in"
    return paths


def wrk(url: str, seconds: int, connections: int, cookie: str | None = None) -> dict[str, float]:
    """Requests per second and latency percentiles from one wrk run (one thread: the
    machine's other core serves)."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    assert "Non-2xx" not in out, out
    return {
        "rps": round(float(_field(r"Requests/sec:\s+([\d.]+)", out))),
        "p50_ms": _ms(_field(r"\s50%\s+([\d.]+\w+)", out)),
        "p99_ms": _ms(_field(r"\s99%\s+([\d.]+\w+)", out)),
    }


def _field(pattern: str, text: str) -> str:
    found = re.search(pattern, text)
    assert found, (pattern, text)
    return found.group(1)


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return round(float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit], 2)


def measure_backend(
    database: Database, folder: Path, plain: dict[str, float], args: argparse.Namespace
) -> dict[str, dict[str, float]]:
    env = ruche_env(database.url)
    for command in ("migrate", "demo"):
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "community.cli", command],
            cwd=ROOT, env=env, check=True, capture_output=True,
        )  # fmt: skip
    log = folder / f"ruche-{database.name}.log"
    with served("community.app:app", env, log) as base:
        cookie = sign_in(base)
        figures = {}
        for name, path in page_paths(base, cookie).items():
            wrk(base + path, 2, args.connections, cookie)  # warm-up: caches, pools, imports
            page = wrk(base + path, args.seconds, args.connections, cookie)
            page["ratio"] = round(page["rps"] / plain["rps"], 4)
            figures[name] = page
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ruche-pages-") as name:
        folder = Path(name)
        with served("bench.peers.plain_page:app", dict(os.environ), folder / "plain.log") as base:
            wrk(base + "/", 2, args.connections)
            plain = wrk(base + "/", args.seconds, args.connections)
        results: Figures = {}
        backends = [("sqlite", True)] + ([] if args.sqlite_only else [("postgresql", False)])
        for label, sqlite in backends:
            database = Database(sqlite, folder)
            database.create()
            try:
                results[label] = measure_backend(database, folder, plain, args)
            finally:
                database.drop()
    report(plain, results, args)


def report(plain: dict[str, float], results: Figures, args: argparse.Namespace) -> None:
    print(f"{'backend':<11} {'page':<8} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'vs plain':>9}")
    print(f"{'-':<11} {'plain':<8} {plain['rps']:>7} {plain['p50_ms']:>8} {plain['p99_ms']:>8}")
    for backend, pages in results.items():
        for page, f in pages.items():
            print(
                f"{backend:<11} {page:<8} {f['rps']:>7} {f['p50_ms']:>8} {f['p99_ms']:>8} "
                f"{f['ratio']:>9.3f}"
            )
    lowest = min(f["ratio"] for pages in results.values() for f in pages.values())
    print(f"page_vs_plain_ratio = {lowest:.3f} (target >= 0.1)")
    results_file.merge(
        RESULTS,
        {
            "page_vs_plain_ratio": lowest,
            "pages": {
                "plain": plain,
                **results,
                "settings": {
                    "load": f"wrk -t1 -c{args.connections} -d{args.seconds}s",
                    "uvicorn": "--workers 1 --no-access-log, RUCHE_ENV=production",
                    "reader": LEARNER,
                    "cpus": os.cpu_count(),
                },
            },
        },
    )


if __name__ == "__main__":
    main()
