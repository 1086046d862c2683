"""Running the whole platform as child processes: what `smartgov up` does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from servicekit.migrations import upgrade
from servicekit.settings import sqlite_url_for
from servicekit.testing.nats import NatsServer, free_port
from servicekit.testing.nats import free_ports as distinct_free_ports
from smartgov_cli.components import BY_NAME, COMPONENTS, Component
from smartgov_cli.devkeys import ensure_keys


def component_env(
    data_dir: Path,
    nats_url: str,
    ports: dict[str, int],
    database_urls: dict[str, str] | None = None,
    overrides: dict[str, str] | None = None,
) -> dict[str, str]:
    """The environment every child gets: embedded defaults unless the caller set a value.

    `database_urls` (by component name) and `overrides` win over the environment: tests use
    them to run a platform of their own beside any other."""
    keys = ensure_keys(data_dir)
    env = dict(os.environ)
    defaults = {
        "SMARTGOV_NATS_URL": nats_url,
        "SMARTGOV_INTERNAL_TOKEN_PUBLIC_KEY_FILE": str(keys["public"]),
        "GATEWAY_INTERNAL_TOKEN_PRIVATE_KEY_FILE": str(keys["private"]),
        "GATEWAY_DEV_AUTH": "true",
        "GATEWAY_DEV_AUTH_SECRET": keys["dev_secret"].read_text().strip(),
        "GATEWAY_USECASE_URL": f"http://127.0.0.1:{ports['usecase']}",
        "GATEWAY_CATALOG_URL": f"http://127.0.0.1:{ports['catalog']}",
        "GATEWAY_PARTICIPATION_URL": f"http://127.0.0.1:{ports['participation']}",
    }
    for component in COMPONENTS:
        defaults[f"{component.env_prefix}_DATABASE_URL"] = sqlite_url_for(
            component.database_file, data_dir
        )
    for key, value in defaults.items():
        env.setdefault(key, value)
    env["SMARTGOV_NATS_URL"] = nats_url
    for component in COMPONENTS:  # default_ports() read these already: the chosen port wins
        env[f"{component.env_prefix}_PORT"] = str(ports[component.name])
    for name, url in (database_urls or {}).items():
        env[f"{BY_NAME[name].env_prefix}_DATABASE_URL"] = url
    env.update(overrides or {})
    return env


def default_ports() -> dict[str, int]:
    return {c.name: int(os.environ.get(f"{c.env_prefix}_PORT", c.port)) for c in COMPONENTS}


def free_ports() -> dict[str, int]:
    """A free port per component, for a platform that must not collide with another."""
    ports = distinct_free_ports(len(COMPONENTS))
    return {c.name: port for c, port in zip(COMPONENTS, ports, strict=True)}


def migrate(components: Sequence[Component], env: dict[str, str]) -> None:
    """Each component's schema upgraded to head, in this process: what `<service> migrate`
    does, without a process per component that spends seconds importing the service
    (4 components: 20 s as processes one after another, 10 s side by side, 1 s here)."""
    for component in components:
        upgrade(component.migrations, env[f"{component.env_prefix}_DATABASE_URL"])


@dataclass
class Platform:
    """The children of `smartgov up`, supervised until a signal or a child's death."""

    data_dir: Path
    nats_url: str | None = None
    ports: dict[str, int] = field(default_factory=default_ports)
    log_dir: Path | None = None
    nats: NatsServer | None = None
    children: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    database_urls: dict[str, str] = field(default_factory=dict)
    env_overrides: dict[str, str] = field(default_factory=dict)

    def start_nats(self) -> str:
        if self.nats_url:
            return self.nats_url
        port = int(os.environ.get("SMARTGOV_NATS_PORT") or free_port())
        self.nats = NatsServer(
            self.data_dir / "nats", port=port, log_file=self.data_dir / "nats-server.log"
        )
        self.nats.start()
        self.nats_url = self.nats.url
        return self.nats_url

    def env(self) -> dict[str, str]:
        assert self.nats_url is not None
        return component_env(
            self.data_dir, self.nats_url, self.ports, self.database_urls, self.env_overrides
        )

    def migrate_all(self) -> None:
        migrate(COMPONENTS, self.env())

    def start_children(self) -> None:
        for component in COMPONENTS:
            self.start_child(component.name)

    def start_child(self, name: str) -> subprocess.Popen[bytes]:
        """Start one component (again); its log is appended to."""
        component = BY_NAME[name]
        output = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            output = open(self.log_dir / f"{component.name}.log", "ab")  # noqa: SIM115
        child = subprocess.Popen(
            [sys.executable, "-m", component.module, "serve"],
            env=self.env(),
            stdout=output,
            stderr=output,
        )
        if output is not None:
            output.close()  # the child holds its own copy
        self.children[name] = child
        return child

    def kill_child(self, name: str, sig: signal.Signals = signal.SIGKILL) -> int:
        """Send `sig` to one component and wait for it to exit; returns its exit code."""
        child = self.children.pop(name)
        if child.poll() is None:
            child.send_signal(sig)
        return child.wait(timeout=30)

    def restart_child(self, name: str, sig: signal.Signals = signal.SIGKILL) -> None:
        self.kill_child(name, sig)
        self.start_child(name)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    @property
    def gateway_url(self) -> str:
        return self.url("gateway")

    def wait_component_ready(self, name: str, timeout: float = 90.0) -> None:
        """Wait until one component's own /readyz answers 200."""
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            self.check_children()
            try:
                response = httpx.get(f"{self.url(name)}/readyz", timeout=2)
                if response.status_code == 200:
                    return
                last = response.text
            except httpx.HTTPError as exc:
                last = str(exc)
            time.sleep(0.2)
        raise TimeoutError(f"{name} not ready after {timeout}s: {last}")

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Wait until every component answers /readyz with 200 (the gateway's own readiness
        does not cover the services behind it)."""
        deadline = time.monotonic() + timeout
        for component in COMPONENTS:
            self.wait_component_ready(component.name, max(deadline - time.monotonic(), 1.0))

    def check_children(self) -> None:
        for name, child in self.children.items():
            code = child.poll()
            if code is not None:
                raise ChildDiedError(name, code)

    def stop(self, grace: float = 15.0) -> None:
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for child in self.children.values():
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if self.nats is not None:
            self.nats.stop()


class ChildDiedError(RuntimeError):
    def __init__(self, name: str, code: int) -> None:
        super().__init__(f"{name} exited with code {code}")
        self.name = name
        self.code = code
