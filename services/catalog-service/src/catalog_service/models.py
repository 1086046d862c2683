"""Imports every domain module's models so Alembic sees all tables."""

from catalog_service.datasets.models import Dataset, DatasetFacet, Distribution
from catalog_service.demand.models import DataRequirement
from catalog_service.harvest.models import HarvestRun, HarvestSource
from catalog_service.organizations.models import Organization

__all__ = [
    "DataRequirement",
    "Dataset",
    "DatasetFacet",
    "Distribution",
    "HarvestRun",
    "HarvestSource",
    "Organization",
]
