"""Remote commands, presence flags, resume points and device quotas in playback's database."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from subgraphs.playback.adapters.orm import (
    DeviceRow,
    PlaybackSessionRow,
    RemoteCommandRow,
    ResumePointRow,
)
from subgraphs.playback.adapters.repository import device_from_row
from subgraphs.playback.domain.commands import CommandArgs, CommandKind, RemoteCommand
from subgraphs.playback.domain.model import Device, PlaybackSession

__all__ = [
    "ControlRepository",
    "TortoiseControlRepository",
    "command_from_json",
    "command_from_row",
    "command_json",
]


class ControlRepository(Protocol):
    async def add_command(self, command: RemoteCommand) -> None: ...

    async def commands_by_ids(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, RemoteCommand]: ...

    async def save_acknowledgement(self, command: RemoteCommand) -> bool:
        """Record the ack unless one is there already; True when this call recorded it."""
        ...

    async def mark_online(self, device_id: uuid.UUID, now: datetime) -> bool:
        """Heartbeat: last seen now; True when the device had been announced offline."""
        ...

    async def sweep_offline(self, cutoff: datetime) -> list[Device]:
        """Devices announced online whose last heartbeat is older than `cutoff`, now offline."""
        ...

    async def delete_commands_before(self, cutoff: datetime) -> int:
        """Forget commands issued before `cutoff` (long expired); how many went."""
        ...

    async def move_session(self, session: PlaybackSession) -> None: ...

    async def save_resume_point(self, session: PlaybackSession) -> None: ...

    async def resume_points(
        self, user_id: uuid.UUID, title_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[int, int]]: ...

    async def continue_watching(
        self, user_id: uuid.UUID, offset: int, limit: int
    ) -> tuple[list[uuid.UUID], int]:
        """Session ids of titles begun and not finished (< 95 %), most recent first."""
        ...


def _args_json(args: CommandArgs) -> dict[str, Any]:
    raw = {
        "position_seconds": args.position_seconds, "volume": args.volume, "muted": args.muted,
        "title_id": args.title_id, "session_id": args.session_id,
        "cast_target_id": args.cast_target_id,
    }
    return {k: (str(v) if isinstance(v, uuid.UUID) else v) for k, v in raw.items()
            if v is not None}


def _args_from_json(raw: dict[str, Any]) -> CommandArgs:
    def uid(name: str) -> uuid.UUID | None:
        return uuid.UUID(raw[name]) if raw.get(name) else None

    return CommandArgs(
        position_seconds=raw.get("position_seconds"), volume=raw.get("volume"),
        muted=raw.get("muted"), title_id=uid("title_id"), session_id=uid("session_id"),
        cast_target_id=uid("cast_target_id"),
    )


def command_json(command: RemoteCommand) -> dict[str, Any]:
    """The command as plain JSON, for the pub/sub channel."""
    return {
        "id": str(command.id), "user_id": str(command.user_id),
        "sender_id": str(command.sender_id) if command.sender_id else None,
        "target_id": str(command.target_id), "kind": command.kind.value,
        "args": _args_json(command.args), "issued_at": command.issued_at.isoformat(),
        "acknowledged_at": command.acknowledged_at.isoformat()
        if command.acknowledged_at else None,
    }


def command_from_json(raw: dict[str, Any]) -> RemoteCommand:
    acked = raw.get("acknowledged_at")
    return RemoteCommand(
        id=uuid.UUID(raw["id"]), user_id=uuid.UUID(raw["user_id"]),
        sender_id=uuid.UUID(raw["sender_id"]) if raw.get("sender_id") else None,
        target_id=uuid.UUID(raw["target_id"]), kind=CommandKind(raw["kind"]),
        args=_args_from_json(raw["args"]), issued_at=datetime.fromisoformat(raw["issued_at"]),
        acknowledged_at=datetime.fromisoformat(acked) if acked else None,
    )


def command_from_row(row: RemoteCommandRow) -> RemoteCommand:
    return RemoteCommand(
        id=row.id, user_id=row.user_id, sender_id=row.sender_id,
        target_id=row.target_id,  # type: ignore[attr-defined]
        kind=row.kind, args=_args_from_json(row.args), issued_at=row.issued_at,
        acknowledged_at=row.acknowledged_at,
    )


class TortoiseControlRepository:
    async def add_command(self, command: RemoteCommand) -> None:
        await RemoteCommandRow.create(
            id=command.id, user_id=command.user_id, sender_id=command.sender_id,
            target_id=command.target_id, kind=command.kind, args=_args_json(command.args),
            issued_at=command.issued_at, acknowledged_at=command.acknowledged_at,
        )

    async def commands_by_ids(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, RemoteCommand]:
        rows = await RemoteCommandRow.filter(id__in=list(set(ids)))
        return {row.id: command_from_row(row) for row in rows}

    async def save_acknowledgement(self, command: RemoteCommand) -> bool:
        updated = await RemoteCommandRow.filter(
            id=command.id, acknowledged_at__isnull=True
        ).update(acknowledged_at=command.acknowledged_at)
        return bool(updated)

    async def mark_online(self, device_id: uuid.UUID, now: datetime) -> bool:
        # The conditional update decides which request (or replica) announces the change.
        came_online = await DeviceRow.filter(id=device_id, announced_online=False).update(
            last_seen_at=now, announced_online=True
        )
        if not came_online:
            await DeviceRow.filter(id=device_id).update(last_seen_at=now)
        return bool(came_online)

    async def sweep_offline(self, cutoff: datetime) -> list[Device]:
        stale = await DeviceRow.filter(announced_online=True, last_seen_at__lt=cutoff)
        gone = []
        for row in stale:
            # Only the sweeper that flips the flag announces it; a heartbeat in between wins.
            if await DeviceRow.filter(
                id=row.id, announced_online=True, last_seen_at__lt=cutoff
            ).update(announced_online=False):
                gone.append(device_from_row(row))
        return gone

    async def delete_commands_before(self, cutoff: datetime) -> int:
        return await RemoteCommandRow.filter(issued_at__lt=cutoff).delete()

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
