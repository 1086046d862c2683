"""The real platform for system tests: nats-server, migrations and all four processes,
each on a free port with fresh databases of the selected backend (SQLite or PostgreSQL)."""

from __future__ import annotations

import signal
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from servicekit.testing.databases import fresh_database
from servicekit.testing.nats import NatsServer
from smartgov_cli.components import COMPONENTS
from smartgov_cli.devkeys import ensure_keys
from smartgov_cli.devtokens import dev_token
from smartgov_cli.platform import Platform, free_ports

SERVICES = tuple(c.name for c in COMPONENTS if c.name != "gateway")
ALL_COMPONENTS = tuple(c.name for c in COMPONENTS)


@dataclass
class RunningPlatform:
    """What a system test gets: URLs, dev-token headers and the processes to hurt."""

    platform: Platform
    data_dir: Path
    database_urls: dict[str, str]

    @property
    def nats(self) -> NatsServer:
        assert self.platform.nats is not None
        return self.platform.nats

    @property
    def gateway_url(self) -> str:
        return self.platform.gateway_url

    def url(self, name: str) -> str:
        return self.platform.url(name)

    @property
    def dev_secret(self) -> str:
        return ensure_keys(self.data_dir)["dev_secret"].read_text().strip()

    def token(self, role: str, municipality: str | None = None, sub: str | None = None) -> str:
        return dev_token(self.dev_secret, role=role, municipality=municipality, sub=sub)

    def headers(
        self, role: str | None = None, municipality: str | None = None, sub: str | None = None
    ) -> dict[str, str]:
        """Dev-token headers for a caller of the gateway; `headers()` is anonymous."""
        if role is None:
            return {}
        return {"Authorization": f"Bearer {self.token(role, municipality, sub)}"}

    def kill(self, name: str, sig: signal.Signals = signal.SIGKILL) -> int:
        return self.platform.kill_child(name, sig)

    def start(self, name: str) -> None:
        self.platform.start_child(name)
        self.platform.wait_component_ready(name)

    def restart(self, name: str, sig: signal.Signals = signal.SIGKILL) -> None:
        self.kill(name, sig)
        self.start(name)

    def readiness(self) -> dict[str, int]:
        """Status of /readyz per component (0 when it does not answer)."""
        statuses = {}
        for name in ALL_COMPONENTS:
            try:
                statuses[name] = httpx.get(f"{self.url(name)}/readyz", timeout=5).status_code
            except httpx.HTTPError:
                statuses[name] = 0
        return statuses

    def log(self, name: str) -> str:
        path = self.data_dir / "logs" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def ensure_healthy(self) -> None:
        """Bring back whatever a test left stopped, so the next test finds a whole platform."""
        if not self.nats.running:
            self.nats.start()
        for name in ALL_COMPONENTS:
            child = self.platform.children.get(name)
            if child is None or child.poll() is not None:
                self.platform.children.pop(name, None)
                self.platform.start_child(name)
        self.platform.wait_ready()


@contextmanager
def fresh_databases_for(directory: Path, names: Iterable[str]) -> Iterator[dict[str, str]]:
    """One new database per name, on the backend SMARTGOV_TEST_DB selects."""
    with ExitStack() as stack:
        yield {name: stack.enter_context(fresh_database(directory, name)) for name in names}


def fresh_databases(directory: Path) -> AbstractContextManager[dict[str, str]]:
    """One new database per component."""
    return fresh_databases_for(directory, ALL_COMPONENTS)


@contextmanager
def running_platform(
    data_dir: Path, env: dict[str, str] | None = None
) -> Iterator[RunningPlatform]:
    """Start the platform the way `smartgov up` does (NATS → migrations → processes →
    ready), on free ports, with dev auth on; stop everything afterwards."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with fresh_databases(data_dir) as database_urls:
        platform = Platform(
            data_dir,
            ports=free_ports(),
            log_dir=data_dir / "logs",
            database_urls=database_urls,
            env_overrides={"GATEWAY_DEV_AUTH": "true", **(env or {})},
        )
        running = RunningPlatform(platform, data_dir, database_urls)
        try:
            platform.start_nats()
            platform.migrate_all()
            platform.start_children()
            platform.wait_ready()
        except BaseException as exc:
            platform.stop()
            logs = "\n".join(f"--- {n}\n{running.log(n)[-3000:]}" for n in ALL_COMPONENTS)
            raise RuntimeError(f"platform did not start: {exc}\n{logs}") from exc
        try:
            yield running
        finally:
            platform.stop()
