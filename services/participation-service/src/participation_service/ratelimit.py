"""Write rate limits per participant and per client IP, in addition to the gateway's.

Token buckets in this process: each replica limits on its own, which bounds the total at
replicas x limit; the gateway's limits stay the platform-wide bound."""

from __future__ import annotations

import time
from dataclasses import dataclass

from fastapi import Request

from servicekit.problems import ProblemError


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self, per_minute: int, max_keys: int = 100_000) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self.max_keys = max_keys
        self.buckets: dict[str, _Bucket] = {}

    def take(self, key: str, now: float | None = None) -> float:
        """0 when allowed, else the seconds to wait."""
        now = time.monotonic() if now is None else now
        bucket = self.buckets.get(key)
        if bucket is None:
            if len(self.buckets) >= self.max_keys:
                self._prune(now)
            bucket = self.buckets[key] = _Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate

    def _prune(self, now: float) -> None:
        full = [
            k
            for k, b in self.buckets.items()
            if b.tokens + (now - b.updated) * self.rate >= self.capacity
        ]
        for key in full:
            del self.buckets[key]
        if len(self.buckets) >= self.max_keys:
            self.buckets.clear()


def client_ip(request: Request) -> str:
    """The gateway appends the client address to X-Forwarded-For; the last entry is the one
    a trusted hop wrote, earlier ones are whatever the client claimed."""
    forwarded = request.headers.get("x-forwarded-for")
    if forwarded:
        return forwarded.split(",")[-1].strip()[:64]
    return request.client.host if request.client else "unknown"


class WriteLimits:
    def __init__(self, per_participant: int, per_ip: int) -> None:
        self.participants = RateLimiter(per_participant)
        self.ips = RateLimiter(per_ip)

    def check(self, participant: str | None, ip: str) -> None:
        waits = [self.ips.take(ip)]
        if participant is not None:
            waits.append(self.participants.take(participant))
        wait = max(waits)
        if wait > 0:
            raise ProblemError(
                429,
                "Too many writes; slow down and retry later.",
                headers={"Retry-After": str(max(1, round(wait)))},
            )
