"""The command line every service shares: `serve`, `migrate` and `check-schema`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

import uvicorn

from servicekit.migrations import head_revisions, upgrade, wait_for_schema
from servicekit.settings import ServiceSettings


def service_main(
    name: str,
    settings_class: type[ServiceSettings],
    app_factory: str,
    migrations: str,
    uvicorn_options: dict[str, Any] | None = None,
) -> None:
    """`uvicorn_options` override the defaults below (e.g. the gateway turns off uvicorn's
    X-Forwarded-* handling because it applies its own trusted-proxy rules)."""
    parser = argparse.ArgumentParser(prog=name)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the HTTP API")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1)
    migrate = commands.add_parser("migrate", help="upgrade the database schema")
    migrate.add_argument("revision", nargs="?", default="head")
    check = commands.add_parser(
        "check-schema",
        help="exit 0 when the database is at this code's schema (or a newer release's), else 1",
    )
    check.add_argument(
        "--wait", type=float, default=0, metavar="SECONDS", help="keep checking this long"
    )
    args = parser.parse_args()
    settings = settings_class()
    if args.command == "migrate":
        upgrade(migrations, settings.database_url, args.revision)
        return
    if args.command == "check-schema":
        state = asyncio.run(wait_for_schema(migrations, settings.database_url, timeout=args.wait))
        heads = ", ".join(sorted(head_revisions(migrations)))
        print(f"{name}: database schema {state} (code's head: {heads})")
        sys.exit(0 if state.servable else 1)
    uvicorn.run(
        app_factory,
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
        server_header=False,
        **(uvicorn_options or {}),
    )
