"""Parsing a document's entries: keys and values as the layout (`doc`) writes them, each
refused with `InvalidUpdate` when malformed."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from subgraphs.playback.sync.domain.changes import Preference, Progress
from subgraphs.playback.sync.domain.doc_schema import InvalidUpdate, shown
from subgraphs.playback.sync.domain.hlc import Hlc, InvalidHlc

__all__ = [
    "add_title",
    "as_entry",
    "as_whole",
    "parse_hlc",
    "parse_node",
    "parse_preference",
    "parse_progress",
    "parse_uuid",
    "removed_title",
    "split_key",
]

_NAME = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
_MAX_VALUE = 1_024


def parse_uuid(text: str, what: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise InvalidUpdate(f"{what} `{shown(text)}` is not a UUID", "BAD_VALUE") from None


def split_key(key: str, sep: str, what: str) -> tuple[str, str]:
    head, found, tail = key.partition(sep)
    if not found or not tail:
        raise InvalidUpdate(f"malformed {what} key `{shown(key)}`", "BAD_KEY")
    return head, tail


def parse_node(text: str) -> str:
    if not _NAME.match(text):
        raise InvalidUpdate(f"malformed device id `{shown(text)}`", "BAD_KEY")
    return text


def parse_hlc(value: Mapping[str, Any], node: str | None = None) -> Hlc:
    try:
        stamp = Hlc.decode(value.get("hlc"))
    except InvalidHlc:
        raise InvalidUpdate("a malformed clock stamp", "BAD_CLOCK") from None
    if node is not None and stamp.node != node:
        raise InvalidUpdate(f"a clock stamp of device `{shown(stamp.node)}` under device "
                            f"`{shown(node)}`", "NOT_OWNER")
    return stamp


def as_entry(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidUpdate(f"{what} entries are objects", "BAD_VALUE")
    return value


def as_whole(value: object, what: str) -> int:
    if not isinstance(value, int | float) or isinstance(value, bool) or value != int(value):
        raise InvalidUpdate(f"{what} must be a whole number", "BAD_VALUE")
    return int(value)


def parse_progress(key: str, value: object) -> Progress:
    title, device = split_key(key, "|", "progress")
    entry = as_entry(value, "progress")
    position = as_whole(entry.get("position"), "position")
    duration = as_whole(entry.get("duration"), "duration")
    if duration <= 0 or not 0 <= position <= duration:
        raise InvalidUpdate(f"progress {position}/{duration} is out of range")
    return Progress(parse_uuid(title, "title id"), position, duration,
                    parse_hlc(entry, parse_node(device)))


def parse_preference(key: str, value: object) -> Preference:
    name, device = split_key(key, "|", "preference")
    if not _NAME.match(name):
        raise InvalidUpdate(f"malformed preference name `{shown(name)}`", "BAD_KEY")
    entry = as_entry(value, "preference")
    text = entry.get("value")
    if not isinstance(text, str) or len(text) > _MAX_VALUE:
        raise InvalidUpdate(f"a preference value is a string of at most {_MAX_VALUE} characters")
    return Preference(name, text, parse_hlc(entry, parse_node(device)))


def add_title(key: str, value: object) -> str:
    title, tag = split_key(key, "#", "watchlist")
    parse_hlc(as_entry(value, "watchlist"))
    if not _NAME.match(tag):
        raise InvalidUpdate(f"malformed tag `{shown(tag)}`", "BAD_KEY")
    return parse_uuid(title, "title id")


def removed_title(key: str, value: object) -> str:
    entry = as_entry(value, "tombstone")
    parse_hlc(entry)
    if not _NAME.match(key):
        raise InvalidUpdate(f"malformed tag `{shown(key)}`", "BAD_KEY")
    return parse_uuid(str(entry.get("title")), "title id")
