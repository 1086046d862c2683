"""The gateway's figures (bench/gateway_proxy.py, built with the gateway): proxied vs direct
throughput side by side and the latency the gateway adds, in the harness's figure format."""

from __future__ import annotations

from typing import Any

from bench import gateway_proxy


def run(quick: bool) -> list[dict[str, Any]]:
    figures = []
    for fig in gateway_proxy.run(quick):
        latency = fig["unit"] == "ms"
        errors = fig.pop("errors", None)
        figures.append(
            {
                **fig,
                "name": "gateway." + fig["name"].removeprefix("gateway ").replace(", ", "."),
                "better": "lower" if latency else "higher",
                "target_of": "value" if latency else "ratio",
                "note": "" if errors is None else f"errors {errors}",
            }
        )
    return figures
