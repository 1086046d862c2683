from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "gateway_requests_total",
    "Requests the gateway answered",
    ["route", "upstream", "status"],
)
UPSTREAM_LATENCY = Histogram(
    "gateway_upstream_duration_seconds",
    "Time until an upstream's response head arrived",
    ["upstream"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
RATE_LIMITED = Counter(
    "gateway_rate_limited_total", "Requests refused by a rate limit", ["rate_class", "audience"]
)
AUTH_REJECTED = Counter("gateway_auth_rejections_total", "Requests refused at the edge", ["reason"])
UPSTREAM_FAILURES = Counter(
    "gateway_upstream_failures_total", "Upstream errors", ["upstream", "kind"]
)
