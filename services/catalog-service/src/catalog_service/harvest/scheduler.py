"""Runs scheduled harvests in the background of the service process."""

from __future__ import annotations

import asyncio
import logging

from catalog_service.harvest.service import due_sources, run_harvest
from servicekit.db import Database
from servicekit.problems import ProblemError

log = logging.getLogger("catalog_service.harvest")


async def scheduler(db: Database, poll_seconds: float, timeout: float) -> None:
    while True:
        await asyncio.sleep(poll_seconds)
        try:
            for source_id in await due_sources(db):
                try:
                    await run_harvest(db, source_id, timeout=timeout)
                except ProblemError as exc:  # e.g. a run already going on
                    log.info("scheduled harvest skipped: %s", exc.detail)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("scheduled harvesting failed; trying again later")
