"""Through the real router: viewings written at once by many clients (which the users subgraph
commits together) are each stored once and published once, with their own ids."""

from __future__ import annotations

import asyncio

import httpx
import redis

from mediagateway.movielens import MovieLens
from mediagateway.stack import Stack
from subgraphs.common.events import Event
from tests.support.stack import Router

RECORD = "mutation($t: ID!) { recordViewing(input: {titleId: $t, progress: 0.3}) { id } }"
HISTORY = "{ me { viewingHistory(first: 100) { totalCount edges { node { id } } } } }"
WRITES = 40


def test_concurrent_viewings_are_each_stored_and_published_once(stack: Stack,
                                                                router: Router) -> None:
    data = MovieLens()
    user = data.users[7]
    token = router.login(user.email)
    auth = {"authorization": f"Bearer {token}"}
    before = router.execute(HISTORY, token=token)["data"]["me"]["viewingHistory"]["totalCount"]
    # No crime titles: the sorts' trending test checks their order against the seeded history.
    titles = [str(item.id) for item in data.items if "crime" not in item.genres][100:100 + WRITES]
    client = redis.Redis.from_url(stack.env["REDIS_URL"])
    last = client.xrevrange("viewing.recorded", count=1)
    since = f"({last[0][0].decode()}" if last else "-"

    async def write_all() -> list[str]:
        async with httpx.AsyncClient(timeout=60) as http:
            answers = await asyncio.gather(*(
                http.post(stack.router_url, json={"query": RECORD, "variables": {"t": t}},
                          headers=auth) for t in titles))
        ids = []
        for answer in answers:
            body = answer.json()
            assert "errors" not in body, body
            ids.append(body["data"]["recordViewing"]["id"])
        return ids

    ids = asyncio.run(write_all())
    assert len(set(ids)) == WRITES

    history = router.execute(HISTORY, token=token)["data"]["me"]["viewingHistory"]
    assert history["totalCount"] == before + WRITES
    assert set(ids) <= {edge["node"]["id"] for edge in history["edges"]}

    published = [Event.decode(fields) for _, fields in client.xrange("viewing.recorded", since)]
    mine = [e.payload["event_id"] for e in published if e.payload["user_id"] == str(user.id)]
    assert sorted(mine) == sorted(ids), "each viewing published exactly once"
