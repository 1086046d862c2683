"""`catalog-service serve` or `catalog-service migrate`."""

from catalog_service.settings import Settings
from servicekit.cli import service_main

MIGRATIONS = "catalog_service:migrations"


def main() -> None:
    service_main("catalog-service", Settings, "catalog_service.main:create_app", MIGRATIONS)


if __name__ == "__main__":
    main()
