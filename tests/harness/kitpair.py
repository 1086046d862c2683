"""The servicekit producer/consumer pair of `bench/kitpair` as processes to kill: the event
path (outbox → relay → JetStream → consumer → inbox) under faults, before the real services
carry enough events to show it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from harness.polling import eventually
from servicekit.testing.nats import NatsServer, free_ports

ROOT = Path(__file__).resolve().parents[2]
ROLES = ("producer", "consumer")


@dataclass
class KitPair:
    nats: NatsServer
    database_urls: dict[str, str]
    log_dir: Path
    ports: dict[str, int] = field(
        default_factory=lambda: dict(zip(ROLES, free_ports(len(ROLES)), strict=True))
    )
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)

    def url(self, role: str) -> str:
        return f"http://127.0.0.1:{self.ports[role]}"

    def start(self, *roles: str) -> None:
        """Start the given roles side by side and wait until each answers."""
        for role in roles:
            self._spawn(role)
        for role in roles:
            eventually(lambda role=role: self._alive(role), timeout=90)

    def _spawn(self, role: str) -> None:
        env = {
            **os.environ,
            "KITPAIR_ROLE": role,
            "KITPAIR_DATABASE_URL": self.database_urls[role],
            "SMARTGOV_NATS_URL": self.nats.url,
            "SMARTGOV_RELAY_POLL_SECONDS": "0.2",
            "KITPAIR_LEASE_SECONDS": "3",
            "KITPAIR_ACK_WAIT_SECONDS": "3",
        }
        with open(self.log_dir / f"{role}.log", "ab") as log:
            self.processes[role] = subprocess.Popen(
                [sys.executable, "-m", "bench.kitpair", "serve", "--port", str(self.ports[role])],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
            )

    def _alive(self, role: str) -> bool:
        process = self.processes[role]
        if process.poll() is not None:
            raise AssertionError(f"{role} exited with {process.returncode}: {self.log(role)}")
        try:
            return httpx.get(f"{self.url(role)}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self, role: str) -> None:
        process = self.processes.pop(role)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self.processes.clear()

    def stats(self, role: str) -> dict[str, int]:
        response = httpx.get(f"{self.url(role)}/api/v1/stats", timeout=30)
        response.raise_for_status()
        return dict(response.json())

    def write(self, count: int = 1) -> list[str]:
        """Commit `count` probes (one event each) in one transaction at the producer."""
        response = httpx.post(
            f"{self.url('producer')}/api/v1/probes", json={"count": count}, timeout=60
        )
        assert response.status_code == 201, response.text
        ids = list(response.json()["ids"])
        self.written += ids
        return ids

    def effects(self) -> list[str]:
        response = httpx.get(f"{self.url('consumer')}/api/v1/effects", timeout=60)
        response.raise_for_status()
        return list(response.json()["probe_ids"])

    def wait_for_effects(self, expected: int, timeout: float = 120.0) -> dict[str, int]:
        return eventually(
            lambda: (s := self.stats("consumer"))["effects"] >= expected and s,
            timeout=timeout,
            interval=0.2,
        )

    def log(self, role: str) -> str:
        path = self.log_dir / f"{role}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""
