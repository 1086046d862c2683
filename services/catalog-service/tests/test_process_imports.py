"""The service as a process (`python -m catalog_service`) imports only `main`: every table a
foreign key points to must be mapped by then, or the first dataset write is a 500
(found by the platform's end-to-end scenario: datasets.harvest_source_id → harvest_sources)."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
from catalog_service.main import create_app
from catalog_service.database import Base
for table in Base.metadata.tables.values():
    for fk in table.foreign_keys:
        fk.column  # raises NoReferencedTableError when the target is not mapped
print("ok")
"""


def test_main_maps_every_table_a_foreign_key_needs():
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"
