"""Every committed change reaches the consumer exactly once, whatever dies in between.

Shown with the servicekit producer/consumer pair (bench/kitpair): real processes, a real
nats-server, real databases. Each test writes at least 1,000 events and then counts the
consumer's effects: exactly one per event, none missing, none twice, no dead letters."""

from __future__ import annotations

from collections import Counter

from harness.kitpair import KitPair
from harness.polling import eventually

WRITES = 1000


def assert_exactly_once(pair: KitPair, written: list[str]) -> None:
    """This test's writes arrived once each, and so did everything written before them."""
    assert len(written) >= WRITES
    everything = pair.written
    assert len(set(everything)) == len(everything)
    stats = pair.wait_for_effects(len(everything))
    effects = Counter(pair.effects())
    duplicates = {probe: n for probe, n in effects.items() if n > 1}
    assert duplicates == {}
    assert set(written) <= set(effects)
    assert set(effects) == set(everything)
    assert stats["dead_letters"] == 0
    assert pair.stats("producer") == {"probes": len(everything), "unpublished": 0}


def test_nats_killed_during_a_stream_of_writes_and_restarted(kitpair: KitPair):
    written: list[str] = []
    for i in range(100):
        if i == 30:
            kitpair.nats.stop(kill=True)
        if i == 70:
            kitpair.nats.start()
        written += kitpair.write(WRITES // 100)  # accepted without the broker, too
    assert_exactly_once(kitpair, written)


def test_consumer_sigkilled_mid_batch_and_restarted(kitpair: KitPair):
    before = kitpair.stats("consumer")["effects"]
    written: list[str] = []
    for _ in range(10):
        written += kitpair.write(WRITES // 10)
    eventually(lambda: kitpair.stats("consumer")["effects"] >= before + 50, interval=0.02)
    kitpair.kill("consumer")
    kitpair.start("consumer")
    assert_exactly_once(kitpair, written)


def test_producer_sigkilled_between_commit_and_publish(kitpair: KitPair):
    """First with the broker down (everything committed, nothing published), then with the
    relay mid-way through publishing a batch (published, maybe not yet marked sent)."""
    kitpair.nats.stop(kill=True)
    written: list[str] = []
    for _ in range(10):
        written += kitpair.write(WRITES // 10)
    assert kitpair.stats("producer")["unpublished"] == WRITES
    kitpair.kill("producer")
    kitpair.nats.start()
    kitpair.start("producer")
    assert_exactly_once(kitpair, written)

    written += kitpair.write(WRITES)
    kitpair.kill("producer")  # the relay has just woken up for this batch
    kitpair.start("producer")
    assert_exactly_once(kitpair, written)
