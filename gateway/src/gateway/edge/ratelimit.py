"""Token buckets per (route class, caller), in this process. See docs/gateway.md for replicas."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

MAX_BUCKETS = 100_000


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset: int  # seconds until the bucket is full again
    retry_after: int  # seconds until one more request is allowed (when refused)

    def headers(self) -> list[tuple[bytes, bytes]]:
        out = [
            (b"ratelimit-limit", str(self.limit).encode()),
            (b"ratelimit-remaining", str(self.remaining).encode()),
            (b"ratelimit-reset", str(self.reset).encode()),
        ]
        if not self.allowed:
            out.append((b"retry-after", str(self.retry_after).encode()))
        return out


class RateLimiter:
    def __init__(self, limits: dict[str, dict[str, tuple[float, float]]]) -> None:
        self.limits = limits
        self.buckets: dict[tuple[str, str, str], list[float]] = {}

    def spec(self, rate_class: str, audience: str) -> tuple[float, float] | None:
        per_class = self.limits.get(rate_class) or self.limits.get("default")
        if per_class is None:
            return None
        return per_class.get(audience)

    def take(self, rate_class: str, audience: str, who: str) -> Verdict | None:
        """`audience` is `anonymous` or `authenticated`; `who` the caller or client IP."""
        spec = self.spec(rate_class, audience)
        if spec is None:
            return None
        rate, burst = spec
        now = time.monotonic()
        key = (rate_class, audience, who)
        bucket = self.buckets.get(key)
        if bucket is None:
            if len(self.buckets) >= MAX_BUCKETS:
                self._sweep(now)
            bucket = self.buckets[key] = [burst, now]
        tokens = min(burst, bucket[0] + (now - bucket[1]) * rate)
        bucket[1] = now
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        bucket[0] = tokens
        return Verdict(
            allowed=allowed,
            limit=int(burst),
            remaining=int(tokens),
            reset=math.ceil((burst - tokens) / rate) if rate > 0 else 0,
            retry_after=0 if allowed else max(1, math.ceil((1.0 - tokens) / rate)),
        )

    def _sweep(self, now: float) -> None:
        """Drop buckets that have refilled: they hold no information."""
        full = []
        for key, (tokens, at) in self.buckets.items():
            spec = self.spec(key[0], key[1])
            if spec is None or tokens + (now - at) * spec[0] >= spec[1]:
                full.append(key)
        for key in full:
            del self.buckets[key]
        if len(self.buckets) >= MAX_BUCKETS:
            self.buckets.clear()
