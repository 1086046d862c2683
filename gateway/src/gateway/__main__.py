"""`smartgov-gateway serve` or `smartgov-gateway migrate`."""

from gateway.settings import Settings
from servicekit.cli import service_main

MIGRATIONS = "gateway:migrations"


def main() -> None:
    service_main("gateway", Settings, "gateway.main:create_app", MIGRATIONS)


if __name__ == "__main__":
    main()
