"""A circuit breaker per upstream: open after N consecutive failures, one probe after a pause."""

from __future__ import annotations

import math
import time


class CircuitBreaker:
    def __init__(self, failures: int, open_seconds: float) -> None:
        self.threshold = failures
        self.open_seconds = open_seconds
        self.failures = 0
        self.opened_at: float | None = None
        self.probing = False

    def allow(self) -> bool:
        if self.opened_at is None:
            return True
        if time.monotonic() - self.opened_at >= self.open_seconds and not self.probing:
            self.probing = True  # half-open: let one request through
            return True
        return False

    def retry_after(self) -> int:
        if self.opened_at is None:
            return 0
        left = self.open_seconds - (time.monotonic() - self.opened_at)
        return max(1, math.ceil(left))

    def success(self) -> None:
        self.failures = 0
        self.opened_at = None
        self.probing = False

    def failure(self) -> None:
        self.failures += 1
        if self.probing or self.failures >= self.threshold:
            self.opened_at = time.monotonic()
        self.probing = False

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        return "half-open" if self.probing else "open"
