"""Figures taken on one running platform (nats-server, gateway and the three services as
`smartgov up` starts them), started once because starting it costs about 25 s:

- `bench/direct_http.py`: the load generator's ceiling, the bare FastAPI baseline, a trivial
  GET served directly by each component, memory (RSS) idle and under load;
- `bench/mixed_load.py`: a bounded, realistic mix through the gateway (issue 7).

PostgreSQL when named, else SQLite.
"""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bench import direct_http, mixed_load
from bench.settings import backends, database
from smartgov_cli.components import COMPONENTS
from smartgov_cli.platform import Platform, free_ports


def run(quick: bool) -> list[dict[str, Any]]:
    backend = backends()[-1]
    with (
        tempfile.TemporaryDirectory(prefix="smartgov-bench-platform-") as tmp,
        ExitStack() as stack,
    ):
        data_dir = Path(tmp)
        urls = {
            c.name: stack.enter_context(database(backend, data_dir, f"platform_{c.name}"))
            for c in COMPONENTS
        }
        platform = Platform(
            data_dir,
            ports=free_ports(),
            log_dir=data_dir / "logs",
            database_urls=urls,
            env_overrides=mixed_load.ENV,
        )
        try:
            platform.start_nats()
            platform.migrate_all()
            platform.start_children()
            platform.wait_ready()
            return direct_http.measure(platform, quick) + mixed_load.measure(
                platform, backend, quick
            )
        finally:
            platform.stop()
