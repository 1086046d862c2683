"""Benchmarks: `python -m bench [--quick]` runs every `bench/*_bench.py` and writes
`bench/results/latest.json` plus a Markdown table."""
