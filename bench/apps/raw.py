"""The fastest server we can run here (uvloop, a canned response, no HTTP parsing), to find
the load generator's own ceiling: `python -m bench.apps.raw PORT`."""

from __future__ import annotations

import asyncio
import sys
from typing import cast

RESPONSE = (
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 15\r\n\r\n"
    b'{"status":"ok"}'
)


class _Canned(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass

    def data_received(self, data: bytes) -> None:
        # one response per request head received (requests carry no body here)
        self.transport.write(RESPONSE * data.count(b"\r\n\r\n"))


async def serve(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Canned, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    import uvloop

    uvloop.run(serve(int(sys.argv[1])))
