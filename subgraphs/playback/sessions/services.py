"""Playback use cases: plain async functions over the repository, raising domain errors.

Writes publish their events only after the transaction commits, so no one hears of a change
that was rolled back.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from subgraphs.playback.adapters.control import ControlRepository
from subgraphs.playback.adapters.facts import FactsRepository
from subgraphs.playback.adapters.publisher import PlaybackPublisher
from subgraphs.playback.adapters.repository import PlaybackRepository
from subgraphs.playback.domain.errors import (
    DeviceLimitReached,
    DeviceNotFound,
    SessionNotFound,
)
from subgraphs.playback.domain.events import PlaybackUpdated
from subgraphs.playback.domain.model import (
    COMPLETED_FRACTION,
    MAX_DEVICES,
    MAX_NAME_LENGTH,
    Capabilities,
    Device,
    DeviceKind,
    PlaybackSession,
    PlaybackState,
    check_capabilities,
    check_device_name,
    check_position,
)
from subgraphs.playback.domain.offers import ViewerFacts, choose_offer
from subgraphs.playback.domain.parental import check_allowed

__all__ = [
    "SIGNED_IN_TV",
    "check_parental_limits",
    "continue_watching",
    "list_sessions",
    "own_device",
    "own_session",
    "register_device",
    "register_signed_in_device",
    "remove_device",
    "rename_device",
    "resume_position",
    "start_playback",
    "update_playback",
]


async def own_device(
    repo: PlaybackRepository, user_id: uuid.UUID, device_id: uuid.UUID
) -> Device:
    """The caller's device, else NOT_FOUND: another user's device is answered as an unknown
    one, so that an id tells nobody whether it exists."""
    device = (await repo.devices_by_ids([device_id])).get(device_id)
    if device is None or device.user_id != user_id:
        raise DeviceNotFound(device_id)
    return device


async def check_parental_limits(
    facts: FactsRepository, user_id: uuid.UUID, profile_id: uuid.UUID | None,
    title_id: uuid.UUID,
) -> None:
    """Refuses a title the profile the token acts as may not watch. A profile playback has
    not heard of yet (its event is on the way) sets no limit, as in search."""
    if profile_id is None:
        return
    limits = await facts.profile_limits(profile_id)
    if limits is None or limits.user_id != user_id:
        return
    check_allowed(limits, title_id, await facts.title(title_id))


async def own_session(
    repo: PlaybackRepository, user_id: uuid.UUID, session_id: uuid.UUID
) -> PlaybackSession:
    """The caller's session, else NOT_FOUND (another user's included, as for devices)."""
    session = (await repo.sessions_by_ids([session_id])).get(session_id)
    if session is None or session.user_id != user_id:
        raise SessionNotFound(session_id)
    return session


async def register_device(
    repo: PlaybackRepository,
    user_id: uuid.UUID,
    name: str,
    kind: DeviceKind,
    capabilities: Capabilities,
    now: datetime,
) -> Device:
    device = Device(
        id=uuid.uuid4(),
        user_id=user_id,
        name=check_device_name(name),
        kind=kind,
        capabilities=check_capabilities(capabilities),
        last_seen_at=now,
    )
    async with repo.atomic():
        await repo.lock_user(user_id)
        if await repo.count_devices(user_id) >= MAX_DEVICES:
            raise DeviceLimitReached(MAX_DEVICES)
        await repo.add_device(device)
    return device


# Devices signed in with the device flow get an id derived from the sign-in, so a redelivered
# `device.signed_in` finds the device it already made.
_SIGNED_IN_DEVICES = uuid.UUID("5b0c4a3e-7d1f-4f4e-9a55-2a1d6f0c7e10")
# What a TV app signing in with the device flow can do until it says more (`registerDevice`).
SIGNED_IN_TV = Capabilities(remote_controllable=True)


async def register_signed_in_device(
    repo: PlaybackRepository, user_id: uuid.UUID, sign_in_id: str, name: str, now: datetime
) -> Device | None:
    """The TV that signed in (device authorization grant) as one of the user's devices; the
    existing one on a redelivery, None when the user already has the most devices allowed."""
    device_id = uuid.uuid5(_SIGNED_IN_DEVICES, sign_in_id)
    existing = (await repo.devices_by_ids([device_id])).get(device_id)
    if existing is not None:
        return existing
    device = Device(
        id=device_id,
        user_id=user_id,
        name=check_device_name(" ".join(name.split())[:MAX_NAME_LENGTH] or "TV"),
        kind=DeviceKind.TV,
        capabilities=SIGNED_IN_TV,
        last_seen_at=now,
    )
    async with repo.atomic():
        await repo.lock_user(user_id)
        if device_id in await repo.devices_by_ids([device_id]):
            return None  # another replica made it meanwhile
        if await repo.count_devices(user_id) >= MAX_DEVICES:
            return None
        await repo.add_device(device)
    return device


async def rename_device(
    repo: PlaybackRepository, user_id: uuid.UUID, device_id: uuid.UUID, name: str
) -> Device:
    device = (await own_device(repo, user_id, device_id)).renamed(name)
    await repo.save_device(device)
    return device


async def remove_device(
    repo: PlaybackRepository, user_id: uuid.UUID, device_id: uuid.UUID
) -> uuid.UUID:
    await own_device(repo, user_id, device_id)
    async with repo.atomic():
        await repo.remove_device(device_id)
    return device_id


async def start_playback(
    repo: PlaybackRepository,
    publisher: PlaybackPublisher,
    user_id: uuid.UUID,
    device_id: uuid.UUID,
    title_id: uuid.UUID,
    duration_seconds: int,
    position_seconds: int | None,
    now: datetime,
    *,
    facts: FactsRepository,
    control: ControlRepository,
    profile_id: uuid.UUID | None = None,
) -> PlaybackSession:
    """Start on a device with the best offer it can play; no position resumes where one left off.
    `profile_id` is the profile the token acts as: its parental limits hold.

    Offers and the user's region and platforms are playback's projection of content's and users'
    events (never their tables). A title the projection knows no offer for still starts, without
    an offer: the catalog may simply not have reached playback yet, and progress must not be lost.
    """
    device = await own_device(repo, user_id, device_id)
    await check_parental_limits(facts, user_id, profile_id, title_id)
    if position_seconds is None:
        position_seconds = await resume_position(control, user_id, title_id) or 0
    check_position(position_seconds, duration_seconds)
    viewer = (await facts.viewers_by_ids([user_id])).get(user_id) or ViewerFacts(user_id)
    offer = choose_offer(await facts.offers_for_title(title_id), viewer, device.capabilities)
    session = PlaybackSession(
        id=uuid.uuid4(),
        user_id=user_id,
        device_id=device.id,
        title_id=title_id,
        position_seconds=position_seconds,
        duration_seconds=duration_seconds,
        state=PlaybackState.PLAYING,
        updated_at=now,
        offer=offer,
    )
    async with repo.atomic():
        await repo.add_session(session)
        await control.save_resume_point(session)
        # Starting to play on a device is a sign of life.
        await repo.save_device(device.seen(now))
        await publisher.stage(PlaybackUpdated(session))
    await publisher.publish(PlaybackUpdated(session))
    return session


async def update_playback(
    repo: PlaybackRepository,
    publisher: PlaybackPublisher,
    user_id: uuid.UUID,
    session_id: uuid.UUID,
    position_seconds: int,
    state: PlaybackState,
    now: datetime,
    *,
    control: ControlRepository,
) -> PlaybackSession:
    session = await own_session(repo, user_id, session_id)
    check_position(position_seconds, session.duration_seconds)
    session = session.moved(position_seconds, state, now)
    async with repo.atomic():
        await repo.save_session(session)
        await control.save_resume_point(session)
        await publisher.stage(PlaybackUpdated(session))
    await publisher.publish(PlaybackUpdated(session))
    return session


async def resume_position(
    control: ControlRepository, user_id: uuid.UUID, title_id: uuid.UUID
) -> int | None:
    """Where the user left the title on any device; None when never begun or 95 % watched."""
    found = (await control.resume_points(user_id, [title_id])).get(title_id)
    if found is None:
        return None
    position, duration = found
    return None if position >= COMPLETED_FRACTION * duration else position


async def continue_watching(
    repo: PlaybackRepository,
    control: ControlRepository,
    user_id: uuid.UUID,
    offset: int,
    limit: int,
) -> tuple[list[PlaybackSession], int]:
    """The latest session of each title begun and not finished, most recent first."""
    ids, total = await control.continue_watching(user_id, offset, limit)
    found = await repo.sessions_by_ids(ids)
    return [found[i] for i in ids if i in found], total


async def list_sessions(
    repo: PlaybackRepository, user_id: uuid.UUID, offset: int, limit: int
) -> tuple[list[PlaybackSession], int]:
    return await repo.list_sessions(user_id, offset, limit)
