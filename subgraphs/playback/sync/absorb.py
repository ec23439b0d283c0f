"""Facts from the users subgraph into users' sync documents: `watchlist.changed` adds or
removes a title when the document shows otherwise, `viewing.recorded` writes progress (node
`users`) when newer than the document's."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from pycrdt import merge_updates

from subgraphs.common import contracts
from subgraphs.common.events import Event
from subgraphs.playback.sync.documents import USERS_ORIGIN, SyncDocuments
from subgraphs.playback.sync.domain.changes import Change, Touched
from subgraphs.playback.sync.domain.doc import SyncDoc
from subgraphs.playback.sync.domain.hlc import Hlc

__all__ = ["absorb_user_events"]


async def absorb_user_events(documents: SyncDocuments, events: Iterable[Event]) -> None:
    """`watchlist.changed` and `viewing.recorded` into the users' documents, idempotently.

    Events the users subgraph published because of a sync change (origin "sync") are
    already in the document: taking them again would echo.
    """
    by_user: dict[uuid.UUID, list[Event]] = {}
    for event in events:
        payload = event.payload
        if payload.get("origin") == "sync":
            continue
        try:
            by_user.setdefault(uuid.UUID(str(payload["user_id"])), []).append(event)
        except (KeyError, ValueError):
            continue
    for user_id, user_events in by_user.items():
        await documents.write(
            user_id, USERS_ORIGIN, lambda doc, evs=user_events: _absorb(doc, evs),
            origin=USERS_ORIGIN,
        )


def _event_stamp(event: Event) -> Hlc:
    at = str(event.payload.get("at") or event.payload.get("occurred_at") or event.occurred_at)
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        moment = datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return Hlc(int(moment.timestamp() * 1000), 0, USERS_ORIGIN)


def _absorb(doc: SyncDoc, events: list[Event]) -> Change:
    """Apply users' facts the document does not show yet; one update for the batch.

    The view is read once and kept up to date here: reading it per event made a user's
    seeded history (a hundred viewings) quadratic.
    """
    view = doc.view()
    listed = set(view.watchlist)
    latest = {title: progress.hlc for title, progress in view.progress.items()}
    updates: list[bytes] = []
    touched = Touched()
    for event in events:
        payload = event.payload
        try:
            title = str(uuid.UUID(str(payload["title_id"])))
        except (KeyError, ValueError):
            continue
        stamp = _event_stamp(event)
        change: Change | None = None
        if event.type == contracts.WATCHLIST_CHANGED.name:
            if payload.get("action") == "added" and title not in listed:
                tag = f"u{uuid.UUID(event.id).hex}" if _is_uuid(event.id) else None
                change = doc.add_to_watchlist(title, stamp, tag=tag)
                listed.add(title)
            elif payload.get("action") == "removed" and title in listed:
                change = doc.remove_from_watchlist(title, stamp)
                listed.discard(title)
        elif (event.type == contracts.VIEWING_RECORDED.name
              and (title not in latest or latest[title] < stamp)):
            fraction = min(1.0, max(0.0, float(payload.get("progress") or 0.0)))
            if payload.get("completed"):
                fraction = 1.0
            change = doc.report_progress(title, round(fraction * 10_000), 10_000, stamp)
            latest[title] = stamp
        if change is not None:
            updates.append(change.update)
            touched.merge(change.touched)
    return Change(merge_updates(*updates) if updates else b"", touched, view)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
