"""Controlled vocabularies shared by the API, the models and the pure calculations."""

from enum import StrEnum
from typing import Any

from pydantic import GetJsonSchemaHandler
from pydantic_core import CoreSchema


class Vocabulary(StrEnum):
    """A controlled list; its OpenAPI schema carries its first value as the example."""

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        schema = handler.resolve_ref_schema(handler(core_schema))
        schema["examples"] = [next(iter(cls)).value]
        return schema


class FieldOfAction(Vocabulary):
    """Fields of action of the "Modellprojekte Smart Cities" knowledge store."""

    MOBILITY = "mobility"
    ENERGY = "energy"
    ENVIRONMENT = "environment"
    ADMINISTRATION = "administration"
    EDUCATION = "education"
    HEALTH = "health"
    ECONOMY = "economy"
    SOCIETY = "society"
    SAFETY = "safety"
    INFRASTRUCTURE_ICT = "infrastructure_ict"
    URBAN_DEVELOPMENT = "urban_development"


class Visibility(Vocabulary):
    INTERNAL = "internal"
    PUBLIC = "public"


class Priority(Vocabulary):
    """MoSCoW."""

    MUST = "must"
    SHOULD = "should"
    COULD = "could"
    WONT = "wont"


class Status(Vocabulary):
    DRAFT = "draft"
    PROBLEM_DEFINED = "problem_defined"
    PROCESS_DEFINED = "process_defined"
    BENEFITS_DEFINED = "benefits_defined"
    REQUIREMENTS_DEFINED = "requirements_defined"
    SERVICES_DEFINED = "services_defined"
    ASSESSED = "assessed"
    APPROVED = "approved"
    REJECTED = "rejected"
    DEFERRED = "deferred"
    PILOTING = "piloting"
    IN_OPERATION = "in_operation"
    SCALED = "scaled"
    RETIRED = "retired"


class Group(Vocabulary):
    """Who is affected or benefits."""

    CITIZENS = "citizens"
    BUSINESS = "business"
    ADMINISTRATION = "administration"
    OTHER = "other"


class Channel(Vocabulary):
    PAPER = "paper"
    EMAIL = "email"
    PHONE = "phone"
    COUNTER = "counter"
    ONLINE_FORM = "online_form"
    AUTOMATED = "automated"


class ProviderKind(Vocabulary):
    INTERNAL_UNIT = "internal_unit"
    MUNICIPAL_COMPANY = "municipal_company"
    VENDOR = "vendor"
    OPEN_SOURCE = "open_source"
    EINER_FUER_ALLE = "einer_fuer_alle"


class Sourcing(Vocabulary):
    MAKE = "make"
    BUY = "buy"
    SHARE = "share"
    REUSE = "reuse"


class LineItemKind(Vocabulary):
    DEVELOPMENT_COST = "development_cost"
    DEVELOPMENT_BENEFIT = "development_benefit"
    OPERATING_COST = "operating_cost"
    OPERATING_BENEFIT = "operating_benefit"


class CriterionCategory(Vocabulary):
    """WiBe's non-monetary criteria: Q strategic, E external effects, D urgency."""

    Q = "Q"
    E = "E"
    D = "D"
