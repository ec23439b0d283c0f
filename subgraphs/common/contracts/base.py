"""What a stream's contract is, and how an event is held to it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["JSON_SCHEMA_DIALECT", "DecimalText", "EventContractError", "Payload",
           "StreamContract"]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# Prices travel as `str(Decimal)` ("3.99", "1E+2"): a float would round them.
DecimalText = Annotated[str, Field(pattern=r"^-?\d+(\.\d+)?([eE][+-]?\d+)?$",
                                   description="A decimal as text.")]


class Payload(BaseModel):
    """An event's payload as it travels. Strict, so "5" is no int and "nope" no UUID; every
    producer builds its payload from a fixed set of keys, so an unknown key is refused too."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


P = TypeVar("P", bound=Payload)


class EventContractError(ValueError):
    """An event that its stream's contract refuses, or one on a stream without a contract."""


def _errors(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in e['loc']) or '(payload)'}: {e['msg']}"
        for e in error.errors(include_url=False)
    )


@dataclass(frozen=True)
class StreamContract(Generic[P]):
    """One stream: its name (the Redis stream and `Event.type`), the contract's version (bumped
    on a change consumers must know of), the subgraph that publishes it, and its payload."""

    name: str
    version: int
    producer: str
    description: str
    payload: type[P]

    def check(self, event_id: str, occurred_at: str, payload: Mapping[str, Any]) -> None:
        """Raise EventContractError naming every field that breaks the contract."""
        try:
            datetime.fromisoformat(occurred_at)
        except (TypeError, ValueError):
            raise EventContractError(
                f"{self.name} event {event_id}: occurred_at {occurred_at!r} is not an ISO 8601 "
                "timestamp") from None
        try:
            # Through JSON, as the payload travels: what `Event.encode` cannot send fails here.
            self.payload.model_validate_json(json.dumps(payload))
        except (TypeError, ValueError) as error:
            detail = _errors(error) if isinstance(error, ValidationError) else str(error)
            raise EventContractError(
                f"{self.name} event {event_id} breaks contract v{self.version}: {detail}"
            ) from None

    def document(self) -> dict[str, Any]:
        """The checked-in artifact (`schema/events/<name>.json`): the contract and its payload's
        JSON Schema."""
        return {
            "name": self.name,
            "version": self.version,
            "producer": self.producer,
            "description": self.description,
            "payload": {"$schema": JSON_SCHEMA_DIALECT, **self.payload.model_json_schema()},
        }
