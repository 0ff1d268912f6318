"""The realtime benchmark: ours vs Django Channels (two layers) vs a bare `websockets` ceiling.

    python -m bench.realtime            # quick mode, under 5 minutes on 2 cores
    python -m bench.realtime --full     # 1k/5k/10k sockets, longer steps

Every system runs on this machine against the same Redis, driven by the same load-generator
processes and publisher. Scenarios (bench/README.md explains each):
idle memory per connection, connections held, a fan-out ramp (the knee), one channel with
many subscribers, a slow consumer, and, for ours, reconnect-and-resume correctness.
Writes bench/results/realtime.json and prints a table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil
from redis.asyncio import Redis

from bench import resume, systems
from bench.drive import Fleet, Proc
from bench.systems import System

RESULTS = Path(__file__).resolve().parent / "results" / "realtime.json"
MAX_P99_MS = 100.0


@dataclass(frozen=True)
class Config:
    mode: str
    sizes: tuple[int, ...]  # idle sockets held, measured in this order
    ramp_sockets: int  # sockets connected during the fan-out ramp
    subscribers_per_channel: int
    steps: tuple[int, ...]  # deliveries per second offered at each ramp step
    step_seconds: float
    big_channel: int  # subscribers of the single big channel
    big_steps: tuple[int, ...]
    slow_seconds: float
    loadgen_processes: int
    resume_readers: int
    resume_rounds: int


QUICK = Config(
    mode="quick",
    sizes=(1000,),
    ramp_sockets=1000,
    subscribers_per_channel=20,
    steps=(500, 1000, 2000, 4000, 8000, 16000, 32000, 64000),
    step_seconds=2.5,
    big_channel=1000,
    big_steps=(1000, 2000, 4000, 8000, 16000, 32000, 64000),
    slow_seconds=4,
    loadgen_processes=2,
    resume_readers=40,
    resume_rounds=4,
)
FULL = Config(
    mode="full",
    sizes=(1000, 5000, 10000),
    ramp_sockets=5000,
    subscribers_per_channel=20,
    steps=(500, 1000, 2000, 3000, 4000, 6000, 8000, 12000, 16000, 24000, 32000, 48000, 64000),
    step_seconds=8,
    big_channel=2000,
    big_steps=(2000, 4000, 8000, 16000, 24000, 32000, 48000, 64000),
    slow_seconds=15,
    loadgen_processes=4,
    resume_readers=200,
    resume_rounds=6,
)
CONNECT_BATCH = 500
SLOW_CHANNEL_SOCKETS = 2  # one of them stops reading
SLOW_BACKGROUND = 1000  # deliveries/s on the other channels while a client is stalled
# Messages/s on the stalled client's channel, of 8 KiB each: loopback buffers hold ~4 MB
# before a server feels any backpressure, so this fills them within seconds.
SLOW_RATE = 200


# --- channels ---------------------------------------------------------------------------------


class Channels:
    """Hands out fresh channels: ours must never see a channel reused with other seq numbers."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.next = 0

    def take(self, n: int) -> list[str]:
        taken = self.names[self.next : self.next + n]
        if len(taken) < n:
            raise RuntimeError("not enough bench groups were created")
        self.next += n
        return taken

    def rewind(self) -> None:
        """Each system starts again from the first channel (the peers have no history)."""
        self.next = 0


def channels_needed(config: Config) -> int:
    idle = max(config.sizes) // config.subscribers_per_channel
    ramp = config.ramp_sockets // config.subscribers_per_channel
    return idle + ramp + 1 + 1 + 1 + 1  # + warm-up, slow, big, resume


def batches(plan: dict[str, int], size: int) -> list[dict[str, int]]:
    """Whole channels, about `size` sockets per batch."""
    out: list[dict[str, int]] = [{}]
    for channel, n in plan.items():
        if out[-1] and sum(out[-1].values()) + n > size:
            out.append({})
        out[-1][channel] = n
    return out


def plan_for(channels: list[str], sockets: int) -> dict[str, int]:
    """Spread `sockets` evenly over `channels`."""
    n = len(channels)
    return {ch: sockets // n + (1 if i < sockets % n else 0) for i, ch in enumerate(channels)}


# --- measuring --------------------------------------------------------------------------------


def percentile(sorted_values: list[int], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, int(q * len(sorted_values)))
    return sorted_values[index] / 1000  # µs -> ms


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


class Bench:
    """One system at a time: its publisher, the shared fleet, the measurements."""

    def __init__(self, config: Config, fleet: Fleet, redis: Redis) -> None:
        self.config = config
        self.fleet = fleet
        self.redis = redis
        self.system: System | None = None
        self.publisher: Proc | None = None
        self.steps = 0

    async def redis_cpu(self) -> float:
        info = await self.redis.info("cpu")
        return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])

    async def connect(self, plan: dict[str, int]) -> dict:
        """Open the sockets in batches of ~500, waiting for the server to go quiet after each.

        A socket is open before the server has handled its resume. Thousands of resumes at
        once queue on ours' database pool (30 s timeout) and the late ones fail; a
        subscription still being set up when the first message is published misses it.
        """
        started = time.monotonic()
        connected, errors = 0, Counter()
        for batch in batches(plan, CONNECT_BATCH):
            result = await self.fleet.connect(self.system.ws_url, self.system.headers, batch)
            connected += result["connected"]
            errors.update(result["errors"])
            await self.quiet()
        rate = connected / (time.monotonic() - started)
        return {"connected": connected, "errors": dict(errors), "connects_per_s": round(rate, 1)}

    async def quiet(self, most: float = 60) -> None:
        """Wait until the server's processes are idle (or `most` seconds)."""
        await self.system.settle(most)

    async def step(
        self, rate: float, seconds: float, channels: list[str], fat: tuple[str, ...] = ()
    ) -> dict:
        """Publish `rate` msg/s for `seconds`; wait for the deliveries; summarise them."""
        self.steps += 1
        step = self.steps
        fleet_pids = [p.process.pid for p in self.fleet.procs]
        before = (
            cpu_seconds(self.system.pids()),
            cpu_seconds(fleet_pids),
            cpu_seconds([self.publisher.process.pid]),
            await self.redis_cpu(),
        )
        started = time.monotonic()
        published = await self.publisher.call(
            "run", step=step, rate=rate, duration=seconds, channels=channels, fat=fat
        )
        expected = sum(self.fleet.subscribers[ch] * n for ch, n in published["published"].items())
        received = await self.fleet.wait_for(step, expected, within=max(3.0, seconds))
        elapsed = time.monotonic() - started
        after = (
            cpu_seconds(self.system.pids()),
            cpu_seconds(fleet_pids),
            cpu_seconds([self.publisher.process.pid]),
            await self.redis_cpu(),
        )
        latencies, other = await self.fleet.collect(step)
        latencies.sort()
        cpu = [round(100 * (a - b) / elapsed) for a, b in zip(after, before, strict=True)]
        return {
            "offered_deliveries_per_s": round(expected / seconds),
            "expected": expected,
            "received": len(latencies),
            "lost": expected - min(received, len(latencies)),
            "duplicates": max(0, len(latencies) - expected),
            "p50_ms": round(percentile(latencies, 0.50), 2),
            "p99_ms": round(percentile(latencies, 0.99), 2),
            "max_ms": round(latencies[-1] / 1000, 2) if latencies else None,
            "publisher_max_behind_ms": published["max_behind_ms"],
            "cpu_percent": dict(zip(("server", "loadgen", "publisher", "redis"), cpu, strict=True)),
            "other": dict(other),
        }

    async def probe(self, channels: list[str]) -> int:
        """One message on every channel: how many sockets really listen."""
        rate = min(500.0, len(channels))
        result = await self.step(rate, len(channels) / rate, channels)
        return result["received"]

    async def ramp(self, channels: list[str], steps: tuple[int, ...]) -> dict:
        """Raise the offered deliveries/s until p99 >= 100 ms or anything is lost."""
        subscribers = sum(self.fleet.subscribers[ch] for ch in channels) / len(channels)
        results, knee = [], 0
        resyncs = Counter()
        for target in steps:
            result = await self.step(target / subscribers, self.config.step_seconds, channels)
            result["target_deliveries_per_s"] = target
            troubles = Counter(result["other"])
            new_trouble = sum(troubles[k] - resyncs[k] for k in ("resync", "denied"))
            resyncs = troubles
            result["ok"] = bool(
                result["lost"] == 0
                and result["duplicates"] == 0
                and result["p99_ms"] < MAX_P99_MS
                and new_trouble == 0
            )
            results.append(result)
            print(
                f"    {target:>6}/s  p99 {result['p99_ms']:>8} ms  lost {result['lost']:>6}"
                f"  cpu {result['cpu_percent']}",
                flush=True,
            )
            if not result["ok"]:
                break
            knee = target
            await asyncio.sleep(0.5)
        return {
            "knee_deliveries_per_s": knee,
            "subscribers_per_channel": subscribers,
            "steps": results,
        }

    async def slow_consumer(self, background: list[str], slow: str) -> dict:
        """Others' latency with and without one client that stopped reading."""
        await self.connect({slow: SLOW_CHANNEL_SOCKETS})
        per_channel = self.config.subscribers_per_channel
        background_rate = SLOW_BACKGROUND / per_channel
        # Interleaved so that `slow` gets SLOW_RATE msg/s and the rest share the background.
        ratio = max(1, round(SLOW_RATE / background_rate))
        mix = [ch for b in background for ch in [b, *[slow] * ratio]]
        rate = background_rate * (1 + ratio)
        seconds = self.config.slow_seconds
        baseline = await self.step(rate, seconds, mix, fat=(slow,))
        await self.fleet.stall(slow)
        rss = self.system.rss()
        stalled = await self.step(rate, seconds, mix, fat=(slow,))
        growth = self.system.rss() - rss
        ends = await self.fleet.unstall(wait=3)
        return {
            "messages_per_s_to_stalled_client": background_rate * ratio,
            "stalled_client_message_bytes": 8 * 1024,
            "seconds": seconds,
            "others_baseline": baseline,
            "others_while_stalled": stalled,
            "server_rss_growth_kib": growth // 1024,
            "stalled_client": ends[0] if ends else None,
        }

    async def run(self, system: System, channels: Channels) -> dict:
        self.system = system
        self.publisher = await Proc.start("bench.publisher", system.publisher_env)
        await self.publisher.call("init", **system.publisher)
        try:
            return await self._scenarios(channels)
        finally:
            await self.fleet.close()
            await self.publisher.stop()

    async def _scenarios(self, channels: Channels) -> dict:
        config, out = self.config, {}
        per = config.subscribers_per_channel
        # Warm-up: pools, imports and first-use caches are not per-connection costs.
        warm = channels.take(1)
        await self.connect(plan_for(warm, 50))
        await self.probe(warm)
        await self.fleet.close()
        await asyncio.sleep(1)
        base_rss, held_channels, out["idle"] = self.system.rss(), [], []
        print(f"  idle memory (baseline RSS {base_rss // 2**20} MiB)", flush=True)
        for size in config.sizes:
            new = channels.take((size - sum(self.fleet.subscribers.values())) // per)
            connected = await self.connect(plan_for(new, len(new) * per))
            held_channels += new
            rss = self.system.rss()
            held = await self.probe(held_channels)
            idle = {
                "sockets": size,
                **connected,
                "held": held,
                "rss_mib": round(rss / 2**20, 1),
                "kib_per_connection": round((rss - base_rss) / 1024 / size, 1),
            }
            print(f"    {idle}", flush=True)
            out["idle"].append(idle)
        if sum(self.fleet.subscribers.values()) != config.ramp_sockets:
            await self.fleet.close()
            ramp_channels = channels.take(config.ramp_sockets // per)
            await self.connect(plan_for(ramp_channels, config.ramp_sockets))
        else:
            ramp_channels = held_channels
        print(f"  fan-out ramp, {config.ramp_sockets} sockets", flush=True)
        out["ramp"] = await self.ramp(ramp_channels, config.steps)
        print("  slow consumer", flush=True)
        out["slow_consumer"] = await self.slow_consumer(ramp_channels, channels.take(1)[0])
        await self.fleet.close()
        print(f"  one channel, {config.big_channel} subscribers", flush=True)
        big = channels.take(1)
        out["big_channel_connect"] = await self.connect({big[0]: config.big_channel})
        out["big_channel"] = await self.ramp(big, config.big_steps)
        return out


# --- setup ------------------------------------------------------------------------------------


class Database:
    """A PostgreSQL database of the benchmark's own (or a SQLite file), dropped afterwards."""

    def __init__(self, sqlite: bool, folder: Path) -> None:
        self.name = f"ruche_bench_{int(time.time())}"
        if sqlite:
            self.url = f"sqlite+aiosqlite:///{folder}/bench.db"
            self.admin = None
        else:
            self.url = f"postgresql://postgres@127.0.0.1:5432/{self.name}"
            self.admin = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c"]

    def create(self) -> None:
        if self.admin:
            subprocess.run([*self.admin, f"CREATE DATABASE {self.name}"], check=True)  # noqa: S603

    def drop(self) -> None:
        if self.admin:
            subprocess.run(  # noqa: S603
                [*self.admin, f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)"], check=False
            )


async def prepare(config: Config, source: Path, database: Database, redis_url: str) -> list[str]:
    database.create()
    systems.prepare_database(source, systems.ruche_env(database.url, redis_url))
    return await systems.create_groups(source, database.url, channels_needed(config))


# --- the run ----------------------------------------------------------------------------------


async def run_all(config: Config, args: argparse.Namespace) -> dict:
    redis = Redis.from_url(args.redis)
    await redis.flushdb()
    logs = Path(tempfile.mkdtemp(prefix="ruche-bench-"))
    database = Database(args.sqlite, logs)
    source, described = systems.export_source(args.ref, logs)
    started = time.monotonic()
    fleet = None
    try:
        names = await prepare(config, source, database, args.redis)
        channels = Channels(names)
        fleet = await Fleet.start(config.loadgen_processes)
        bench = Bench(config, fleet, redis)
        results: dict = {}
        starters = {
            "ours": lambda: systems.start_ours(
                source, systems.ruche_env(database.url, args.redis), args.redis, logs
            ),
            "channels-core": lambda: systems.start_channels("core", args.redis, logs),
            "channels-pubsub": lambda: systems.start_channels("pubsub", args.redis, logs),
            "channels-tuned": lambda: systems.start_channels("tuned", args.redis, logs),
            "ceiling": lambda: systems.start_ceiling(args.redis, logs),
        }
        for name in args.systems:
            print(f"== {name}", flush=True)
            channels.rewind()
            system = await starters[name]()
            try:
                results[name] = await bench.run(system, channels)
                if name == "ours":
                    print("  reconnect and resume", flush=True)
                    results["ours"]["resume"] = await resume.check(
                        system, names[-1], config.resume_readers, config.resume_rounds, 5
                    )
                    print(f"    {results['ours']['resume']}", flush=True)
            except Exception as exc:  # one system failing must not lose the others' figures
                print(f"  {name} failed: {exc!r}", flush=True)
                results[name] = {"error": repr(exc)}
            finally:
                system.stop()
            if name == "ours" and "error" not in results[name]:
                # Redis is shared: a CLIENT KILL from elsewhere (the project's own broker tests
                # do one) makes our brokers reconnect and catch up; count it, it skews the run.
                log = (logs / "ours.log").read_text()
                results[name]["broker_reconnects"] = log.count("Redis connection lost")
            await redis.flushdb()
        return {
            "systems": results,
            "seconds": round(time.monotonic() - started, 1),
            "logs": str(logs),
            "database": "sqlite" if args.sqlite else "postgresql",
            "source": described,
        }
    finally:
        if fleet is not None:
            await fleet.stop()
        database.drop()
        await redis.flushdb()
        await redis.aclose()


def summarise(config: Config, run: dict) -> dict:
    """The headline figures and how they compare with the targets."""
    got = run["systems"]

    def knee(name: str, scenario: str = "ramp") -> int | None:
        return got.get(name, {}).get(scenario, {}).get("knee_deliveries_per_s")

    def ratio(
        ours: int | None, peer: int | None, steps: tuple[int, ...] = config.steps
    ) -> tuple[float | None, str | None]:
        """Our knee over a peer's, and whether the ramp's ends make it a bound only."""
        if ours is None or peer is None:
            return None, None
        if peer == 0:  # the peer failed the lowest step: its knee is below it
            return round(ours / steps[0], 2), "at least"
        if peer == steps[-1]:  # the peer passed every step: its knee is above it
            return round(ours / peer, 2), "at most"
        return round(ours / peer, 2), "measured"

    ours = got.get("ours", {})
    peer = channels_peer(got)
    vs_channels = ratio(knee("ours"), knee(peer) if peer else None)
    vs_ceiling = ratio(knee("ours"), knee("ceiling"))
    big_vs_ceiling = ratio(
        knee("ours", "big_channel"), knee("ceiling", "big_channel"), config.big_steps
    )
    at_2000 = [
        s for s in ours.get("ramp", {}).get("steps", []) if s["target_deliveries_per_s"] == 2000
    ]
    idle = ours.get("idle", [])
    headline = {
        "knee_ratio_vs_channels": vs_channels[0],
        "knee_ratio_vs_channels_is": vs_channels[1],
        "knee_ratio_vs_channels_peer": peer,
        "knee_ratio_vs_ceiling": vs_ceiling[0],
        "knee_ratio_vs_ceiling_is": vs_ceiling[1],
        "big_channel_knee_ratio_vs_ceiling": big_vs_ceiling[0],
        "big_channel_knee_ratio_vs_ceiling_is": big_vs_ceiling[1],
        "p99_ms_at_5k": at_2000[0]["p99_ms"] if at_2000 else None,
        "p99_ms_at_5k_sockets": config.ramp_sockets,
        "idle_kib_per_connection": idle[-1]["kib_per_connection"] if idle else None,
        "max_connections_held": max((i["held"] for i in idle), default=None),
        "resume_exactly_once": ours.get("resume", {}).get("exactly_once_ratio"),
    }
    targets = {
        # An upper bound proves nothing about a lower limit: not counted as met.
        "knee_ratio_vs_channels": (
            ">= 3",
            _ge(vs_channels[0], 3) and vs_channels[1] != "at most",
        ),
        "knee_ratio_vs_ceiling": (
            ">= 0.5",
            _ge(vs_ceiling[0], 0.5) and vs_ceiling[1] != "at most",
        ),
        "big_channel_knee_ratio_vs_ceiling": (
            ">= 0.5",
            _ge(big_vs_ceiling[0], 0.5) and big_vs_ceiling[1] != "at most",
        ),
        "p99_ms_at_5k": (
            "< 100 ms at 2,000 deliveries/s with 5,000 sockets",
            headline["p99_ms_at_5k"] is not None
            and headline["p99_ms_at_5k"] < MAX_P99_MS
            and config.ramp_sockets >= 5000,
        ),
        "idle_kib_per_connection": ("<= 32", _le(headline["idle_kib_per_connection"], 32)),
        "max_connections_held": (">= 10000", _ge(headline["max_connections_held"], 10000)),
        "resume_exactly_once": ("== 1.0", headline["resume_exactly_once"] == 1.0),
    }
    return {
        **headline,
        "targets": {k: {"target": t, "met": bool(met)} for k, (t, met) in targets.items()},
        "knees_deliveries_per_s": {name: knee(name) for name in got},
    }


def channels_peer(got: dict) -> str | None:
    """The Channels system the ratio compares with: the tuned one when it ran, else the
    better of the default layers."""
    if "channels-tuned" in got:
        return "channels-tuned"
    ran = [n for n in ("channels-core", "channels-pubsub") if n in got]
    return max(ran, key=lambda n: _knee(got[n]), default=None)


def _knee(system: dict) -> int:
    return system.get("ramp", {}).get("knee_deliveries_per_s", -1)


def _ge(value: float | None, bound: float) -> bool:
    return value is not None and value >= bound


def _le(value: float | None, bound: float) -> bool:
    return value is not None and value <= bound


def table(summary: dict, raw: dict) -> str:
    names = list(raw)
    rows = [("", *names)]

    def row(label: str, pick) -> None:  # type: ignore[no-untyped-def]
        values = []
        for name in names:
            try:
                values.append(str(pick(raw[name])))
            except (KeyError, IndexError, TypeError, StopIteration):
                values.append("-")
        rows.append((label, *values))

    row("fan-out knee (deliveries/s)", lambda s: s["ramp"]["knee_deliveries_per_s"])
    row(
        "p99 ms at 2,000/s",
        lambda s: next(
            x["p99_ms"] for x in s["ramp"]["steps"] if x["target_deliveries_per_s"] == 2000
        ),
    )
    row("idle KiB/connection", lambda s: s["idle"][-1]["kib_per_connection"])
    row("connections held", lambda s: max(i["held"] for i in s["idle"]))
    row("connects/s", lambda s: s["idle"][0]["connects_per_s"])
    row("big channel knee (deliv./s)", lambda s: s["big_channel"]["knee_deliveries_per_s"])
    row("slow: others p99 ms (before)", lambda s: s["slow_consumer"]["others_baseline"]["p99_ms"])
    row(
        "slow: others p99 ms (stalled)",
        lambda s: s["slow_consumer"]["others_while_stalled"]["p99_ms"],
    )
    row("slow: others lost", lambda s: s["slow_consumer"]["others_while_stalled"]["lost"])
    row(
        "slow: stalled client's close", lambda s: s["slow_consumer"]["stalled_client"]["close_code"]
    )
    row("slow: server RSS growth KiB", lambda s: s["slow_consumer"]["server_rss_growth_kib"])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.append("")
    for key, verdict in summary["targets"].items():
        mark = "met" if verdict["met"] else "NOT MET"
        value = f"{summary.get(key + '_is') or ''} {summary[key]}".strip()
        lines.append(f"{key:<33} {value:<18} target {verdict['target']:<50} {mark}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true", help="1k/5k/10k sockets, longer steps")
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14", help="a DB of our own")
    parser.add_argument(
        "--systems",
        nargs="+",
        default=["ours", "channels-core", "channels-pubsub", "channels-tuned", "ceiling"],
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--ref", help="serve ours from this commit instead of the working tree")
    parser.add_argument(
        "--report", action="store_true", help="no run: summarise the raw figures in --out again"
    )
    args = parser.parse_args()
    if args.report:
        document = json.loads(args.out.read_text())
        config = FULL if document["mode"] == "full" else QUICK
    else:
        config = FULL if args.full else QUICK
        document = measure(config, args)
    summary = summarise(config, {"systems": document["raw"]})
    document = {"mode": config.mode, **summary, **{k: document[k] for k in ADDED if k in document}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=1) + "\n")
    print(table(summary, document["raw"]))
    print(f"\n{config.mode} mode, {document['seconds']} s; written to {args.out}")


ADDED = ("settings", "seconds", "logs", "raw")  # what a run adds to the summary


def measure(config: Config, args: argparse.Namespace) -> dict:
    load_before = os.getloadavg()  # other work on the machine skews every figure: say so
    run = asyncio.run(run_all(config, args))
    return {
        "settings": {
            **asdict(config),
            "max_p99_ms": MAX_P99_MS,
            "slow_consumer": {
                "sockets": SLOW_CHANNEL_SOCKETS,
                "background_per_s": SLOW_BACKGROUND,
                "stalled_channel_msgs_per_s": SLOW_RATE,
            },
            "uvicorn": " ".join(systems.UVICORN_FLAGS),
            "database": run["database"],
            "ours_source": run["source"],
            "message": "~570 B JSON envelope, ~510 B htmx OOB fragment, compression off",
            "machine": {
                "cpus": psutil.cpu_count(),
                "python": platform.python_version(),
                "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
                "load_average_before": load_before,
                "load_average_after": os.getloadavg(),
            },
        },
        "seconds": run["seconds"],
        "logs": run["logs"],
        "raw": run["systems"],
    }


if __name__ == "__main__":
    main()
