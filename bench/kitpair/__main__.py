import asyncio
import sys

from bench.kitpair.app import Settings, create_schema
from servicekit.cli import service_main

if "serve" in sys.argv[1:]:
    asyncio.run(create_schema(Settings().database_url))
service_main("kitpair", Settings, "bench.kitpair.app:create_app", "")
