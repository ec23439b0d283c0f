"""Parsing of the opaque ids clients send (UUIDs) into values domain code trusts."""

from __future__ import annotations

import uuid

from subgraphs.common.errors import BadInput

__all__ = ["NAMESPACE", "parse_id", "parse_ids", "stable_id"]

# Namespace for ids derived from external keys, so reseeding gives the same ids.
NAMESPACE = uuid.UUID("6f1c1d4e-3a55-4f0e-9a55-6d2d7c3b9e10")


def parse_id(value: str, kind: str = "id") -> uuid.UUID:
    """Return `value` as a UUID or raise BadInput naming what was malformed."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise BadInput(f"Malformed {kind}: {value!r} is not a UUID.", field=kind) from None


def parse_ids(values: list[str], kind: str = "id") -> list[uuid.UUID]:
    return [parse_id(value, kind) for value in values]


def stable_id(*parts: object) -> uuid.UUID:
    """A deterministic id for an external key such as ("movielens", "title", 1)."""
    return uuid.uuid5(NAMESPACE, ":".join(str(part) for part in parts))
