"""Playback session use cases: plain async functions over the repositories, raising domain
errors.

Writes stage their events in the outbox inside the transaction and publish them only after it
commits, so no one hears of a change that was rolled back.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from subgraphs.playback.devices.adapters.repository import DeviceRepository
from subgraphs.playback.devices.services import own_device
from subgraphs.playback.facts.adapters.repository import FactsRepository
from subgraphs.playback.facts.domain.model import ViewerFacts
from subgraphs.playback.sessions.adapters.publisher import PlaybackPublisher
from subgraphs.playback.sessions.adapters.repository import SessionRepository
from subgraphs.playback.sessions.domain.errors import SessionNotFound
from subgraphs.playback.sessions.domain.events import PlaybackUpdated
from subgraphs.playback.sessions.domain.model import (
    COMPLETED_FRACTION,
    PlaybackSession,
    PlaybackState,
    check_position,
)
from subgraphs.playback.sessions.domain.offers import choose_offer
from subgraphs.playback.sessions.domain.parental import check_allowed

__all__ = [
    "check_parental_limits",
    "continue_watching",
    "list_sessions",
    "own_session",
    "resume_position",
    "start_playback",
    "update_playback",
]


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
    sessions: SessionRepository, user_id: uuid.UUID, session_id: uuid.UUID
) -> PlaybackSession:
    """The caller's session, else NOT_FOUND (another user's included, as for devices)."""
    session = (await sessions.sessions_by_ids([session_id])).get(session_id)
    if session is None or session.user_id != user_id:
        raise SessionNotFound(session_id)
    return session


async def start_playback(
    devices: DeviceRepository,
    sessions: SessionRepository,
    publisher: PlaybackPublisher,
    user_id: uuid.UUID,
    device_id: uuid.UUID,
    title_id: uuid.UUID,
    duration_seconds: int,
    position_seconds: int | None,
    now: datetime,
    *,
    facts: FactsRepository,
    profile_id: uuid.UUID | None = None,
) -> PlaybackSession:
    """Start on a device with the best offer it can play; no position resumes where one left off.
    `profile_id` is the profile the token acts as: its parental limits hold.

    Offers and the user's region and platforms are playback's projection of content's and users'
    events (never their tables). A title the projection knows no offer for still starts, without
    an offer: the catalog may simply not have reached playback yet, and progress must not be lost.
    """
    device = await own_device(devices, user_id, device_id)
    await check_parental_limits(facts, user_id, profile_id, title_id)
    if position_seconds is None:
        position_seconds = await resume_position(sessions, user_id, title_id) or 0
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
    async with sessions.atomic():
        await sessions.add_session(session)
        await sessions.save_resume_point(session)
        # Starting to play on a device is a sign of life.
        await devices.save_device(device.seen(now))
        await publisher.stage(PlaybackUpdated(session))
    await publisher.publish(PlaybackUpdated(session))
    return session


async def update_playback(
    sessions: SessionRepository,
    publisher: PlaybackPublisher,
    user_id: uuid.UUID,
    session_id: uuid.UUID,
    position_seconds: int,
    state: PlaybackState,
    now: datetime,
) -> PlaybackSession:
    session = await own_session(sessions, user_id, session_id)
    check_position(position_seconds, session.duration_seconds)
    session = session.moved(position_seconds, state, now)
    async with sessions.atomic():
        await sessions.save_session(session)
        await sessions.save_resume_point(session)
        await publisher.stage(PlaybackUpdated(session))
    await publisher.publish(PlaybackUpdated(session))
    return session


async def resume_position(
    sessions: SessionRepository, user_id: uuid.UUID, title_id: uuid.UUID
) -> int | None:
    """Where the user left the title on any device; None when never begun or 95 % watched."""
    found = (await sessions.resume_points(user_id, [title_id])).get(title_id)
    if found is None:
        return None
    position, duration = found
    return None if position >= COMPLETED_FRACTION * duration else position


async def continue_watching(
    sessions: SessionRepository, user_id: uuid.UUID, offset: int, limit: int
) -> tuple[list[PlaybackSession], int]:
    """The latest session of each title begun and not finished, most recent first."""
    ids, total = await sessions.continue_watching(user_id, offset, limit)
    found = await sessions.sessions_by_ids(ids)
    return [found[i] for i in ids if i in found], total


async def list_sessions(
    sessions: SessionRepository, user_id: uuid.UUID, offset: int, limit: int
) -> tuple[list[PlaybackSession], int]:
    return await sessions.list_sessions(user_id, offset, limit)
