"""Remote commands in playback's database, and as the JSON the device channel carries."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from subgraphs.playback.adapters.orm import RemoteCommandRow
from subgraphs.playback.remote.domain.commands import CommandArgs, CommandKind, RemoteCommand

__all__ = [
    "CommandRepository",
    "TortoiseCommandRepository",
    "command_from_json",
    "command_from_row",
    "command_json",
]


class CommandRepository(Protocol):
    async def add_command(self, command: RemoteCommand) -> None: ...

    async def commands_by_ids(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, RemoteCommand]: ...

    async def save_acknowledgement(self, command: RemoteCommand) -> bool:
        """Record the ack unless one is there already; True when this call recorded it."""
        ...

    async def delete_commands_before(self, cutoff: datetime) -> int:
        """Forget commands issued before `cutoff` (long expired); how many went."""
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


class TortoiseCommandRepository:
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

    async def delete_commands_before(self, cutoff: datetime) -> int:
        return await RemoteCommandRow.filter(issued_at__lt=cutoff).delete()
