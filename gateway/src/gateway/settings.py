from pathlib import Path

from pydantic import Field, SecretStr

from servicekit.settings import ServiceSettings, sqlite_url_for


class Settings(ServiceSettings):
    service_name: str = "gateway"
    port: int = Field(default=8000, validation_alias="GATEWAY_PORT")
    database_url: str = Field(
        default_factory=lambda: sqlite_url_for("gateway"), validation_alias="GATEWAY_DATABASE_URL"
    )
    internal_token_private_key: SecretStr | None = Field(
        default=None, validation_alias="GATEWAY_INTERNAL_TOKEN_PRIVATE_KEY"
    )
    internal_token_private_key_file: Path | None = Field(
        default=None, validation_alias="GATEWAY_INTERNAL_TOKEN_PRIVATE_KEY_FILE"
    )
    dev_auth: bool = Field(default=False, validation_alias="GATEWAY_DEV_AUTH")
    dev_auth_secret: SecretStr | None = Field(
        default=None, validation_alias="GATEWAY_DEV_AUTH_SECRET"
    )
    usecase_url: str = Field(
        default="http://127.0.0.1:8001", validation_alias="GATEWAY_USECASE_URL"
    )
    catalog_url: str = Field(
        default="http://127.0.0.1:8002", validation_alias="GATEWAY_CATALOG_URL"
    )
    participation_url: str = Field(
        default="http://127.0.0.1:8003", validation_alias="GATEWAY_PARTICIPATION_URL"
    )

    def private_key_pem(self) -> str | None:
        if self.internal_token_private_key is not None:
            return self.internal_token_private_key.get_secret_value()
        if self.internal_token_private_key_file is not None:
            return self.internal_token_private_key_file.read_text()
        return None
