"""Discover `bench/*_bench.py`, run each `run(quick) -> list[figure]`, write
`bench/results/latest.json`, flag regressions against the previous one, print a table."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import platform
import shutil
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.figures import regressions
from bench.settings import postgres_admin_url

RESULTS = Path(__file__).parent / "results"


def discover(only: list[str] | None = None) -> list[str]:
    package = Path(__file__).parent
    names = sorted(
        m.name for m in pkgutil.iter_modules([str(package)]) if m.name.endswith("_bench")
    )
    return [n for n in names if not only or any(o in n for o in only)]


def metadata(quick: bool, seconds: float, load_before: float) -> dict[str, Any]:
    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return "unknown"

    return {
        "git_sha": git("rev-parse", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": quick,
        "seconds": round(seconds, 1),
        "machine": {
            "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            "python": platform.python_version(),
            "system": platform.platform(),
            "load_average_1m_before": round(load_before, 2),
            "load_average_1m_after": round(os.getloadavg()[0], 2),
        },
        "postgres": postgres_admin_url() is not None,
    }


def table(figures: list[dict[str, Any]]) -> str:
    lines = [
        "| figure | value | unit | baseline | ratio | target | passed |",
        "|---|---:|---|---:|---:|---:|---|",
    ]
    for f in figures:
        target = ""
        if f["target"] is not None:
            sign = "≥" if f["better"] == "higher" else "≤"
            target = f"{sign} {f['target']}" + (" x" if f["target_of"] == "ratio" else "")
        passed = {True: "yes", False: "**no**", None: ""}[f["passed"]]
        if f.get("regression"):
            passed += f" (regression: {f['regression']})"
        baseline = "" if f["baseline"] is None else f["baseline"]
        ratio = "" if f["ratio"] is None else f["ratio"]
        lines.append(
            f"| {f['name']} | {f['value']} | {f['unit']} | {baseline} | {ratio} "
            f"| {target} | {passed} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs (under 3 minutes)")
    parser.add_argument("--only", nargs="*", help="run only modules whose name contains one")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args(argv)
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    figures: list[dict[str, Any]] = []
    failures: list[str] = []
    skipped: list[str] = []
    module_seconds: dict[str, float] = {}
    for name in discover(args.only):
        print(f"running {name} ...", file=sys.stderr, flush=True)
        module_started = time.monotonic()
        try:
            module = importlib.import_module(f"bench.{name}")
            if not callable(getattr(module, "run", None)):
                print(f"  {name}: no run(quick) function, skipped", file=sys.stderr)
                skipped.append(name)
                continue
            figures.extend(module.run(args.quick))
        except Exception:
            failures.append(name)
            traceback.print_exc()
        module_seconds[name] = round(time.monotonic() - module_started, 1)
    previous: list[dict[str, Any]] = []
    if args.output.exists():
        previous = json.loads(args.output.read_text()).get("figures", [])
        shutil.copy(args.output, args.output.with_name("previous.json"))
    flagged = regressions(figures, previous)
    document = {
        "meta": metadata(args.quick, time.monotonic() - started, load_before),
        "figures": figures,
    }
    document["meta"]["failed_benchmarks"] = failures
    document["meta"]["skipped_benchmarks"] = skipped
    document["meta"]["regressions"] = flagged
    document["meta"]["module_seconds"] = module_seconds
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(table(figures))
    print(f"\n{len(figures)} figures in {document['meta']['seconds']} s → {args.output}")
    missed = [f["name"] for f in figures if f["passed"] is False]
    if missed:
        print(f"targets missed: {', '.join(missed)}")
    if flagged:
        print(f"REGRESSIONS (>15% worse than the previous run): {', '.join(flagged)}")
    if failures:
        print(f"benchmarks that failed to run: {', '.join(failures)}")
        return 1
    return 0
