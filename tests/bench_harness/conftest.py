"""Tests of the benchmark harness itself; `bench` lives at the repository root."""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.append(ROOT)  # last: `conftest` imports elsewhere must still find theirs
