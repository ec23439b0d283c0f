"""Demo data for the recommendations subgraph: nothing to write, by design."""

from __future__ import annotations

from mediagateway.movielens import MovieLens
from subgraphs.common.events import EventBus

__all__ = ["seed"]


async def seed(data: MovieLens, bus: EventBus) -> bool:
    """Write nothing and return False.

    This subgraph owns only projections of other subgraphs' facts: titles arrive as
    `title.upserted` from content, ratings as `viewing.recorded` and signup genres as
    `user.registered` from users. Their seeds publish those events, and the app's consumers
    absorb them, exactly as at run time; writing the same rows here would bypass that path and
    count every rating twice once the events arrive.
    """
    del data, bus
    return False
