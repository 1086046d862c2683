from servicekit.migrations import run_env
from usecase_service import models  # noqa: F401  (registers every table on the metadata)
from usecase_service.database import Base

run_env(Base.metadata, default_url_env="USECASE_DATABASE_URL")
