"""A producer/consumer pair built from servicekit alone, to measure and hurt the event path
(outbox → relay → JetStream → consumer → inbox) before and beside the real services.

`python -m bench.kitpair serve --port N` with KITPAIR_ROLE=producer|consumer,
KITPAIR_DATABASE_URL and SMARTGOV_NATS_URL. The producer writes probes, one event each
(`catalog.probe.created`); the consumer records one effect row per event it applies, so a
duplicate or a loss shows as a count."""
