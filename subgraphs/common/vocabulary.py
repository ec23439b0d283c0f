"""Words every subgraph uses the same way: they cross in events and meet in the supergraph.

Content publishes offers with these values and playback chooses among them; one definition keeps
the two enums identical, which composition requires of an enum both subgraphs expose.
"""

from __future__ import annotations

import enum

__all__ = ["OfferType", "VideoQuality"]


class OfferType(enum.StrEnum):
    SUBSCRIPTION = "subscription"
    FREE = "free"
    ADS = "ads"
    RENT = "rent"
    BUY = "buy"


class VideoQuality(enum.StrEnum):
    SD = "sd"
    HD = "hd"
    UHD = "uhd"
    HDR = "hdr"
