"""Remote control and hand-off use cases: commands to a user's devices and their acks.

A command is stored before it is announced, so whichever replica the target's ack reaches can
check it; it lives 5 seconds. Announcements go on the user's pub/sub channel, so the target
hears it on whichever replica holds its socket.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from subgraphs.playback.devices.adapters.repository import DeviceRepository
from subgraphs.playback.devices.domain.errors import DeviceNotFound
from subgraphs.playback.devices.domain.model import Device
from subgraphs.playback.devices.services import own_device
from subgraphs.playback.facts.adapters.repository import FactsRepository
from subgraphs.playback.facts.domain.model import ViewerFacts
from subgraphs.playback.remote.adapters.channel import DeviceChannel
from subgraphs.playback.remote.adapters.commands import CommandRepository
from subgraphs.playback.remote.domain.commands import (
    CommandArgs,
    CommandKind,
    RemoteCommand,
    check_target,
    issue_command,
)
from subgraphs.playback.remote.domain.errors import CommandNotFound, NotYourCommand
from subgraphs.playback.remote.domain.events import CommandAcknowledged, CommandIssued
from subgraphs.playback.sessions.adapters.publisher import PlaybackPublisher
from subgraphs.playback.sessions.adapters.repository import SessionRepository
from subgraphs.playback.sessions.domain.events import PlaybackUpdated
from subgraphs.playback.sessions.domain.model import PlaybackSession, PlaybackState
from subgraphs.playback.sessions.domain.offers import choose_offer
from subgraphs.playback.sessions.services import check_parental_limits, own_session

__all__ = ["acknowledge_command", "find_command", "hand_off", "own_command", "send_command"]


async def own_command(
    commands: CommandRepository, user_id: uuid.UUID, command_id: uuid.UUID
) -> RemoteCommand:
    command = (await commands.commands_by_ids([command_id])).get(command_id)
    if command is None:
        raise CommandNotFound(command_id)
    if command.user_id != user_id:
        raise NotYourCommand(command_id)
    return command


async def find_command(
    commands: CommandRepository, user_id: uuid.UUID, command_id: uuid.UUID
) -> RemoteCommand | None:
    """The user's command, or None (another user's command is as good as none)."""
    command = (await commands.commands_by_ids([command_id])).get(command_id)
    return command if command and command.user_id == user_id else None


async def send_command(
    devices: DeviceRepository,
    commands: CommandRepository,
    channel: DeviceChannel,
    user_id: uuid.UUID,
    *,
    target_id: uuid.UUID,
    kind: CommandKind,
    args: CommandArgs,
    now: datetime,
    facts: FactsRepository,
    sender_id: uuid.UUID | None = None,
    profile_id: uuid.UUID | None = None,
) -> RemoteCommand:
    """Send `kind` to one of the user's devices: refused when it is offline or not controllable,
    and a title to LOAD when the acting profile's parental limits do not allow it."""
    cast_id = args.cast_target_id if kind is CommandKind.CAST_TO else None
    # One query for every device the command names, then the same checks as own_device.
    found = await devices.devices_by_ids([i for i in (target_id, sender_id, cast_id) if i])

    def own(device_id: uuid.UUID | None) -> Device | None:
        if device_id is None:
            return None
        device = found.get(device_id)
        if device is None or device.user_id != user_id:
            raise DeviceNotFound(device_id)
        return device

    target, sender, cast_target = own(target_id), own(sender_id), own(cast_id)
    assert target is not None
    if kind is CommandKind.LOAD and args.title_id is not None:
        await check_parental_limits(facts, user_id, profile_id, args.title_id)
    command = issue_command(user_id=user_id, sender=sender, target=target, kind=kind, args=args,
                            now=now, cast_target=cast_target)
    await commands.add_command(command)
    await channel.publish(CommandIssued(command))
    return command


async def acknowledge_command(
    commands: CommandRepository,
    channel: DeviceChannel,
    user_id: uuid.UUID,
    command_id: uuid.UUID,
    now: datetime,
) -> RemoteCommand:
    """The target confirms a command; refused once expired. Acking twice is harmless."""
    command = await own_command(commands, user_id, command_id)
    acked = command.acknowledged(now)
    if acked is not command and await commands.save_acknowledgement(acked):
        await channel.publish(CommandAcknowledged(acked))
    return acked


async def hand_off(
    devices: DeviceRepository,
    sessions: SessionRepository,
    commands: CommandRepository,
    facts: FactsRepository,
    channel: DeviceChannel,
    publisher: PlaybackPublisher,
    user_id: uuid.UUID,
    *,
    session_id: uuid.UUID,
    target_id: uuid.UUID,
    now: datetime,
    profile_id: uuid.UUID | None = None,
) -> tuple[PlaybackSession, RemoteCommand]:
    """"Send to TV": the session moves to the target, which is told to load it where it was.

    The target must be online and remote-controllable; the offer is chosen again for it (a TV
    may play in a quality the phone could not).
    """
    session = await own_session(sessions, user_id, session_id)
    # A household shares sessions: a child's token must not move a parent's film to its TV.
    await check_parental_limits(facts, user_id, profile_id, session.title_id)
    target = check_target(await own_device(devices, user_id, target_id), now)
    viewer = (await facts.viewers_by_ids([user_id])).get(user_id) or ViewerFacts(user_id)
    offer = choose_offer(await facts.offers_for_title(session.title_id), viewer,
                         target.capabilities) or session.offer
    moved = replace(session, device_id=target.id, state=PlaybackState.PLAYING, updated_at=now,
                    offer=offer)
    command = issue_command(
        user_id=user_id, sender=None, target=target, kind=CommandKind.LOAD, now=now,
        args=CommandArgs(position_seconds=session.position_seconds, title_id=session.title_id,
                         session_id=session.id),
    )
    if session.device_id != target.id:
        command = replace(command, sender_id=session.device_id)
    async with sessions.atomic():
        await sessions.move_session(moved)
        await sessions.save_resume_point(moved)
        await commands.add_command(command)
        await publisher.stage(PlaybackUpdated(moved))
    await publisher.publish(PlaybackUpdated(moved))
    await channel.publish(CommandIssued(command))
    return moved, command
