from pathlib import Path

from pydantic import Field

from servicekit.settings import DEFAULT_DATA_DIR, ServiceSettings, sqlite_url_for


class Settings(ServiceSettings):
    service_name: str = "catalog-service"
    port: int = Field(default=8002, validation_alias="CATALOG_PORT")
    database_url: str = Field(
        default_factory=lambda: sqlite_url_for("catalog"), validation_alias="CATALOG_DATABASE_URL"
    )
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        validation_alias="CATALOG_PUBLIC_BASE_URL",
        description="Base of the IRIs in the RDF and of the links in CKAN answers (the gateway).",
    )
    site_title: str = Field(default="SmartGov Open Data", validation_alias="CATALOG_SITE_TITLE")
    storage_dir: Path = Field(
        default=DEFAULT_DATA_DIR / "catalog-files", validation_alias="CATALOG_STORAGE_DIR"
    )
    max_upload_bytes: int = Field(
        default=100 * 1024 * 1024, ge=1, validation_alias="CATALOG_MAX_UPLOAD_BYTES"
    )
    search_cache_mib: float = Field(
        default=64,
        ge=0,
        validation_alias="CATALOG_SEARCH_CACHE_MIB",
        description="Serialised search answers kept per process until the catalogue changes; "
        "0 turns the cache off.",
    )
    harvest_timeout_seconds: float = Field(
        default=30.0, gt=0, validation_alias="CATALOG_HARVEST_TIMEOUT_SECONDS"
    )
    harvest_schedule_poll_seconds: float = Field(
        default=60.0, gt=0, validation_alias="CATALOG_HARVEST_POLL_SECONDS"
    )
