"""Account deletion's two streams (see `subgraphs.common.erasure` for the protocol)."""

from __future__ import annotations

import uuid
from typing import Literal

from subgraphs.common.contracts.base import Payload, StreamContract

__all__ = ["ERASERS", "USER_DELETED", "USER_ERASED", "Eraser", "UserDeleted", "UserErased"]

# The subgraphs that hold data of a user besides users itself, each answering `user.erased`.
ERASERS = ("content", "recommendations", "playback")
Eraser = Literal["content", "recommendations", "playback"]


class UserDeleted(Payload):
    """An account deleted: every other subgraph erases what it holds of the user."""

    user_id: uuid.UUID


class UserErased(Payload):
    """One subgraph's confirmation that it erased the user."""

    user_id: uuid.UUID
    subgraph: Eraser


USER_DELETED = StreamContract(
    "user.deleted", 1, "users",
    "An account deleted (through users' outbox); its id is derived from the user's.",
    UserDeleted)
USER_ERASED = StreamContract(
    "user.erased", 1, "content, recommendations, playback",
    "A subgraph erased a deleted user's data; users counts the answers until every eraser's "
    "is in.", UserErased)
