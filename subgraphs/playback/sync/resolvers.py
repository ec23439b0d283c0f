"""Sync root fields: typed operations and raw updates in, `syncUpdates` out.

Named `sync…` so they sit beside the users subgraph's own `addToWatchlist` in the supergraph.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from typing import Any

import strawberry
from strawberry.types import Info

from subgraphs.common.errors import BadInput, DomainError, Forbidden
from subgraphs.common.ids import parse_id
from subgraphs.common.sign_in_watch import SignInEnded, within_sign_in
from subgraphs.playback.context import Context
from subgraphs.playback.live.subscriptions import coded
from subgraphs.playback.sync.messages import decode_b64
from subgraphs.playback.sync.types import SyncPayload

__all__ = ["SyncMutation", "SyncSubscription"]

_DEVICE_ID_LIMIT = 64


def _device(device_id: str) -> str:
    text = str(device_id)
    if not 0 < len(text) <= _DEVICE_ID_LIMIT or not all(c.isalnum() or c in "_.:-" for c in text):
        raise BadInput(
            f"A device id has 1 to {_DEVICE_ID_LIMIT} letters, digits or `_.:-`.",
            field="deviceId",
        )
    return text


@strawberry.type
class SyncMutation:
    @strawberry.mutation(description="Apply a device's pycrdt update (base64, at most 64 KiB) to "
                         "the user's sync document; refused whole if it is not a valid one.")
    async def sync_apply_update(
        self, info: Info[Context, None], user_id: strawberry.ID, device_id: strawberry.ID,
        update: str,
    ) -> SyncPayload:
        viewer = info.context.viewer.require_user()
        if parse_id(user_id, "user id") != viewer:
            raise Forbidden("You can only change your own sync document.", reason="OTHER_USER")
        message = await info.context.sync.apply_update(
            viewer, _device(device_id), decode_b64(update, "update")
        )
        return SyncPayload.from_message(message)

    @strawberry.mutation(description="Add a title to the synced watchlist (wins over removes "
                         "made concurrently elsewhere).")
    async def sync_add_to_watchlist(
        self, info: Info[Context, None], device_id: strawberry.ID, title_id: strawberry.ID
    ) -> SyncPayload:
        user = info.context.viewer.require_user()
        message = await info.context.sync.add_to_watchlist(
            user, _device(device_id), parse_id(title_id, "title id")
        )
        return SyncPayload.from_message(message)

    @strawberry.mutation(description="Remove a title from the synced watchlist.")
    async def sync_remove_from_watchlist(
        self, info: Info[Context, None], device_id: strawberry.ID, title_id: strawberry.ID
    ) -> SyncPayload:
        user = info.context.viewer.require_user()
        message = await info.context.sync.remove_from_watchlist(
            user, _device(device_id), parse_id(title_id, "title id")
        )
        return SyncPayload.from_message(message)

    @strawberry.mutation(description="Where this device is in a title; completed past 95 %.")
    async def sync_report_progress(
        self, info: Info[Context, None], device_id: strawberry.ID, title_id: strawberry.ID,
        position_seconds: int, duration_seconds: int,
    ) -> SyncPayload:
        user = info.context.viewer.require_user()
        message = await info.context.sync.report_progress(
            user, _device(device_id), parse_id(title_id, "title id"), position_seconds,
            duration_seconds,
        )
        return SyncPayload.from_message(message)

    @strawberry.mutation(description="Set a synced preference (last writer wins by clock).")
    async def sync_set_preference(
        self, info: Info[Context, None], device_id: strawberry.ID, name: str, value: str
    ) -> SyncPayload:
        user = info.context.viewer.require_user()
        message = await info.context.sync.set_preference(user, _device(device_id), name, value)
        return SyncPayload.from_message(message)


@strawberry.type
class SyncSubscription:
    @strawberry.subscription(description="First what a device at `stateVector` (base64; none: "
                             "a new device) has not seen, then every change as it happens. "
                             "Ends when the token expires or its sign-in is revoked.")
    async def sync_updates(
        self, info: Info[Context, None], state_vector: str | None = None
    ) -> AsyncGenerator[SyncPayload, None]:
        ctx = info.context
        viewer = ctx.viewer
        try:
            user = viewer.require_user()
            vector = decode_b64(state_vector, "state vector") if state_vector else None
        except DomainError as error:
            raise coded(error) from None
        # Not `lasting`: the hub must listen before the catch-up is read, so nothing written
        # in between is missed.
        try:
            slot = ctx.subscriptions.slot(user)
            await slot.__aenter__()
        except DomainError as error:
            raise coded(error) from None
        try:
            with ctx.sign_ins.watching(viewer) as watched:
                async with ctx.sync_hub.listen(user, decode=_delivered) as queue:
                    try:
                        first = await ctx.sync.catch_up(user, vector)
                    except DomainError as error:
                        raise coded(error) from None
                    yield SyncPayload.from_message(first)
                    seen = first.id
                    while True:
                        try:
                            message_id, payload = await within_sign_in(
                                queue.get(), viewer.expires_at, watched)
                        except SignInEnded as ended:
                            raise coded(ended) from None
                        if message_id <= seen:
                            continue  # already in the catch-up
                        seen = message_id
                        yield payload
        finally:
            await slot.__aexit__(None, None, None)


def _delivered(message: Mapping[str, Any]) -> tuple[int, SyncPayload]:
    """Built once per change by the hub and shared by all the user's sockets here."""
    return int(message["id"]), SyncPayload.from_json(message)
