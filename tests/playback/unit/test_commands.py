"""Remote commands: what they need, where they may go, and their 5 seconds."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from subgraphs.playback.devices.domain.model import Capabilities, Device, DeviceKind
from subgraphs.playback.remote.domain.commands import (
    COMMAND_TTL,
    CommandArgs,
    CommandKind,
    CommandStatus,
    RemoteCommand,
    issue_command,
)
from subgraphs.playback.remote.domain.errors import (
    CommandExpired,
    DeviceOffline,
    InvalidCommand,
    NotRemoteControllable,
)

NOW = datetime(2024, 1, 1, 20, 0, tzinfo=UTC)
USER = uuid.uuid4()


def device(remote: bool = True, cast: bool = False, seen: timedelta | None = timedelta(0),
           kind: DeviceKind = DeviceKind.TV) -> Device:
    return Device(uuid.uuid4(), USER, "TV", kind,
                  Capabilities(remote_controllable=remote, can_cast=cast),
                  NOW - seen if seen is not None else None)


def issue(target: Device, kind: CommandKind = CommandKind.PAUSE, **args: Any) -> RemoteCommand:
    return issue_command(user_id=USER, sender=device(kind=DeviceKind.PHONE), target=target,
                         kind=kind, args=CommandArgs(**args), now=NOW)


def test_a_command_expires_five_seconds_after_it_is_sent() -> None:
    command = issue(device())
    assert command.expires_at == NOW + COMMAND_TTL == NOW + timedelta(seconds=5)
    assert command.status(NOW + timedelta(seconds=4.999)) is CommandStatus.PENDING
    assert command.status(NOW + timedelta(seconds=5)) is CommandStatus.EXPIRED


def test_acknowledging_in_time_records_it_and_a_second_ack_changes_nothing() -> None:
    command = issue(device())
    acked = command.acknowledged(NOW + timedelta(seconds=1))
    assert acked.acknowledged_at == NOW + timedelta(seconds=1)
    assert acked.status(NOW + timedelta(minutes=1)) is CommandStatus.ACKNOWLEDGED
    assert acked.acknowledged(NOW + timedelta(seconds=2)) is acked


def test_acknowledging_an_expired_command_is_refused() -> None:
    command = issue(device())
    with pytest.raises(CommandExpired) as refused:
        command.acknowledged(NOW + timedelta(seconds=5))
    assert refused.value.code == "COMMAND_EXPIRED"


def test_an_offline_target_is_refused() -> None:
    with pytest.raises(DeviceOffline) as refused:
        issue(device(seen=timedelta(seconds=91)))
    assert refused.value.code == "DEVICE_OFFLINE"
    with pytest.raises(DeviceOffline):
        issue(device(seen=None))  # never sent a heartbeat
    assert issue(device(seen=timedelta(seconds=90))).kind is CommandKind.PAUSE


def test_a_target_that_is_not_remote_controllable_is_refused() -> None:
    with pytest.raises(NotRemoteControllable) as refused:
        issue(device(remote=False))
    assert refused.value.code == "NOT_REMOTE_CONTROLLABLE"


@pytest.mark.parametrize(
    ("kind", "args", "field"),
    [
        (CommandKind.SEEK, {}, "positionSeconds"),
        (CommandKind.SEEK, {"position_seconds": -1}, "positionSeconds"),
        (CommandKind.VOLUME, {}, "volume"),
        (CommandKind.VOLUME, {"volume": 101}, "volume"),
        (CommandKind.MUTE, {}, "muted"),
        (CommandKind.LOAD, {}, "titleId"),
        (CommandKind.CAST_TO, {}, "castTargetDeviceId"),
    ],
)
def test_arguments_must_fit_the_kind(kind: CommandKind, args: dict, field: str) -> None:
    with pytest.raises(InvalidCommand) as refused:
        issue(device(), kind, **args)
    assert refused.value.code == "BAD_USER_INPUT"
    assert refused.value.details["field"] == field


def test_cast_to_needs_an_online_device_that_can_cast() -> None:
    def cast(to: Device) -> RemoteCommand:
        return issue_command(user_id=USER, sender=None, target=device(), now=NOW,
                             kind=CommandKind.CAST_TO, args=CommandArgs(cast_target_id=to.id),
                             cast_target=to)

    assert cast(device(cast=True)).args.cast_target_id is not None
    with pytest.raises(NotRemoteControllable):
        cast(device(cast=False))
    with pytest.raises(DeviceOffline):
        cast(device(cast=True, seen=timedelta(minutes=5)))
