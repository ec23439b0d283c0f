"""`SearchFilters` as a LanceDB (DataFusion SQL) predicate."""

from __future__ import annotations

from collections.abc import Iterable

from subgraphs.content.search.domain.model import SearchFilters

__all__ = ["lance_where"]


def _list(values: Iterable[str]) -> str:
    return "[" + ", ".join("'" + value.replace("'", "''") + "'" for value in values) + "]"


def lance_where(filters: SearchFilters) -> str | None:
    """One SQL predicate; values are quoted here, never interpolated raw."""
    clauses: list[str] = []
    if filters.genres:
        clauses.append(f"array_has_any(genres, {_list(filters.genres)})")
    if filters.all_genres:
        clauses.append(f"array_has_all(genres, {_list(filters.all_genres)})")
    if filters.blocked_genres:
        clauses.append(f"NOT array_has_any(genres, {_list(filters.blocked_genres)})")
    if tokens := filters.availability_any():
        clauses.append(f"array_has_any(availability, {_list(tokens)})")
    if filters.kinds:
        clauses.append(f"kind IN ({_list(filters.kinds)[1:-1]})")
    for column, op, value in (
        ("year", ">=", filters.year_from),
        ("year", "<=", filters.year_to),
        ("runtime", ">=", filters.runtime_min),
        ("runtime", "<=", filters.runtime_max),
        ("rating", ">=", filters.min_rating),
        ("age_rating", "<=", filters.max_age_rating),
    ):
        if value is not None:
            # NULL fails every comparison, so unknown values are left out when a bound is set.
            clauses.append(f"{column} {op} {float(value) if column == 'rating' else int(value)}")
    if filters.exclude_ids:
        clauses.append(f"id NOT IN ({_list(str(i) for i in filters.exclude_ids)[1:-1]})")
    return " AND ".join(clauses) or None
