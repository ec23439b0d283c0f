"""Keyset cursors of ordered title lists: where a page ended, in which order.

A cursor carries the order it was made for; one used with another order (a different sort,
direction or price region) is refused, never silently reinterpreted."""

from __future__ import annotations

import base64
import uuid
from datetime import date
from decimal import Decimal, InvalidOperation

import orjson

from subgraphs.common.errors import BadInput
from subgraphs.content.catalog.domain.ordering import Keyset, SortValue, TitleOrder, TitleSort

__all__ = ["decode_keyset", "encode_keyset"]

_PREFIX = "k:"
_ECHO = 100


def encode_keyset(order: TitleOrder, value: SortValue, title_id: uuid.UUID) -> str:
    text = None if value is None else (value.isoformat() if isinstance(value, date)
                                       else str(value) if isinstance(value, Decimal) else value)
    raw = orjson.dumps({"s": order.sort.value, "d": order.descending, "r": order.region,
                        "v": text, "i": str(title_id)})
    return base64.urlsafe_b64encode(_PREFIX.encode() + raw).decode()


def decode_keyset(cursor: str, order: TitleOrder) -> Keyset:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode())
        if not raw.startswith(_PREFIX.encode()):
            raise ValueError(raw)
        fields = orjson.loads(raw[len(_PREFIX):])
        made_for = (TitleSort(fields["s"]), bool(fields["d"]), fields["r"])
        keyset = Keyset(_value(order.sort, fields["v"]), uuid.UUID(fields["i"]))
    except (ValueError, KeyError, TypeError, UnicodeError, InvalidOperation):
        raise BadInput(f"Malformed cursor: {cursor[:_ECHO]!r}.", field="after") from None
    if made_for != (order.sort, order.descending, order.region):
        raise BadInput("This cursor belongs to another order: page with the `sortBy`, "
                       "`sortOrder` and region it came from.", field="after")
    return keyset


def _value(sort: TitleSort, text: object) -> SortValue:
    if text is None:
        return None
    if sort is TitleSort.PRICE:
        return Decimal(str(text))
    if sort is TitleSort.TITLE:
        if not isinstance(text, str):
            raise TypeError(text)
        return text
    if isinstance(text, bool) or not isinstance(text, int | float):
        raise TypeError(text)
    return float(text)
