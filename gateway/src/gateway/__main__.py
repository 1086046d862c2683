"""`smartgov-gateway serve` or `smartgov-gateway migrate`."""

from gateway.settings import Settings
from servicekit.cli import service_main

MIGRATIONS = "gateway:migrations"


def main() -> None:
    # The edge applies its own trusted-proxy rules to X-Forwarded-*: uvicorn must not rewrite
    # the client address first. httptools and uvloop keep the per-request cost low.
    service_main(
        "gateway",
        Settings,
        "gateway.main:create_app",
        MIGRATIONS,
        uvicorn_options={"proxy_headers": False, "http": "httptools", "loop": "uvloop"},
    )


if __name__ == "__main__":
    main()
