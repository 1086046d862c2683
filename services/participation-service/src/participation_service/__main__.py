"""`participation-service serve` or `participation-service migrate`."""

from participation_service.settings import Settings
from servicekit.cli import service_main

MIGRATIONS = "participation_service:migrations"


def main() -> None:
    service_main(
        "participation-service", Settings, "participation_service.main:create_app", MIGRATIONS
    )


if __name__ == "__main__":
    main()
