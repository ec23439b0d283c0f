"""Sessions and resume points: a Protocol the services use and its Tortoise implementation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

from tortoise.transactions import in_transaction

from subgraphs.common.vocabulary import OfferType
from subgraphs.playback.adapters.orm import PlaybackSessionRow, ResumePointRow
from subgraphs.playback.facts.domain.model import OfferFact
from subgraphs.playback.sessions.domain.model import PlaybackSession
from subgraphs.playback.sessions.domain.offers import ChosenOffer

__all__ = ["SessionRepository", "TortoiseSessionRepository", "session_from_row"]


class SessionRepository(Protocol):
    def atomic(self) -> AbstractAsyncContextManager[Any]:
        """A transaction: everything inside commits together or not at all."""
        ...

    async def sessions_by_ids(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, PlaybackSession]: ...

    async def list_sessions(
        self, user_id: uuid.UUID, offset: int, limit: int
    ) -> tuple[list[PlaybackSession], int]: ...

    async def add_session(self, session: PlaybackSession) -> None: ...

    async def save_session(self, session: PlaybackSession) -> None: ...

    async def move_session(self, session: PlaybackSession) -> None:
        """Hand-off: the session's device, position, state and offer change together."""
        ...

    async def save_resume_point(self, session: PlaybackSession) -> None: ...

    async def resume_points(
        self, user_id: uuid.UUID, title_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[int, int]]: ...

    async def continue_watching(
        self, user_id: uuid.UUID, offset: int, limit: int
    ) -> tuple[list[uuid.UUID], int]:
        """Session ids of titles begun and not finished (< 95 %), most recent first."""
        ...


def _offer_from_row(row: PlaybackSessionRow) -> ChosenOffer | None:
    if row.platform is None or row.offer_type is None or row.quality is None:
        return None
    return ChosenOffer(
        offer=OfferFact(
            title_id=row.title_id, platform=row.platform, region="", type=row.offer_type,
            price=row.price, currency=row.currency, deep_link=row.deep_link,
            web_url=row.web_url,
        ),
        quality=row.quality,
        included=row.offer_type is OfferType.SUBSCRIPTION,
    )


def session_from_row(row: PlaybackSessionRow) -> PlaybackSession:
    return PlaybackSession(
        id=row.id,
        user_id=row.user_id,
        device_id=row.device_id,  # type: ignore[attr-defined]
        title_id=row.title_id,
        position_seconds=row.position_seconds,
        duration_seconds=row.duration_seconds,
        state=row.state,
        updated_at=row.updated_at,
        offer=_offer_from_row(row),
    )


class TortoiseSessionRepository:
    """Every read is one query however many keys it gets."""

    def atomic(self) -> AbstractAsyncContextManager[Any]:
        return in_transaction()

    async def sessions_by_ids(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, PlaybackSession]:
        rows = await PlaybackSessionRow.filter(id__in=list(set(ids)))
        return {row.id: session_from_row(row) for row in rows}

    async def list_sessions(
        self, user_id: uuid.UUID, offset: int, limit: int
    ) -> tuple[list[PlaybackSession], int]:
        query = PlaybackSessionRow.filter(user_id=user_id)
        total = await query.count()
        rows = await query.order_by("-updated_at", "id").offset(offset).limit(limit)
        return [session_from_row(row) for row in rows], total

    async def add_session(self, session: PlaybackSession) -> None:
        chosen = session.offer
        offer = chosen.offer if chosen else None
        await PlaybackSessionRow.create(
            platform=offer.platform if offer else None,
            offer_type=offer.type if offer else None,
            quality=chosen.quality if chosen else None,
            price=offer.price if offer else None,
            currency=offer.currency if offer else None,
            deep_link=offer.deep_link if offer else None,
            web_url=offer.web_url if offer else None,
            id=session.id,
            user_id=session.user_id,
            device_id=session.device_id,
            title_id=session.title_id,
            position_seconds=session.position_seconds,
            duration_seconds=session.duration_seconds,
            state=session.state,
            updated_at=session.updated_at,
        )

    async def save_session(self, session: PlaybackSession) -> None:
        await PlaybackSessionRow.filter(id=session.id).update(
            position_seconds=session.position_seconds,
            state=session.state,
            updated_at=session.updated_at,
        )

    async def move_session(self, session: PlaybackSession) -> None:
        offer = session.offer
        await PlaybackSessionRow.filter(id=session.id).update(
            device_id=session.device_id, position_seconds=session.position_seconds,
            state=session.state, updated_at=session.updated_at,
            platform=offer.platform if offer else None,
            offer_type=offer.offer.type if offer else None,
            quality=offer.quality if offer else None,
            price=offer.offer.price if offer else None,
            currency=offer.offer.currency if offer else None,
            deep_link=offer.offer.deep_link if offer else None,
            web_url=offer.offer.web_url if offer else None,
        )

    async def save_resume_point(self, session: PlaybackSession) -> None:
        await ResumePointRow.bulk_create(
            [ResumePointRow(
                user_id=session.user_id, title_id=session.title_id, session_id=session.id,
                position_seconds=session.position_seconds,
                duration_seconds=session.duration_seconds,
                unfinished=session.position_seconds > 0
                and session.resume_position_seconds is not None,
                updated_at=session.updated_at,
            )],
            on_conflict=["user_id", "title_id"],
            update_fields=["session_id", "position_seconds", "duration_seconds", "unfinished",
                           "updated_at"],
        )

    async def resume_points(
        self, user_id: uuid.UUID, title_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[int, int]]:
        rows = await ResumePointRow.filter(user_id=user_id, title_id__in=list(set(title_ids)))
        return {row.title_id: (row.position_seconds, row.duration_seconds) for row in rows}

    async def continue_watching(
        self, user_id: uuid.UUID, offset: int, limit: int
    ) -> tuple[list[uuid.UUID], int]:
        query = ResumePointRow.filter(user_id=user_id, unfinished=True)
        total = await query.count()
        ids = await query.order_by("-updated_at", "id").offset(offset).limit(limit).values_list(
            "session_id", flat=True
        )
        return list(ids), total  # type: ignore[arg-type]
