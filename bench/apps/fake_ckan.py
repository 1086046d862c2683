"""The catalogue tests' fake CKAN in a process of its own, for the harvest benchmark: the
harvester should not share its event loop with the source it reads, as it never does in
production. `python -m bench.apps.fake_ckan PORT PACKAGES`."""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services/catalog-service/tests"))

from fake_ckan import FakeCkan, make_package


def main() -> None:
    port, packages = int(sys.argv[1]), int(sys.argv[2])
    fake = FakeCkan([make_package(i) for i in range(packages)])
    uvicorn.run(fake.app, host="127.0.0.1", port=port, log_config=None, access_log=False)


if __name__ == "__main__":
    main()
