"""SMARTGOV_STREAM_REPLICAS reaches the streams a process creates: on a 3-node NATS cluster
(as deploy/nats/values.yaml installs) they are replicated and survive the loss of a node."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from servicekit.events.bus import EventBus
from servicekit.events.streams import StreamSpec
from servicekit.settings import ServiceSettings
from servicekit.testing.nats import free_ports, nats_server_binary, wait_for_port


def test_the_setting_is_read_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ServiceSettings().stream_replicas == 1
    monkeypatch.setenv("SMARTGOV_STREAM_REPLICAS", "3")
    assert ServiceSettings().stream_replicas == 3
    monkeypatch.setenv("SMARTGOV_STREAM_REPLICAS", "0")
    with pytest.raises(ValueError, match="stream_replicas"):
        ServiceSettings()


@pytest.fixture
def nats_cluster(tmp_path: Path) -> Iterator[list[tuple[subprocess.Popen[bytes], int]]]:
    """Three JetStream servers routed into one cluster on loopback ports."""
    ports = free_ports(6)
    client_ports, route_ports = ports[:3], ports[3:]
    routes = ",".join(f"nats://127.0.0.1:{p}" for p in route_ports)
    nodes = []
    try:
        for i, (client, route) in enumerate(zip(client_ports, route_ports, strict=True)):
            args = [
                nats_server_binary(),
                "-a", "127.0.0.1", "-p", str(client),
                "-js", "-sd", str(tmp_path / f"n{i}"),
                "--server_name", f"n{i}", "--cluster_name", "smartgov",
                "--cluster", f"nats://127.0.0.1:{route}", "--routes", routes,
            ]  # fmt: skip
            log = (tmp_path / f"n{i}.log").open("wb")
            process = subprocess.Popen(args, stdout=log, stderr=log, start_new_session=True)
            nodes.append((process, client))
        for _, port in nodes:
            wait_for_port(port)
        yield nodes
    finally:
        for process, _ in nodes:
            process.terminate()
            process.wait(timeout=10)


async def test_streams_are_replicated_and_survive_a_node_loss(
    nats_cluster: list[tuple[subprocess.Popen[bytes], int]],
) -> None:
    urls = ",".join(f"nats://127.0.0.1:{port}" for _, port in nats_cluster)
    spec = StreamSpec("REPLICATED", ("replicated.>",))
    bus = EventBus(urls, name="replicas-test", streams=(spec,), stream_replicas=3)
    bus.start()
    try:
        # the cluster elects its JetStream leader first; the bus retries until then
        assert await bus.wait_connected(60)
        assert bus.js is not None
        info = await bus.js.stream_info("REPLICATED")
        assert info.config.num_replicas == 3
        assert info.cluster is not None and len(info.cluster.replicas or []) == 2
        await bus.js.publish("replicated.one", b"1")
        # lose the stream leader's node: the others keep the stream and elect a new leader
        leader = info.cluster.leader
        process, _ = nats_cluster[int(str(leader).removeprefix("n"))]
        process.kill()
        for _ in range(100):
            try:
                await bus.js.publish("replicated.two", b"2", timeout=1)
                break
            except Exception:
                await asyncio.sleep(0.2)
        info = await bus.js.stream_info("REPLICATED")
        assert info.state.messages == 2
        assert info.cluster is not None and info.cluster.leader != leader
    finally:
        await bus.close()
