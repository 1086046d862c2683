"""`smartgov up | migrate | seed | token | openapi`."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from smartgov_cli.components import BY_NAME, COMPONENTS
from smartgov_cli.demo import seed
from smartgov_cli.devkeys import ensure_keys
from smartgov_cli.devtokens import ROLES, dev_token
from smartgov_cli.platform import ChildDiedError, Platform, migrate

DATA_DIR = Path(os.environ.get("SMARTGOV_DATA_DIR", ".smartgov"))


class _Stop(Exception):
    pass


def _raise_stop(signum: int, _frame: FrameType | None) -> None:
    raise _Stop(signal.Signals(signum).name)


def cmd_up(args: argparse.Namespace) -> int:
    platform = Platform(DATA_DIR, nats_url=os.environ.get("SMARTGOV_NATS_URL"))
    platform.log_dir = None if args.foreground_logs else DATA_DIR / "logs"
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    try:
        nats_url = platform.start_nats()
        print(f"nats        {nats_url}", flush=True)
        platform.migrate_all()
        print("migrations  done", flush=True)
        platform.start_children()
        platform.wait_ready()
        if not args.no_demo:
            ran = asyncio.run(seed(platform.gateway_url, DATA_DIR))
            print(f"demo data   loaded ({', '.join(ran) or 'nothing to load'})", flush=True)
        gw = platform.gateway_url
        print(
            f"\nSmartGov is up.\n"
            f"  API gateway   {gw}\n  API docs      {gw}/docs\n  OpenAPI       {gw}/openapi.json\n"
            f"  readiness     {gw}/readyz\n  logs          {platform.log_dir or 'stdout'}\n"
            f"  dev token     uv run smartgov token --role editor --municipality musterstadt\n"
            f"Ctrl-C stops everything.",
            flush=True,
        )
        while True:
            platform.check_children()
            time.sleep(0.5)
    except _Stop as stop:
        print(f"\n{stop}: stopping ...", flush=True)
        return 0
    except ChildDiedError as died:
        print(f"\nERROR: {died}; see {platform.log_dir}/{died.name}.log", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        platform.stop()
        print("stopped.", flush=True)


def cmd_migrate(args: argparse.Namespace) -> int:
    platform = Platform(
        DATA_DIR, nats_url=os.environ.get("SMARTGOV_NATS_URL", "nats://127.0.0.1:4222")
    )
    env = platform.env()
    targets = [BY_NAME[args.service]] if args.service else list(COMPONENTS)
    for component in targets:
        migrate([component], env)
        print(f"{component.name}: migrated")
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    ran = asyncio.run(seed(args.gateway, DATA_DIR))
    print(f"seeded: {', '.join(ran) or 'nothing'}")
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    secret = os.environ.get("GATEWAY_DEV_AUTH_SECRET") or (
        ensure_keys(DATA_DIR)["dev_secret"].read_text().strip()
    )
    try:
        print(dev_token(secret, role=args.role, municipality=args.municipality, sub=args.sub))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_openapi(args: argparse.Namespace) -> int:
    from smartgov_cli import openapi  # imports every app: only when asked

    directory = Path(args.directory)
    if args.check:
        differences = openapi.stale(directory)
        for name, diff in differences.items():
            print(f"{name} differs from the code:\n{diff[:4000]}", file=sys.stderr)
        if differences:
            print(
                "The API contract changed: run `make openapi` and commit openapi/.", file=sys.stderr
            )
            return 1
        print(f"{directory}: up to date")
        return 0
    for path in openapi.write(directory):
        print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="smartgov", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="run the whole platform locally")
    up.add_argument("--no-demo", action="store_true", help="do not load demo data")
    up.add_argument("--foreground-logs", action="store_true", help="children log to this terminal")
    up.set_defaults(func=cmd_up)
    mig = commands.add_parser("migrate", help="upgrade database schemas")
    mig.add_argument("service", nargs="?", choices=sorted(BY_NAME))
    mig.set_defaults(func=cmd_migrate)
    sd = commands.add_parser("seed", help="load demo data through a running gateway")
    sd.add_argument("--gateway", default="http://127.0.0.1:8000")
    sd.set_defaults(func=cmd_seed)
    tok = commands.add_parser("token", help="print a dev token (gateway dev mode only)")
    tok.add_argument("--role", required=True, choices=ROLES)
    tok.add_argument("--municipality")
    tok.add_argument("--sub")
    tok.set_defaults(func=cmd_token)
    api = commands.add_parser("openapi", help="export the OpenAPI documents to openapi/")
    api.add_argument("--check", action="store_true", help="fail if openapi/ is out of date")
    api.add_argument("--directory", default="openapi")
    api.set_defaults(func=cmd_openapi)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
