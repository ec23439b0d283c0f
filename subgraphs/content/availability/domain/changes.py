"""Which offer changes a title's new offers make against its old ones."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from subgraphs.content.availability.domain.model import ChangeKind, OfferChange, OfferState

__all__ = ["diff_offers", "is_price_drop"]


def is_price_drop(old: Decimal | None, new: Decimal | None) -> bool:
    """A known price that went down; a price that appears or goes (free <-> paid) is not one."""
    return old is not None and new is not None and new < old


def diff_offers(
    title_id: uuid.UUID, before: Iterable[OfferState], after: Iterable[OfferState], now: datetime
) -> list[OfferChange]:
    """Appeared, left and price-changed offers, in key order.

    An offer appears when the feed says it started (`available_from`) if it says so, else when
    it is first seen: a catalog loaded today of films streaming for years is not all new today.
    Leaving and price changes are dated when they are seen. A price change in another currency
    is a new price, not a drop: it is recorded with the old price left out.
    """
    old = {state.key: state for state in before}
    new = {state.key: state for state in after}
    changes: list[OfferChange] = []
    for key in sorted(old.keys() | new.keys()):
        was, now_is = old.get(key), new.get(key)
        if was is None and now_is is not None:
            changes.append(_change(title_id, now_is, ChangeKind.APPEARED,
                                   now_is.available_from or now, None, now_is.price))
        elif now_is is None and was is not None:
            changes.append(_change(title_id, was, ChangeKind.LEFT, now, was.price, None))
        elif was is not None and now_is is not None and was.price != now_is.price:
            same_currency = was.currency == now_is.currency
            old_price = was.price if same_currency else None
            kind = (ChangeKind.PRICE_DROPPED if is_price_drop(old_price, now_is.price)
                    else ChangeKind.PRICE_CHANGED)
            changes.append(_change(title_id, now_is, kind, now, old_price, now_is.price))
    return changes


def _change(title_id: uuid.UUID, state: OfferState, kind: ChangeKind, at: datetime,
            old_price: Decimal | None, new_price: Decimal | None) -> OfferChange:
    return OfferChange(title_id=title_id, platform=state.platform, region=state.region,
                       type=state.type, quality=state.quality, kind=kind, at=at,
                       old_price=old_price, new_price=new_price, currency=state.currency)
