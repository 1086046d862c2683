"""Import the workspace packages before pytest collects `gateway/tests/...`.

With `--import-mode=importlib`, pytest would otherwise create a synthetic namespace module
named `gateway` for the folder `gateway/` and shadow the real package.
"""

import catalog_service  # noqa: F401
import gateway  # noqa: F401
import participation_service  # noqa: F401
import usecase_service  # noqa: F401
