"""The `ruche` command: serve, migrate, demo, retention, revision."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys

from community import migrate
from community.settings import ConfigurationError, Settings


def _serve(settings: Settings, args: argparse.Namespace) -> None:
    import uvicorn

    uvicorn.run(
        "community.app:app",
        host=args.host,
        port=args.port or settings.port,
        ws="websockets-sansio",
        ws_max_size=64 * 1024,
        proxy_headers=True,
        timeout_graceful_shutdown=10,
    )


def _migrate(settings: Settings, _args: argparse.Namespace) -> None:
    migrate.upgrade(settings.database_url)
    print(f"Database at migration {migrate.head_revision()}.")


def _demo(settings: Settings, args: argparse.Namespace) -> None:
    from community import demo

    asyncio.run(demo.run(settings, only_if_empty=args.if_empty))


def _retention(settings: Settings, _args: argparse.Namespace) -> None:
    from community import retention
    from community.database import Database
    from community.models import utcnow

    async def once() -> str:
        database = Database(settings.database_url)
        try:
            return (await retention.run(database, utcnow(), settings)).removed
        finally:
            await database.dispose()

    for table, rows in json.loads(asyncio.run(once())).items():
        print(f"{table}: {rows} removed")


def _revision(settings: Settings, args: argparse.Namespace) -> None:
    migrate.make_revision(settings.database_url, args.message)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="ruche", description="Ruche community app")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the app with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=None)
    serve.set_defaults(run=_serve)
    commands.add_parser("migrate", help="bring the database schema up to date").set_defaults(
        run=_migrate
    )
    demo = commands.add_parser("demo", help="load the demo data (idempotent)")
    demo.add_argument(
        "--if-empty", action="store_true", help="only when the database holds no account"
    )
    demo.set_defaults(run=_demo)
    commands.add_parser(
        "retention", help="remove what is kept past its time (the hourly job, now)"
    ).set_defaults(run=_retention)
    revision = commands.add_parser("revision", help="write a migration from the models")
    revision.add_argument("-m", "--message", required=True)
    revision.set_defaults(run=_revision)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
    except ConfigurationError as exc:
        sys.exit(f"ruche: {exc}")
    args.run(settings, args)


if __name__ == "__main__":
    main()
