"""The event catalogue: every Redis stream subgraphs exchange, defined once.

Each stream has a `StreamContract`: its name (the stream, and `Event.type`), a version, the
subgraph that produces it, a description and its payload as a pydantic model. Producers and
consumers name streams through these (`contracts.VIEWING_RECORDED.name`), never as literals.
The contracts are exported beside the SDL as `schema/events/<stream>.json`
(`python -m mediagateway.schema_export --events`), and a drift test holds the files to the code.

A change consumers must know of (a field removed, renamed or retyped, a new required one) bumps
the stream's version. Payloads forbid unknown keys: every producer sends exactly its model's.

Checking is for tests: with `MG_CHECK_EVENTS=1` (read once, at import; tests/conftest.py sets it)
the outbox's `stage` and `RedisEventBus.publish`/`publish_many` refuse an event its contract
refuses, or one on a stream without a contract. Otherwise they test one boolean and go on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from subgraphs.common.contracts.account import ERASERS, USER_DELETED, USER_ERASED
from subgraphs.common.contracts.base import EventContractError, Payload, StreamContract
from subgraphs.common.contracts.catalog import AVAILABILITY_CHANGED, TITLE_UPSERTED
from subgraphs.common.contracts.playback import PLAYBACK_UPDATED
from subgraphs.common.contracts.sync import SYNC_PROGRESS_REPORTED, SYNC_WATCHLIST_CHANGED
from subgraphs.common.contracts.users import (
    DEVICE_SIGNED_IN,
    PROFILE_CHANGED,
    USER_REGISTERED,
    USER_UPDATED,
    VIEWING_RECORDED,
    WATCHLIST_CHANGED,
)
from subgraphs.common.settings import ProcessSettings

if TYPE_CHECKING:  # events.py imports this package to check what it publishes
    from subgraphs.common.events import Event

__all__ = [
    "AVAILABILITY_CHANGED",
    "CATALOGUE",
    "DEVICE_SIGNED_IN",
    "ERASERS",
    "PLAYBACK_UPDATED",
    "PROFILE_CHANGED",
    "SYNC_PROGRESS_REPORTED",
    "SYNC_WATCHLIST_CHANGED",
    "TITLE_UPSERTED",
    "USER_DELETED",
    "USER_ERASED",
    "USER_REGISTERED",
    "USER_UPDATED",
    "VIEWING_RECORDED",
    "WATCHLIST_CHANGED",
    "EventContractError",
    "Payload",
    "StreamContract",
    "check",
    "checking",
    "validate",
]

CATALOGUE: dict[str, StreamContract[Any]] = {
    contract.name: contract
    for contract in (
        VIEWING_RECORDED, WATCHLIST_CHANGED, USER_REGISTERED, USER_UPDATED, PROFILE_CHANGED,
        DEVICE_SIGNED_IN, USER_DELETED, USER_ERASED, SYNC_WATCHLIST_CHANGED,
        SYNC_PROGRESS_REPORTED, TITLE_UPSERTED, AVAILABILITY_CHANGED, PLAYBACK_UPDATED,
    )
}

# Read once: production tests this flag per publish and pays nothing else. Tests may flip it
# (`unchecked_events` marker) for ones that publish made-up or malformed events on purpose.
checking: bool = ProcessSettings.from_env().checks_events


def validate(event: Event) -> None:
    """Raise EventContractError unless the event's stream has a contract its payload meets."""
    contract = CATALOGUE.get(event.type)
    if contract is None:
        raise EventContractError(
            f"no contract for stream {event.type!r} (event {event.id}): define it in "
            "subgraphs/common/contracts and add it to CATALOGUE")
    contract.check(event.id, event.occurred_at, event.payload)


def check(events: Iterable[Event]) -> None:
    """`validate` each; callers check a whole batch before writing any of it."""
    for event in events:
        validate(event)
