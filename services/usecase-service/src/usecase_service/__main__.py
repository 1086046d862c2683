"""`usecase-service serve` or `usecase-service migrate`."""

from servicekit.cli import service_main
from usecase_service.settings import Settings

MIGRATIONS = "usecase_service:migrations"


def main() -> None:
    service_main("usecase-service", Settings, "usecase_service.main:create_app", MIGRATIONS)


if __name__ == "__main__":
    main()
