"""SMARTGOV_STREAM_REPLICAS reaches the streams a process creates (3 on a NATS cluster)."""

from __future__ import annotations

import pytest

from servicekit.events.bus import EventBus
from servicekit.events.streams import StreamSpec
from servicekit.settings import ServiceSettings
from servicekit.testing.nats import NatsServer


def test_the_setting_is_read_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ServiceSettings().stream_replicas == 1
    monkeypatch.setenv("SMARTGOV_STREAM_REPLICAS", "3")
    assert ServiceSettings().stream_replicas == 3
    monkeypatch.setenv("SMARTGOV_STREAM_REPLICAS", "0")
    with pytest.raises(ValueError, match="stream_replicas"):
        ServiceSettings()


async def test_streams_are_created_with_the_configured_replicas(nats_server: NatsServer) -> None:
    spec = StreamSpec("REPLICATEST", ("replicatest.>",))
    bus = EventBus(nats_server.url, name="replicas-test", streams=(spec,), stream_replicas=1)
    bus.start()
    try:
        assert await bus.wait_connected(10)
        assert bus.js is not None
        info = await bus.js.stream_info("REPLICATEST")
        assert info.config.num_replicas == 1
    finally:
        await bus.close()
    # a single server cannot hold 3 replicas: the value really reaches the server
    bus = EventBus(nats_server.url, name="replicas-test", streams=(spec,), stream_replicas=3)
    bus.start()
    try:
        assert not await bus.wait_connected(3)
    finally:
        await bus.close()
