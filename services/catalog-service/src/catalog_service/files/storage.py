"""Where uploaded files live: one protocol; a local directory embedded (an S3-compatible
store would be a second implementation of the same protocol)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from fastapi import Request

from servicekit.problems import ProblemError

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    key: str
    byte_size: int
    sha256: str


class FileTooLarge(ProblemError):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The file is larger than the limit of {limit} bytes.")


class FileStorage(Protocol):
    async def save(self, chunks: AsyncIterator[bytes], max_bytes: int) -> StoredFile:
        """Stream into the store; nothing stays behind when it fails or is too large."""

    def path(self, key: str) -> Path:
        """A local path to read the file (remote stores download to a cache)."""

    async def delete(self, key: str) -> None: ...


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        if not key.replace("-", "").isalnum():
            raise ValueError(f"bad key {key!r}")
        return self.root / key[:2] / key

    async def save(self, chunks: AsyncIterator[bytes], max_bytes: int) -> StoredFile:
        key = uuid.uuid4().hex
        final = self.path(key)
        await asyncio.to_thread(final.parent.mkdir, parents=True, exist_ok=True)
        partial = final.with_suffix(".partial")
        digest, size = hashlib.sha256(), 0
        handle = await asyncio.to_thread(open, partial, "wb")
        try:
            async for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise FileTooLarge(max_bytes)
                digest.update(chunk)
                await asyncio.to_thread(handle.write, chunk)
            await asyncio.to_thread(handle.close)
            await asyncio.to_thread(os.replace, partial, final)
        except BaseException:
            handle.close()
            partial.unlink(missing_ok=True)
            raise
        return StoredFile(key=key, byte_size=size, sha256=digest.hexdigest())

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.path(key).unlink, missing_ok=True)


def get_storage(request: Request) -> FileStorage:
    """FastAPI dependency: the app's file store."""
    storage: FileStorage = request.app.state.storage
    return storage
