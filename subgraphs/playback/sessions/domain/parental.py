"""A profile's parental limits at the moment it starts something: playback, a remote `LOAD`,
a hand-off. Search and recommendations hide what a profile may not watch; this keeps a
child's token from playing it anyway by its id."""

from __future__ import annotations

import uuid

from subgraphs.common.errors import Forbidden
from subgraphs.common.parental import ProfileLimits
from subgraphs.playback.facts.domain.model import TitleFact

__all__ = ["TitleNotAllowed", "check_allowed"]


class TitleNotAllowed(Forbidden):
    def __init__(self, title_id: uuid.UUID) -> None:
        super().__init__(f"Title {title_id} is outside this profile's parental limits.",
                         id=title_id, reason="PARENTAL_LIMIT")


def check_allowed(limits: ProfileLimits | None, title_id: uuid.UUID,
                  title: TitleFact | None) -> None:
    """Raises TitleNotAllowed unless the limits let the title play. A title playback has not
    heard of cannot be shown to be suitable, so a limited profile may not start it."""
    if limits is None or not limits.restricts:
        return
    if title is None or not limits.allows(title.genres, title.age_rating):
        raise TitleNotAllowed(title_id)
