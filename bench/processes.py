"""Processes under test: started on a free port, waited for, measured, stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from servicekit.testing.nats import free_port

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def rss_mb(self) -> float:
        return rss_mb(self.process.pid)


def rss_mb(pid: int) -> float:
    """Resident memory of one process (Linux /proc), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no VmRSS for {pid}")


def wait_http(
    url: str, timeout: float = 60.0, process: subprocess.Popen[bytes] | None = None
) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before {url} answered")
        try:
            response = httpx.get(url, timeout=2)
            if response.status_code == 200:
                return
            last = f"{response.status_code} {response.text[:200]}"
        except httpx.HTTPError as exc:
            last = str(exc)
        time.sleep(0.2)
    raise TimeoutError(f"{url} not ready after {timeout}s: {last}")


@contextmanager
def serve(
    args: list[str],
    *,
    env: dict[str, str] | None = None,
    port: int | None = None,
    ready_path: str = "/healthz",
    log: Path | None = None,
    wait: bool = True,
) -> Iterator[Served]:
    """Run `python <args>` with `{port}` in args replaced by a free port; yields once
    `ready_path` answers 200 (`wait=False`: at once, so the caller can prepare data while
    the process imports, and calls `wait_http` itself); SIGTERM (then SIGKILL) afterwards."""
    port = port or free_port()
    command = [sys.executable, *(a.replace("{port}", str(port)) for a in args)]
    output = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        command, env={**os.environ, **(env or {})}, cwd=ROOT, stdout=output, stderr=output
    )
    try:
        if wait:
            wait_http(f"http://127.0.0.1:{port}{ready_path}", process=process)
        yield Served(process, port)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if log:
            output.close()  # type: ignore[union-attr]
