"""Streams playback publishes about playback sessions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from subgraphs.common.contracts.base import DecimalText, Payload, StreamContract
from subgraphs.common.vocabulary import OfferType, VideoQuality

__all__ = ["PLAYBACK_UPDATED", "PlaybackUpdated", "PlayedOffer"]


class PlayedOffer(Payload):
    """The offer a session plays, chosen when it started."""

    platform: str
    type: OfferType
    quality: VideoQuality = Field(description="The quality the device plays it in.")
    price: DecimalText | None = None
    currency: str | None = None
    deep_link: str | None = None
    web_url: str | None = None
    included: bool = Field(description="In one of the user's subscriptions.")


class PlaybackUpdated(Payload):
    """A playback session as it now is."""

    session_id: uuid.UUID
    user_id: uuid.UUID
    device_id: uuid.UUID
    title_id: uuid.UUID
    position_seconds: Annotated[int, Field(ge=0)]
    duration_seconds: Annotated[int, Field(gt=0)]
    # Playback's `PlaybackState` values (common imports no subgraph; a test holds them equal).
    state: Literal["playing", "paused", "buffering", "stopped", "ended"]
    at: datetime
    offer: PlayedOffer | None = Field(
        None, description="Null when the catalog listed no offer for the user's region.")


PLAYBACK_UPDATED = StreamContract(
    "playback.updated", 1, "playback", "A playback session started or moved.", PlaybackUpdated)
