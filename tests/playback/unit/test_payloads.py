"""What crosses Redis comes back as it went: playback updates (with their offer) and device
events."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from subgraphs.common.vocabulary import OfferType, VideoQuality
from subgraphs.playback.devices.domain.events import PresenceChanged
from subgraphs.playback.facts.domain.model import OfferFact, TitleBecameAvailable
from subgraphs.playback.remote.adapters.channel import event_from_json, event_json
from subgraphs.playback.remote.domain.commands import CommandArgs, CommandKind, RemoteCommand
from subgraphs.playback.remote.domain.events import CommandAcknowledged, CommandIssued, DeviceEvent
from subgraphs.playback.sessions.adapters.publisher import session_from_payload
from subgraphs.playback.sessions.domain.events import PlaybackUpdated
from subgraphs.playback.sessions.domain.model import PlaybackSession, PlaybackState
from subgraphs.playback.sessions.domain.offers import ChosenOffer

NOW = datetime(2024, 1, 1, 20, 0, tzinfo=UTC)
USER, TITLE = uuid.uuid4(), uuid.uuid4()


def test_a_playback_update_keeps_its_offer() -> None:
    # A session keeps the quality it plays (HD), not the offer's best.
    offer = OfferFact(TITLE, "apple_tv_plus", "", OfferType.RENT, None,
                      Decimal("3.99"), "USD", "videos://x", "https://tv.apple.com/x")
    session = PlaybackSession(uuid.uuid4(), USER, uuid.uuid4(), TITLE, 120, 6_000,
                              PlaybackState.PAUSED, NOW, ChosenOffer(offer, VideoQuality.HD, False))
    payload = json.loads(json.dumps(PlaybackUpdated(session).payload()))
    assert session_from_payload(payload) == session
    bare = PlaybackSession(uuid.uuid4(), USER, uuid.uuid4(), TITLE, 0, 60,
                           PlaybackState.PLAYING, NOW)
    assert session_from_payload(json.loads(json.dumps(PlaybackUpdated(bare).payload()))) == bare


COMMAND = RemoteCommand(uuid.uuid4(), USER, uuid.uuid4(), uuid.uuid4(), CommandKind.LOAD,
                        CommandArgs(position_seconds=42, title_id=TITLE, session_id=uuid.uuid4()),
                        NOW)


@pytest.mark.parametrize("event", [
    PresenceChanged(USER, uuid.uuid4(), False, NOW),
    CommandIssued(COMMAND),
    CommandAcknowledged(COMMAND.acknowledged(NOW)),
    TitleBecameAvailable(USER, TITLE, "netflix", "GB", "subscription", NOW),
])
def test_device_events_survive_the_channel(event: DeviceEvent) -> None:
    assert event_from_json(json.loads(json.dumps(event_json(event)))) == event
