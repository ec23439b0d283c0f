"""Playback's domain events, published after the change they describe is committed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from subgraphs.common import contracts
from subgraphs.playback.sessions.domain.model import PlaybackSession

__all__ = ["PlaybackUpdated"]


@dataclass(frozen=True)
class PlaybackUpdated:
    """A session started or moved (`playback.updated`)."""

    session: PlaybackSession

    TYPE = contracts.PLAYBACK_UPDATED.name

    def payload(self) -> dict[str, Any]:
        s = self.session
        return {
            "session_id": str(s.id),
            "user_id": str(s.user_id),
            "device_id": str(s.device_id),
            "title_id": str(s.title_id),
            "position_seconds": s.position_seconds,
            "duration_seconds": s.duration_seconds,
            "state": s.state.value,
            "at": s.updated_at.isoformat(),
            "offer": _offer_payload(s),
        }


def _offer_payload(session: PlaybackSession) -> dict[str, Any] | None:
    chosen = session.offer
    if chosen is None:
        return None
    offer = chosen.offer
    return {
        "platform": offer.platform, "type": offer.type.value, "quality": chosen.quality.value,
        "price": str(offer.price) if offer.price is not None else None,
        "currency": offer.currency, "deep_link": offer.deep_link, "web_url": offer.web_url,
        "included": chosen.included,
    }
