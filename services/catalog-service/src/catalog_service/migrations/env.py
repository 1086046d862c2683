from catalog_service import models  # noqa: F401  (registers every table on the metadata)
from catalog_service.database import Base
from servicekit.migrations import run_env

run_env(Base.metadata, default_url_env="CATALOG_DATABASE_URL")
