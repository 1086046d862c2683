"""A figure: one measured value, its baseline from the same run, and its target."""

from __future__ import annotations

from typing import Any, Literal

Better = Literal["higher", "lower"]


def figure(
    name: str,
    value: float,
    unit: str,
    *,
    baseline: float | None = None,
    target: float | None = None,
    better: Better = "higher",
    target_of: Literal["value", "ratio"] = "value",
    note: str = "",
) -> dict[str, Any]:
    """`ratio` = value / baseline. `target` is met when the value (or the ratio, with
    `target_of="ratio"`) is at least it (`better="higher"`) or at most it (`"lower"`)."""
    ratio = round(value / baseline, 3) if baseline else None
    checked = ratio if target_of == "ratio" else value
    passed = None
    if target is not None and checked is not None:
        passed = checked >= target if better == "higher" else checked <= target
    return {
        "name": name,
        "value": round(value, 3),
        "unit": unit,
        "baseline": None if baseline is None else round(baseline, 3),
        "ratio": ratio,
        "target": target,
        "target_of": target_of,
        "better": better,
        "passed": passed,
        "note": note,
    }


def regressions(
    figures: list[dict[str, Any]], previous: list[dict[str, Any]], threshold: float = 0.15
) -> list[str]:
    """Figures more than `threshold` worse than the same figure in the previous run. With a
    baseline the ratio is compared (it survives a noisy machine), otherwise the value."""
    before = {f["name"]: f for f in previous}
    flagged = []
    for fig in figures:
        old = before.get(fig["name"])
        if old is None:
            continue
        key = "ratio" if fig.get("ratio") is not None and old.get("ratio") is not None else "value"
        new_v, old_v = fig[key], old[key]
        if not old_v:
            continue
        change = (new_v - old_v) / abs(old_v)
        worse = -change if fig["better"] == "higher" else change
        if worse > threshold:
            fig["regression"] = f"{key} {old_v} → {new_v} ({worse:+.0%} worse)"
            flagged.append(fig["name"])
    return flagged
