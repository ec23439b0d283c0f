"""A user's data export (GDPR art. 15 and 20), the part one subgraph holds.

Each subgraph names its tables and the column that holds the user (a table may reach the user
through another column, e.g. content's hashed viewer key); rows come out as JSON-ready dicts.
Secrets (password and PIN hashes, token hashes) are left out: they are ours, not the user's,
and would only help someone who got hold of the export.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from tortoise.models import Model

from subgraphs.common.auth import Viewer
from subgraphs.common.ids import parse_id

__all__ = ["EXPORT_DESCRIPTION", "EXPORT_SCOPE", "ExportedTable", "export_rows", "json_ready",
           "may_export"]

# An export holds everything: only a first-party sign-in of the user may ask for it.
EXPORT_SCOPE = "account"
EXPORT_DESCRIPTION = ("Everything we hold about you (GDPR), each subgraph's part as JSON: "
                      "`{table: [row, ...]}`. Only for yourself, with a first-party sign-in.")

SECRET_COLUMNS = frozenset({"password_hash", "pin_hash", "token_hash", "private_pem"})


def _same(user_id: uuid.UUID) -> object:
    return user_id


@dataclass(frozen=True)
class ExportedTable:
    model: type[Model]
    column: str = "user_id"
    # How the table spells the user in `column` (e.g. a hashed viewer key).
    key: Callable[[uuid.UUID], object] = _same


def may_export(viewer: Viewer, export_id: str) -> uuid.UUID:
    """The user whose export this is, when it is the caller's own: FORBIDDEN otherwise."""
    user_id = viewer.require_self(parse_id(export_id, "user id"))
    viewer.require_scope(EXPORT_SCOPE)
    return user_id


def json_ready(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_ready(v) for v in value]
    return value


async def export_rows(tables: Sequence[ExportedTable], user_id: uuid.UUID
                      ) -> dict[str, list[Any]]:
    """`{table: [row, ...]}` of the user's rows, secrets left out."""
    exported: dict[str, list[Any]] = {}
    for table in tables:
        rows = await table.model.filter(**{table.column: table.key(user_id)}).values()
        exported[table.model._meta.db_table] = [
            {k: json_ready(v) for k, v in row.items() if k not in SECRET_COLUMNS}
            for row in rows]
    return exported
