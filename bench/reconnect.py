"""The reconnect storm: every page comes back at once after a restart, and must catch up.

    python -m bench.reconnect                 # 10,000 sockets, PostgreSQL + Redis
    python -m bench.reconnect --ref main      # the same load against another commit

Ours runs as bench/realtime.py runs it (two uvicorn workers, PostgreSQL, Redis). Phones
(bench/storm.py, in several processes) each name a few group channels with a cursor a few
events behind the log's top. First they all connect to the running server (connects per
second, time until all are caught up); then the server is killed (SIGKILL, every process)
and started again, each phone resumes a few events behind again (as if it had missed them)
after the jittered backoff pages use, and the storm's time runs from the kill until the last
phone has every missed event. The load generators' own CPU is measured beside the server's:
on 2 cores they compete for the same CPU. Merges its figures into bench/results/live.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

import psutil
from redis.asyncio import Redis

from bench import results_file, systems
from bench.drive import Proc
from bench.realtime import Database
from bench.systems import TOKEN, WRITER, System

RESULTS = Path(__file__).resolve().parent / "results" / "live.json"
WITHIN = 120.0  # seconds a phase may take before it is reported as not done


class Storm:
    """The phone processes, and the CPU they use."""

    def __init__(self, procs: list[Proc]) -> None:
        self.procs = procs

    @classmethod
    async def start(cls, size: int) -> Storm:
        return cls(list(await asyncio.gather(*(Proc.start("bench.storm") for _ in range(size)))))

    async def call(self, cmd: str, shares: list[dict] | None = None) -> list[dict]:
        shares = shares or [{} for _ in self.procs]
        calls = (p.call(cmd, **share) for p, share in zip(self.procs, shares, strict=True))
        return list(await asyncio.gather(*calls))

    async def status(self) -> dict:
        parts = await self.call("status")
        errors: Counter[str] = Counter()
        other: Counter[str] = Counter()
        for part in parts:
            errors.update(part["errors"])
            other.update(part["other"])
        return {
            "connected": sum(p["connected"] for p in parts),
            "caught_up": sum(p["caught_up"] for p in parts),
            "last_connected_at": max((p["last_connected_at"] or 0 for p in parts), default=0),
            "last_caught_up_at": max((p["last_caught_up_at"] or 0 for p in parts), default=0),
            "errors": dict(errors),
            "other": dict(other),
        }

    def cpu_seconds(self) -> float:
        return sum(_cpu(p.process.pid) for p in self.procs)

    async def stop(self) -> None:
        await asyncio.gather(*(p.stop() for p in self.procs))


def _cpu(pid: int) -> float:
    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return 0.0
    return times.user + times.system


async def post_events(system: System, channels: list[str], per_channel: int) -> None:
    """Announcements over HTTP, as staff: each appends an event to its group's log."""
    writer = await systems.sign_in(system.base, WRITER)
    try:
        page = await writer.get(channels[0].replace("iteration:", "/iterations/"))
        token = TOKEN.search(page.text)
        assert token, f"no CSRF token on the group page (HTTP {page.status_code})"
        gate = asyncio.Semaphore(8)

        async def announce(channel: str, n: int) -> None:
            async with gate:
                response = await writer.post(
                    channel.replace("iteration:", "/iterations/") + "/announcements",
                    data={"body": f"Storm announcement {n}", "csrf_token": token.group(1)},
                )
                assert response.status_code == 303, response.text[:300]

        for n in range(per_channel):
            await asyncio.gather(*(announce(channel, n) for channel in channels))
    finally:
        await writer.aclose()


def tops(database: Database, channels: list[str]) -> dict[str, int]:
    """Each channel's last sequence number, read from the log."""
    assert database.admin, "the storm runs on PostgreSQL"
    query = "SELECT name, last_seq FROM live_channel"
    command = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database.name, "-At", "-c", query]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    found = dict(line.split("|") for line in out.splitlines())
    return {channel: int(found.get(channel, 0)) for channel in channels}


def phones(last: dict[str, int], count: int, per_phone: int, behind: int) -> list[list]:
    """Each phone names `per_phone` neighbouring channels, 1 to `behind` events behind."""
    names = list(last)
    plan = []
    for i in range(count):
        named = {names[(i * per_phone + j) % len(names)] for j in range(per_phone)}
        plan.append([{ch: last[ch] for ch in named}, 1 + i % behind])
    return plan


async def until_caught_up(storm: Storm, count: int, since: float) -> dict:
    """Poll until every phone is caught up, or WITHIN seconds; times are from `since`."""
    deadline = since + WITHIN
    while True:
        status = await storm.status()
        if status["caught_up"] >= count or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    done = status["caught_up"] >= count
    return {
        **status,
        "all_caught_up": done,
        "reconnected_s": round(status["last_connected_at"] - since, 2),
        "caught_up_s": round(status["last_caught_up_at"] - since, 2) if done else None,
    }


def kill(system: System) -> None:
    """A hard stop of every server process: the sockets drop without a close frame. Returns
    once they are all gone: a dying worker still holds the listening socket."""
    procs = []
    for pid in system.pids():
        with contextlib.suppress(psutil.Error):
            procs.append(psutil.Process(pid))
            procs[-1].kill()
    psutil.wait_procs(procs, timeout=30)
    if system.process is not None:
        system.process.wait()


async def restart(system: System, source: Path, env: dict[str, str], logs: Path) -> None:
    """The same command on the same port, as a deploy does."""
    await systems.serve_ours(system, source, env, logs / "ours-restarted.log")


async def measure_phase(storm: Storm, system: System, count: int, since: float) -> dict:
    cpu_storm, cpu_server = storm.cpu_seconds(), system.cpu_seconds()
    result = await until_caught_up(storm, count, since)
    wall = time.monotonic() - since
    result["loadgen_cpu_share"] = round((storm.cpu_seconds() - cpu_storm) / wall, 2)
    result["server_cpu_share"] = round((system.cpu_seconds() - cpu_server) / wall, 2)
    # Those that did connect, over the time until the last of them did.
    result["connects_per_s"] = round(result["connected"] / max(result["reconnected_s"], 1e-3), 1)
    # CPU time depends far less than wall time on what else the machine runs.
    server_cpu = system.cpu_seconds() - cpu_server
    result["server_cpu_ms_per_socket"] = round(1000 * server_cpu / count, 2)
    return result


async def run(args: argparse.Namespace) -> dict:
    logs = Path(tempfile.mkdtemp(prefix="ruche-storm-"))
    database = Database(False, logs)
    source, described = systems.export_source(args.ref, logs)
    env = systems.ruche_env(database.url, args.redis)
    system = storm = None
    redis = Redis.from_url(args.redis)
    await redis.flushdb()
    try:
        database.create()
        systems.prepare_database(source, env)
        names = await systems.create_groups(source, database.url, args.groups)
        system = await systems.start_ours(source, env, args.redis, logs)
        await post_events(system, names, args.events)
        plan = phones(tops(database, names), args.sockets, args.channels, args.behind)
        storm = await Storm.start(args.loadgens)
        shares = [
            {
                "url": system.ws_url,
                "headers": system.headers,
                "phones": plan[i :: args.loadgens],
                "spread": args.spread,
            }
            for i in range(args.loadgens)
        ]
        print(f"cold: {args.sockets} sockets connect to the running server", flush=True)
        started = time.monotonic()
        await storm.call("open", shares)
        cold = await measure_phase(storm, system, args.sockets, started)
        print(f"  {cold}", flush=True)
        await storm.call("expect_restart")
        print("storm: kill the server, start it again", flush=True)
        killed = time.monotonic()
        kill(system)
        await restart(system, source, env, logs)
        up = time.monotonic() - killed
        storm_figures = await measure_phase(storm, system, args.sockets, killed)
        storm_figures["server_listening_s"] = round(up, 2)
        print(f"  {storm_figures}", flush=True)
        return {"source": described, "logs": str(logs), "cold": cold, "storm": storm_figures}
    finally:
        if storm is not None:
            await storm.stop()
        if system is not None:
            system.stop()
        database.drop()
        await redis.flushdb()
        await redis.aclose()


def table(result: dict) -> str:
    rows = [
        ("", "cold connect", "after a restart"),
        *(
            (label, str(result["cold"].get(key)), str(result["storm"].get(key)))
            for label, key in [
                ("all caught up", "all_caught_up"),
                ("last socket open (s)", "reconnected_s"),
                ("last socket caught up (s)", "caught_up_s"),
                ("connects/s", "connects_per_s"),
                ("server CPU (cores)", "server_cpu_share"),
                ("server CPU per socket (ms)", "server_cpu_ms_per_socket"),
                ("load generators CPU (cores)", "loadgen_cpu_share"),
                ("connect errors", "errors"),
                ("other messages", "other"),
            ]
        ),
    ]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, (28, 22, 22), strict=True)) for r in rows]
    lines.append(f"server listening again after {result['storm']['server_listening_s']} s")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sockets", type=int, default=10_000)
    parser.add_argument("--channels", type=int, default=3, help="channels each socket names")
    parser.add_argument("--groups", type=int, default=200, help="group channels in all")
    parser.add_argument("--events", type=int, default=6, help="events logged per channel")
    parser.add_argument("--behind", type=int, default=5, help="at most this many missed")
    parser.add_argument("--loadgens", type=int, default=2, help="phone processes")
    parser.add_argument(
        "--spread", type=float, default=0, help="cold connects spread over this many seconds"
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--ref", help="serve ours from this commit instead of the working tree")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    load_before = os.getloadavg()
    result = asyncio.run(run(args))
    print(table(result))
    figures = {
        "reconnect_10k_s" if args.sockets == 10_000 else f"reconnect_{args.sockets}_s": result[
            "storm"
        ]["caught_up_s"],
        "reconnect_connects_per_s": result["storm"]["connects_per_s"],
        "cold_connects_per_s": result["cold"]["connects_per_s"],
        "reconnect_storm": {
            **result,
            "settings": {
                **{k: v for k, v in vars(args).items() if k not in ("out", "no_write")},
                "uvicorn": " ".join(systems.UVICORN_FLAGS),
                "cpus": psutil.cpu_count(),
                "load_average_before": load_before,
                "load_average_after": os.getloadavg(),
            },
        },
    }
    if not args.no_write:
        results_file.merge(args.out, figures)
        print(f"merged into {args.out}")


if __name__ == "__main__":
    main()
