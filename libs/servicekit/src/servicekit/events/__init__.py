"""Events between services: CloudEvents over NATS JetStream with outbox and inbox."""

from servicekit.events.envelope import CloudEvent, make_event
from servicekit.events.outbox import Outbox

__all__ = ["CloudEvent", "Outbox", "make_event"]
