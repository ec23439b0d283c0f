"""Strings a request may carry: valid Unicode that every store can hold.

A lone UTF-16 surrogate can be escaped in JSON but no UTF-8 text holds it; PostgreSQL's text
refuses the NUL character (SQLite keeps it). Both are refused at the edge, as the caller's
mistake, before any resolver (and any write) runs.
"""

from __future__ import annotations

import re

__all__ = ["LONE_SURROGATE_MESSAGE", "NUL_MESSAGE", "refusal", "text_refusal"]

LONE_SURROGATE_MESSAGE = "Strings must be valid Unicode: a lone UTF-16 surrogate was sent."
NUL_MESSAGE = "Strings must not contain the NUL character (U+0000)."
# Valid pairs were joined by the JSON parser, so any surrogate left is alone.
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_MAX_DEPTH = 32


def text_refusal(text: str) -> str | None:
    """Why `text` cannot be stored, or None."""
    if "\x00" in text:
        return NUL_MESSAGE
    if _LONE_SURROGATE.search(text) is not None:
        return LONE_SURROGATE_MESSAGE
    return None


def refusal(value: object, depth: int = 0) -> str | None:
    """Why a decoded JSON value holds a string (or key) that cannot be stored, or None."""
    if isinstance(value, str):
        return text_refusal(value)
    if depth > _MAX_DEPTH:
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            found = text_refusal(key) or refusal(item, depth + 1)
            if found:
                return found
    elif isinstance(value, list):
        for item in value:
            found = refusal(item, depth + 1)
            if found:
                return found
    return None
