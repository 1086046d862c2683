"""Who may see and change which use cases."""

from __future__ import annotations

from sqlalchemy import or_, true
from sqlalchemy.sql.elements import ColumnElement

from servicekit.identity import Principal, Role
from servicekit.problems import NotFound
from usecase_service.usecases.models import UseCase
from usecase_service.vocab import Visibility


def can_read(principal: Principal, municipality: str, visibility: str) -> bool:
    return visibility == Visibility.PUBLIC or principal.can_see_internal(municipality)


def require_readable(principal: Principal, use_case: UseCase | None, ref: object) -> UseCase:
    """The use case, or 404 when it does not exist or the caller may not see it."""
    if use_case is None or not can_read(principal, use_case.municipality, use_case.visibility):
        raise NotFound(f"Use case {ref} does not exist.")
    return use_case


def require_editor(principal: Principal, use_case: UseCase | None, ref: object) -> UseCase:
    """Editors (and admins) of its municipality; 404 if the caller cannot see it, else 403."""
    found = require_readable(principal, use_case, ref)
    principal.require_role(found.municipality, Role.EDITOR)
    return found


def readable_clause(principal: Principal) -> ColumnElement[bool]:
    """SQL: the use cases the caller may see."""
    if principal.platform_admin:
        return true()
    members = [m for m, roles in principal.memberships.items() if roles]
    if not members:
        return UseCase.visibility == Visibility.PUBLIC
    return or_(UseCase.visibility == Visibility.PUBLIC, UseCase.municipality.in_(members))
