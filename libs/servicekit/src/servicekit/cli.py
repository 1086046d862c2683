"""The command line every service shares: `serve` and `migrate`."""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn

from servicekit.migrations import upgrade
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
    args = parser.parse_args()
    settings = settings_class()
    if args.command == "migrate":
        upgrade(migrations, settings.database_url, args.revision)
        return
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
