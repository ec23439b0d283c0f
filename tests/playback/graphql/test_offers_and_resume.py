"""Playback picks offers from the facts other subgraphs publish; resume and continue watching;
titles on the watchlist becoming available."""

from __future__ import annotations

import uuid

from redis import Redis

from tests.playback.graphql.remote_support import (
    device,
    device_events,
    next_event,
    publish,
    wait_for_projections,
)
from tests.support.inprocess import SubgraphClient

START = """
mutation($input: StartPlaybackInput!) { startPlayback(input: $input) {
  id positionSeconds resumePositionSeconds
  offer { platform type quality price currency includedInSubscription deepLink webUrl } } }
"""
WATCHING = """
query($u: ID!, $t: ID!, $first: Int, $after: String) {
  _entities(representations: [{__typename: "User", id: $u}]) { ... on User {
    resumePosition(titleId: $t)
    continueWatching(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { title { id } positionSeconds } }
    } } } }
"""
AVAILABILITY = "subscription { watchlistAvailability { title { id } platform region offerType } }"


def _offer(platform: str, kind: str, region: str = "US", price: str | None = None,
           quality: str = "hdr") -> dict:
    return {"platform": platform, "region": region, "type": kind, "quality": quality,
            "price": price, "currency": "USD" if price else None,
            "deep_link": f"{platform}://title/1", "web_url": f"https://{platform}.example/1"}


def _start(client: SubgraphClient, user: uuid.UUID, device_id: str, title: str,
           position: int | None = None, duration: int = 1_000) -> dict:
    variables = {"deviceId": device_id, "titleId": title, "durationSeconds": duration}
    if position is not None:
        variables["positionSeconds"] = position
    result = client.execute(START, {"input": variables}, user_id=user)
    assert "errors" not in result, result
    return result["data"]["startPlayback"]


def test_start_picks_the_offer_from_published_facts_in_the_quality_the_device_shows(
    playback: SubgraphClient, redis: Redis
) -> None:
    user, title = uuid.uuid4(), str(uuid.uuid4())
    publish(redis, "title.upserted", {"title_id": title, "title": "Heat", "offers": [
        _offer("netflix", "subscription"), _offer("youtube", "free", quality="sd"),
        _offer("apple_tv_plus", "rent", price="3.99"), _offer("max", "subscription", "DE"),
    ]})
    publish(redis, "user.registered", {"user_id": str(user), "home_region": "US",
                                       "subscribed_platforms": ["netflix"]})
    wait_for_projections(redis, ["title.upserted", "user.registered"])
    tv = device(playback, user, "TV")
    phone = device(playback, user, "Phone", kind="PHONE", resolution="HD")

    on_tv = _start(playback, user, tv, title)["offer"]
    assert on_tv == {"platform": "netflix", "type": "SUBSCRIPTION", "quality": "HDR",
                     "price": None, "currency": None, "includedInSubscription": True,
                     "deepLink": "netflix://title/1", "webUrl": "https://netflix.example/1"}
    assert _start(playback, user, phone, title)["offer"]["quality"] == "HD"

    # The user drops Netflix: free comes next, then the cheapest rental.
    publish(redis, "user.updated", {"user_id": str(user), "home_region": "US",
                                    "subscribed_platforms": []})
    wait_for_projections(redis, ["user.updated"])
    free = _start(playback, user, tv, title)["offer"]
    assert (free["platform"], free["type"], free["quality"]) == ("youtube", "FREE", "SD")
    publish(redis, "availability.changed", {"title_id": title, "platform": "youtube",
                                            "region": "US", "offer_type": "free",
                                            "available": False})
    wait_for_projections(redis, ["availability.changed"])
    rent = _start(playback, user, tv, title)["offer"]
    assert (rent["platform"], rent["type"], rent["price"], rent["currency"]) == (
        "apple_tv_plus", "RENT", "3.99", "USD")
    # A title playback has no offers for still starts (its progress matters), without one.
    assert _start(playback, user, tv, str(uuid.uuid4()))["offer"] is None


def test_resume_position_and_continue_watching(playback: SubgraphClient) -> None:
    user = uuid.uuid4()
    tv = device(playback, user, "TV")
    phone = device(playback, user, "Phone", kind="PHONE")
    begun, finished, later = (str(uuid.uuid4()) for _ in range(3))
    _start(playback, user, tv, begun, position=300)
    _start(playback, user, tv, finished, position=960)  # 96 %: watched
    _start(playback, user, phone, later, position=10)

    def watching(title: str, **page: object) -> dict:
        result = playback.execute(WATCHING, {"u": str(user), "t": title, **page}, user_id=user)
        assert "errors" not in result, result
        return result["data"]["_entities"][0]

    first = watching(begun, first=1)
    assert first["resumePosition"] == 300
    assert first["continueWatching"]["totalCount"] == 2
    assert [e["node"]["title"]["id"] for e in first["continueWatching"]["edges"]] == [later]
    rest = watching(begun, first=1, after=first["continueWatching"]["pageInfo"]["endCursor"])
    assert [e["node"]["title"]["id"] for e in rest["continueWatching"]["edges"]] == [begun]
    assert watching(finished)["resumePosition"] is None

    # Starting without a position resumes, on any device; a finished title starts over.
    assert _start(playback, user, phone, begun)["positionSeconds"] == 300
    assert _start(playback, user, phone, finished)["positionSeconds"] == 0
    other = uuid.uuid4()
    denied = playback.execute(WATCHING, {"u": str(user), "t": begun}, user_id=other)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_a_watchlisted_title_available_on_my_platform_at_home_is_announced(
    playback: SubgraphClient, redis: Redis
) -> None:
    user, wanted, unwanted = uuid.uuid4(), str(uuid.uuid4()), str(uuid.uuid4())
    publish(redis, "user.registered", {"user_id": str(user), "home_region": "GB",
                                       "subscribed_platforms": ["netflix", "bbc_iplayer"]})
    for title in (wanted, unwanted):
        publish(redis, "watchlist.changed", {"user_id": str(user), "title_id": title,
                                             "action": "added", "at": "2024-01-01T00:00:00+00:00"})
    publish(redis, "watchlist.changed", {"user_id": str(user), "title_id": unwanted,
                                         "action": "removed", "at": "2024-01-02T00:00:00+00:00"})
    wait_for_projections(redis, ["user.registered", "watchlist.changed"])
    tv = device(playback, user, "TV")

    def change(title: str, platform: str, region: str = "GB", available: bool = True) -> None:
        publish(redis, "availability.changed", {"title_id": title, "platform": platform,
                                                "region": region, "offer_type": "subscription",
                                                "available": available})

    with device_events(playback, redis, user, tv, AVAILABILITY, {}) as socket:
        change(wanted, "netflix", region="US")  # not where I live
        change(wanted, "max")  # not my platform
        change(unwanted, "netflix")  # no longer on my watchlist
        change(wanted, "netflix", available=False)  # gone, not arrived
        change(wanted, "bbc_iplayer")
        heard = next_event(socket, "watchlistAvailability")
        assert heard == {"title": {"id": wanted}, "platform": "bbc_iplayer", "region": "GB",
                         "offerType": "SUBSCRIPTION"}

