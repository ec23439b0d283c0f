"""Playback's domain rules, on plain values."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from subgraphs.common.errors import BadInput
from subgraphs.playback.devices.domain.model import (
    Capabilities,
    Device,
    DeviceKind,
    check_capabilities,
    check_device_name,
)
from subgraphs.playback.sessions.domain.model import PlaybackSession, PlaybackState

NOW = datetime(2024, 1, 1, tzinfo=UTC)


def session(position: int, duration: int = 1_000) -> PlaybackSession:
    return PlaybackSession(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), position,
                           duration, PlaybackState.PLAYING, NOW)


@pytest.mark.parametrize(("position", "resume"), [(0, 0), (949, 949), (950, None), (1_000, None)])
def test_resume_position_is_empty_from_95_percent(position: int, resume: int | None) -> None:
    assert session(position).resume_position_seconds == resume


@pytest.mark.parametrize(("position", "duration"), [(-1, 100), (101, 100), (0, 0)])
def test_position_must_lie_within_the_duration(position: int, duration: int) -> None:
    with pytest.raises(BadInput):
        session(position, duration)


def test_a_device_is_online_for_90_seconds_after_a_heartbeat() -> None:
    device = Device(uuid.uuid4(), uuid.uuid4(), "TV", DeviceKind.TV)
    assert not device.is_online(NOW)
    seen = device.seen(NOW)
    assert seen.is_online(NOW + timedelta(seconds=90))
    assert not seen.is_online(NOW + timedelta(seconds=91))


def test_device_names_are_trimmed_and_bounded() -> None:
    assert check_device_name("  Living   room TV ") == "Living room TV"
    for bad in ("", "   ", "x" * 81):
        with pytest.raises(BadInput):
            check_device_name(bad)


def test_capability_lists_are_bounded() -> None:
    with pytest.raises(BadInput):
        check_capabilities(Capabilities(hdr_formats=tuple(f"f{i}" for i in range(11))))
    with pytest.raises(BadInput):
        check_capabilities(Capabilities(audio_codecs=("",)))
