"""The platform's processes, in start order."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Component:
    name: str
    module: str
    port: int
    env_prefix: str
    migrations: str
    database_file: str


COMPONENTS: tuple[Component, ...] = (
    Component(
        "usecase", "usecase_service", 8001, "USECASE", "usecase_service:migrations", "usecase"
    ),
    Component(
        "catalog", "catalog_service", 8002, "CATALOG", "catalog_service:migrations", "catalog"
    ),
    Component(
        "participation",
        "participation_service",
        8003,
        "PARTICIPATION",
        "participation_service:migrations",
        "participation",
    ),
    Component("gateway", "gateway", 8000, "GATEWAY", "gateway:migrations", "gateway"),
)

BY_NAME = {c.name: c for c in COMPONENTS}
