from gateway import models  # noqa: F401  (registers every table on the metadata)
from gateway.database import Base
from servicekit.migrations import run_env

run_env(Base.metadata, default_url_env="GATEWAY_DATABASE_URL")
