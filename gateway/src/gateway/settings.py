from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from servicekit.settings import ServiceSettings, sqlite_url_for


def _split(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


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
    routes_file: Path | None = Field(default=None, validation_alias="GATEWAY_ROUTES_FILE")

    # Proxy
    upstream_timeout_seconds: float = Field(
        default=30.0, gt=0, validation_alias="GATEWAY_UPSTREAM_TIMEOUT_SECONDS"
    )
    connect_timeout_seconds: float = Field(
        default=2.0, gt=0, validation_alias="GATEWAY_CONNECT_TIMEOUT_SECONDS"
    )
    breaker_failures: int = Field(default=5, ge=1, validation_alias="GATEWAY_BREAKER_FAILURES")
    breaker_open_seconds: float = Field(
        default=10.0, gt=0, validation_alias="GATEWAY_BREAKER_OPEN_SECONDS"
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias="GATEWAY_TRUSTED_PROXIES"
    )

    # OIDC
    oidc_issuer: str | None = Field(default=None, validation_alias="GATEWAY_OIDC_ISSUER")
    oidc_audience: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias="GATEWAY_OIDC_AUDIENCE"
    )
    oidc_algorithms: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"],
        validation_alias="GATEWAY_OIDC_ALGORITHMS",
    )
    oidc_leeway_seconds: int = Field(
        default=30, ge=0, validation_alias="GATEWAY_OIDC_LEEWAY_SECONDS"
    )
    oidc_jwks_cache_seconds: float = Field(
        default=900.0, ge=0, validation_alias="GATEWAY_OIDC_JWKS_CACHE_SECONDS"
    )
    oidc_jwks_refetch_cooldown_seconds: float = Field(
        default=10.0, ge=0, validation_alias="GATEWAY_OIDC_JWKS_REFETCH_COOLDOWN_SECONDS"
    )
    oidc_roles_claim: str = Field(
        default="realm_access.roles", validation_alias="GATEWAY_OIDC_ROLES_CLAIM"
    )
    oidc_platform_admin_role: str = Field(
        default="platform_admin", validation_alias="GATEWAY_OIDC_PLATFORM_ADMIN_ROLE"
    )
    oidc_municipalities_claim: str = Field(
        default="municipalities", validation_alias="GATEWAY_OIDC_MUNICIPALITIES_CLAIM"
    )
    oidc_groups_claim: str = Field(default="groups", validation_alias="GATEWAY_OIDC_GROUPS_CLAIM")
    oidc_group_prefix: str = Field(
        default="/municipalities/", validation_alias="GATEWAY_OIDC_GROUP_PREFIX"
    )
    oidc_name_claim: str = Field(default="name", validation_alias="GATEWAY_OIDC_NAME_CLAIM")

    # API keys
    api_key_cache_seconds: float = Field(
        default=5.0, ge=0, validation_alias="GATEWAY_API_KEY_CACHE_SECONDS"
    )
    last_used_flush_seconds: float = Field(
        default=10.0, gt=0, validation_alias="GATEWAY_LAST_USED_FLUSH_SECONDS"
    )

    # Rate limits: {class: {"anonymous": [per_second, burst], "authenticated": [...]}}
    rate_limit_enabled: bool = Field(default=True, validation_alias="GATEWAY_RATE_LIMIT_ENABLED")
    rate_limits: dict[str, dict[str, tuple[float, float]]] = Field(
        default_factory=lambda: {
            "default": {"anonymous": (20.0, 60.0), "authenticated": (50.0, 150.0)},
            "write": {"anonymous": (2.0, 10.0), "authenticated": (10.0, 30.0)},
        },
        validation_alias="GATEWAY_RATE_LIMITS",
    )

    # CORS
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias="GATEWAY_CORS_ORIGINS"
    )
    cors_max_age: int = Field(default=600, ge=0, validation_alias="GATEWAY_CORS_MAX_AGE")

    # Merged OpenAPI
    openapi_refresh_seconds: float = Field(
        default=30.0, ge=0, validation_alias="GATEWAY_OPENAPI_REFRESH_SECONDS"
    )
    public_url: str | None = Field(default=None, validation_alias="GATEWAY_PUBLIC_URL")

    @field_validator(
        "trusted_proxies", "oidc_audience", "oidc_algorithms", "cors_origins", mode="before"
    )
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        return _split(value)

    def private_key_pem(self) -> str | None:
        if self.internal_token_private_key is not None:
            return self.internal_token_private_key.get_secret_value()
        if self.internal_token_private_key_file is not None:
            return self.internal_token_private_key_file.read_text()
        return None

    def public_key_pem(self) -> str | None:
        """The gateway verifies its own identity token on its own endpoints."""
        configured = super().public_key_pem()
        private = self.private_key_pem()
        if configured is not None or private is None:
            return configured
        from cryptography.hazmat.primitives import serialization

        key = serialization.load_pem_private_key(private.encode(), password=None)
        return (
            key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )

    def upstream_urls(self) -> dict[str, str]:
        return {
            "usecase": self.usecase_url,
            "catalog": self.catalog_url,
            "participation": self.participation_url,
        }
