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
    """Who may read it: `internal` the municipality's own members only; `public` everyone,
    including anonymous callers and other municipalities (who may then adopt it)."""

    INTERNAL = "internal"
    PUBLIC = "public"


class Priority(Vocabulary):
    """MoSCoW."""

    MUST = "must"
    SHOULD = "should"
    COULD = "could"
    WONT = "wont"


class Status(Vocabulary):
    """Where the use case stands. Working states, one per completed step: `draft` (created),
    `problem_defined` (step 1), `process_defined` (2), `benefits_defined` (3),
    `requirements_defined` (4), `services_defined` (5), `assessed` (6, cost-benefit analysis
    done). Decisions: `approved`, `rejected`, `deferred` (decide later). Operation after
    approval: `piloting` (trial), `in_operation` (in regular service), `scaled` (rolled out
    further), `retired` (switched off). Going back to an earlier working state is a
    revision."""

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
    """How a process step is carried out: `paper` (forms, letters), `email`, `phone`,
    `counter` (in person at an office), `online_form` (a web form or app), `automated` (by a
    system, no one working on it)."""

    PAPER = "paper"
    EMAIL = "email"
    PHONE = "phone"
    COUNTER = "counter"
    ONLINE_FORM = "online_form"
    AUTOMATED = "automated"


class ProviderKind(Vocabulary):
    """Who provides a service: `internal_unit` (the administration itself),
    `municipal_company` (e.g. the Stadtwerke), `vendor` (a commercial supplier),
    `open_source` (a community project), `einer_fuer_alle` (an OZG "Einer für Alle" service
    another state or municipality runs for all)."""

    INTERNAL_UNIT = "internal_unit"
    MUNICIPAL_COMPANY = "municipal_company"
    VENDOR = "vendor"
    OPEN_SOURCE = "open_source"
    EINER_FUER_ALLE = "einer_fuer_alle"


class Sourcing(Vocabulary):
    """How the service is obtained: `make` (built in-house), `buy` (procured), `share`
    (run jointly with others), `reuse` (an existing solution taken over)."""

    MAKE = "make"
    BUY = "buy"
    SHARE = "share"
    REUSE = "reuse"


class LineItemKind(Vocabulary):
    """A cash flow of the cost-benefit analysis: `development_cost` and `development_benefit`
    are one-off (introduction), `operating_cost` and `operating_benefit` recur in operation.
    Costs count negative, benefits positive; the risk surcharge applies to costs."""

    DEVELOPMENT_COST = "development_cost"
    DEVELOPMENT_BENEFIT = "development_benefit"
    OPERATING_COST = "operating_cost"
    OPERATING_BENEFIT = "operating_benefit"


class CriterionCategory(Vocabulary):
    """WiBe's non-monetary criteria: Q strategic, E external effects, D urgency."""

    Q = "Q"
    E = "E"
    D = "D"
