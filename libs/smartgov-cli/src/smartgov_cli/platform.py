"""Running the whole platform as child processes: what `smartgov up` does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from servicekit.settings import sqlite_url_for
from servicekit.testing.nats import NatsServer, free_port
from smartgov_cli.components import COMPONENTS, Component
from smartgov_cli.devkeys import ensure_keys


def component_env(data_dir: Path, nats_url: str, ports: dict[str, int]) -> dict[str, str]:
    """The environment every child gets: embedded defaults unless the caller set a value."""
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
        defaults[f"{component.env_prefix}_PORT"] = str(ports[component.name])
    for key, value in defaults.items():
        env.setdefault(key, value)
    env["SMARTGOV_NATS_URL"] = nats_url
    return env


def default_ports() -> dict[str, int]:
    return {c.name: int(os.environ.get(f"{c.env_prefix}_PORT", c.port)) for c in COMPONENTS}


def migrate(component: Component, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", component.module, "migrate"], env=env, check=True)


@dataclass
class Platform:
    """The children of `smartgov up`, supervised until a signal or a child's death."""

    data_dir: Path
    nats_url: str | None = None
    ports: dict[str, int] = field(default_factory=default_ports)
    log_dir: Path | None = None
    nats: NatsServer | None = None
    children: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

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
        return component_env(self.data_dir, self.nats_url, self.ports)

    def migrate_all(self) -> None:
        env = self.env()
        for component in COMPONENTS:
            migrate(component, env)

    def start_children(self) -> None:
        env = self.env()
        for component in COMPONENTS:
            output = None
            if self.log_dir is not None:
                self.log_dir.mkdir(parents=True, exist_ok=True)
                output = open(self.log_dir / f"{component.name}.log", "ab")  # noqa: SIM115
            self.children[component.name] = subprocess.Popen(
                [sys.executable, "-m", component.module, "serve"],
                env=env,
                stdout=output,
                stderr=output,
            )

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}"

    def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            self.check_children()
            try:
                response = httpx.get(f"{self.gateway_url}/readyz", timeout=2)
                if response.status_code == 200:
                    return
                last = response.text
            except httpx.HTTPError as exc:
                last = str(exc)
            time.sleep(0.3)
        raise TimeoutError(f"gateway not ready after {timeout}s: {last}")

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
