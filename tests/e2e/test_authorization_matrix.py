"""The authorization matrix, walked from the committed supergraph so it grows with it: every field
that returns or changes user data, called anonymously and as user A with user B's ids through
the real router, and nothing of B's leaks, every refusal is coded, B's data is the same after.

Transports: queries and mutations over HTTP POST, GET (with the CSRF header), SSE (the gateway
serves `Accept: text/event-stream` on /graphql) and graphql-transport-ws (the token in
connection_init); the router refuses mutations over GET and websockets (BAD_REQUEST), which is
asserted too. Subscriptions over SSE and websockets: refused anonymously and with B's device,
and while A listens to all of them, B's devices, playback and sync change and A hears none of it.

"Leaks" means: none of B's ids, email or names in `data`, and none in an error that the caller
did not send itself (an error may name the id it refuses).

A root field the tables below do not classify, a reachable type neither public nor user data, a
user-data field with arguments not in NESTED: the schema test fails, so a new field is added to
the matrix (and called) before it ships.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from graphql import GraphQLSchema, get_named_type, is_leaf_type

from mediagateway.movielens import MovieLens
from mediagateway.stack import Stack
from subgraphs.users.oauth.demo_clients import DEMO_TV_CLIENT
from tests.support.authorization import (
    ALLOWED_CODES,
    Answer,
    Operation,
    Socket,
    arguments_with_ids,
    build_operation,
    codes,
    entity_types,
    execute,
    leaked,
    load_supergraph,
    reachable_types,
    roots,
    sse_stream,
    value_at,
    ws_stream,
)
from tests.support.device_flow import start_on_tv
from tests.support.stack import Router

# Accounts no other test signs in as: B's data is set up here, A tries to reach it.
A_USER, B_USER = MovieLens().users[40], MovieLens().users[41]
WRONG_PASSWORD = "not-the-password-0"
# An empty pycrdt update: valid, and changes nothing (even where it is accepted).
EMPTY_UPDATE = base64.b64encode(b"\x00\x00").decode()
HTTP_ONLY = frozenset({"http"})
TRANSPORTS = ("http", "get", "sse", "ws")
# A GET may not mutate, nor a websocket (its upgrade is a GET): the router refuses every mutation
# over them, BAD_REQUEST, before a subgraph sees it. Should it ever serve them, this test says so.
NOT_MUTATING = {"get": "BAD_REQUEST", "ws": "BAD_REQUEST"}


@dataclass
class Party:
    """One user and the ids of what the test gave them."""

    token: str
    id: str
    email: str
    display_name: str
    profile: str  # the household's first profile
    tv: str  # registered here, heartbeating, remote-controllable
    tv_name: str
    seeded_devices: list[str]
    session: str  # on `tv`
    session_title: str
    extra_profile: str = ""  # B: a kid profile added here
    extra_profile_name: str = ""
    watch_title: str = ""  # B: added to the watchlist here
    command: str = ""  # B: sent to `tv`
    user_code: str = ""  # B: a TV's device-flow code that B approved

    def secrets(self) -> dict[str, str]:
        """Whatever would show that this user's data reached someone else."""
        named = {
            "user id": self.id, "email": self.email, "display name": self.display_name,
            "profile": self.profile, "tv": self.tv, "tv name": self.tv_name,
            "session": self.session, "kid profile": self.extra_profile,
            "kid profile name": self.extra_profile_name, "command": self.command,
            "device code": self.user_code,
        }
        named.update({f"seeded device {i}": d for i, d in enumerate(self.seeded_devices)})
        return {name: value for name, value in named.items() if value}


@dataclass(frozen=True)
class Case:
    """How to call a field as A, with B's ids where it takes any.

    foreign: the call names B's things, so A must get nothing (the value is null, and any
    error has a code of `refusals`); otherwise A acts on A's own data and must succeed.
    """

    args: Callable[[Party, Party, World], dict[str, Any]]
    foreign: bool = True
    refusals: frozenset[str] = frozenset({"FORBIDDEN", "NOT_FOUND"})
    reason: str | None = None  # extensions.reason the refusal must give
    transports: frozenset[str] | None = None


def _foreign(args: Callable[[Party, Party, World], dict[str, Any]], *codes_: str,
             reason: str | None = None, transports: frozenset[str] | None = None) -> Case:
    refusals = frozenset(codes_) if codes_ else frozenset({"FORBIDDEN", "NOT_FOUND"})
    return Case(args, True, refusals, reason, transports)


def _own(args: Callable[[Party, Party, World], dict[str, Any]]) -> Case:
    return Case(args, foreign=False)


# ----------------------------------------------------------------------------------------------
# The classification. Public: the catalog, the same for everyone (their results may be ranked
# for the viewer, but name nothing of anyone's). Everything else is user data.
# ----------------------------------------------------------------------------------------------

PUBLIC_ROOTS = {
    "search": "catalog search",
    "title": "a catalog title",
    "titles": "catalog titles",
    "genres": "catalog genres",
    "platforms": "streaming platforms",
    "leavingSoon": "catalog offers that end soon",
    "newArrivals": "catalog offers that appeared lately",
    "priceDrops": "catalog offers that got cheaper",
    "streamingCharts": "charts ranked from everyone's viewing, naming no one",
}
PUBLIC_TYPES = frozenset({
    "Title", "TitleConnection", "TitleEdge", "SearchConnection", "SearchResultEdge",
    "SearchResult", "SearchFacets", "FacetCount", "SearchIntent", "ScoreParts", "Genre",
    "Platform", "Person", "Credit", "ExternalIds", "Offer", "Price", "PageInfo",
    "AvailabilityConnection", "AvailabilityEntryEdge", "AvailabilityEntry", "AvailabilityBucket",
    "ChartEntryConnection", "ChartEntryEdge", "ChartEntry",
})
# Fields of public types that answer about the signed-in viewer: each is called as A on a
# title of B's, and must answer A's own state (null anonymously).
VIEWER_FIELDS = {"Title.viewerState"}

# Root queries and mutations with user data -> how A calls them with B's ids. `me` and `user`
# are called once per field of User (each with its NESTED arguments).
USER_FIELDS: dict[str, tuple[Case, ...]] = {
    # Queries
    "me": (_own(lambda a, b, w: {}),),
    "user": (_foreign(lambda a, b, w: {"id": b.id}),),
    # A receipt is the only key to a deletion's progress: B's user id is none.
    "accountDeletion": (_foreign(lambda a, b, w: {"receipt": b.id}),),
    # Remote control, hand-off, devices and sessions: B's device, session or command is
    # answered as an unknown one (NOT_FOUND), never FORBIDDEN, which would say it exists.
    "sendCommand": (
        _foreign(lambda a, b, w: {"input": {"targetDeviceId": b.tv, "kind": "PAUSE"}}, "NOT_FOUND"),
        _foreign(lambda a, b, w: {"input": {"targetDeviceId": a.tv, "senderDeviceId": b.tv,
                                            "kind": "PAUSE"}}, "NOT_FOUND"),
        _foreign(lambda a, b, w: {"input": {"targetDeviceId": a.tv, "kind": "CAST_TO",
                                            "castTargetDeviceId": b.tv}}, "NOT_FOUND"),
    ),
    "acknowledgeCommand": (_foreign(lambda a, b, w: {"id": b.command}, "NOT_FOUND"),),
    "sendToDevice": (
        _foreign(lambda a, b, w: {"sessionId": b.session, "targetDeviceId": b.tv}, "NOT_FOUND"),
        _foreign(lambda a, b, w: {"sessionId": b.session, "targetDeviceId": a.tv}, "NOT_FOUND"),
        _foreign(lambda a, b, w: {"sessionId": a.session, "targetDeviceId": b.tv}, "NOT_FOUND"),
    ),
    # Sync: A's own document, written as if from B's device (or B's document outright)
    "syncApplyUpdate": (
        _foreign(lambda a, b, w: {"userId": b.id, "deviceId": b.tv, "update": EMPTY_UPDATE},
                 "FORBIDDEN"),
        _foreign(lambda a, b, w: {"userId": a.id, "deviceId": b.tv, "update": EMPTY_UPDATE},
                 "BAD_USER_INPUT", reason="UNKNOWN_DEVICE"),
    ),
    "syncAddToWatchlist": (
        _foreign(lambda a, b, w: {"deviceId": b.tv, "titleId": w.spare_title},
                 "BAD_USER_INPUT", reason="UNKNOWN_DEVICE"),
    ),
    "syncRemoveFromWatchlist": (
        _foreign(lambda a, b, w: {"deviceId": b.tv, "titleId": b.watch_title},
                 "BAD_USER_INPUT", reason="UNKNOWN_DEVICE"),
    ),
    "syncReportProgress": (
        _foreign(lambda a, b, w: {"deviceId": b.tv, "titleId": b.session_title,
                                  "positionSeconds": 10, "durationSeconds": 100},
                 "BAD_USER_INPUT", reason="UNKNOWN_DEVICE"),
    ),
    "syncSetPreference": (
        _foreign(lambda a, b, w: {"deviceId": b.tv, "name": "subtitles", "value": "on"},
                 "BAD_USER_INPUT", reason="UNKNOWN_DEVICE"),
    ),
    # Devices and playback
    "registerDevice": (_own(lambda a, b, w: {"input": {"name": "A matrix", "kind": "WEB"}}),),
    "renameDevice": (_foreign(lambda a, b, w: {"id": b.tv, "name": "renamed by A"}, "NOT_FOUND"),),
    "removeDevice": (_foreign(lambda a, b, w: {"id": b.tv}, "NOT_FOUND"),),
    "heartbeat": (_foreign(lambda a, b, w: {"deviceId": b.tv}, "NOT_FOUND"),),
    "startPlayback": (
        _foreign(lambda a, b, w: {"input": {"deviceId": b.tv, "titleId": w.spare_title,
                                            "durationSeconds": 100}}, "NOT_FOUND"),
    ),
    "updatePlayback": (
        _foreign(lambda a, b, w: {"input": {"sessionId": b.session, "positionSeconds": 1,
                                            "state": "PAUSED"}}, "NOT_FOUND"),
    ),
    # Recommendations: A's own feedback, on a title of B's
    "recommendationFeedback": (_own(lambda a, b, w: {"titleId": b.watch_title,
                                                     "signal": "LIKE"}),),
    # Account: they act on the caller only; A tries with a wrong password, or B's codes
    "changePassword": (
        _foreign(lambda a, b, w: {"input": {"currentPassword": WRONG_PASSWORD,
                                            "newPassword": "a-new-password-0"}},
                 "BAD_USER_INPUT"),
    ),
    "requestEmailVerification": (_own(lambda a, b, w: {}),),
    "verifyEmail": (_foreign(lambda a, b, w: {"token": b.id}, "BAD_USER_INPUT",
                             reason="INVALID_TOKEN"),),
    "deleteAccount": (
        _foreign(lambda a, b, w: {"input": {"password": WRONG_PASSWORD}},
                 "BAD_USER_INPUT"),
    ),
    # Limited per address (test_oauth approves codes too).
    "approveDevice": (_foreign(lambda a, b, w: {"userCode": b.user_code}, "CONFLICT",
                               "RATE_LIMITED"),),
    # Profiles
    "createProfile": (_own(lambda a, b, w: {"input": {"name": "A matrix kid", "isKid": True}}),),
    "updateProfile": (
        _foreign(lambda a, b, w: {"input": {"profileId": b.extra_profile, "name": "by A"}}),
    ),
    "deleteProfile": (_foreign(lambda a, b, w: {"profileId": b.extra_profile}),),
    "switchProfile": (
        _foreign(lambda a, b, w: {"profileId": b.extra_profile}),
        _foreign(lambda a, b, w: {"profileId": b.profile}),
    ),
    # Sign-up and sign-in with B's email. Over HTTP only: both are limited per address.
    "register": (
        _foreign(lambda a, b, w: {"input": {"email": b.email, "password": "a-password-0",
                                            "displayName": "Not B"}},
                 "CONFLICT", "RATE_LIMITED", transports=HTTP_ONLY),
    ),
    "login": (
        _foreign(lambda a, b, w: {"email": b.email, "password": WRONG_PASSWORD},
                 "UNAUTHENTICATED", "RATE_LIMITED", transports=HTTP_ONLY),
    ),
    # Watchlist and history: A's own, with B's titles
    "addToWatchlist": (_own(lambda a, b, w: {"titleId": w.spare_title}),),
    "removeFromWatchlist": (_own(lambda a, b, w: {"titleId": b.watch_title}),),
    "recordViewing": (_own(lambda a, b, w: {"input": {"titleId": w.spare_title,
                                                      "progress": 0.1}}),),
    "updatePreferences": (_own(lambda a, b, w: {"input": {}}),),
}

# Subscriptions -> the arguments naming B's things (None: it takes none) and A's own.
SUBSCRIPTIONS: dict[str, tuple[Callable[[Party, Party], dict[str, Any]] | None,
                               Callable[[Party, Party], dict[str, Any]]]] = {
    "deviceEvents": (lambda a, b: {"deviceId": b.tv}, lambda a, b: {"deviceId": a.tv}),
    "watchlistAvailability": (None, lambda a, b: {}),
    "syncUpdates": (None, lambda a, b: {}),
    "playbackUpdates": (None, lambda a, b: {}),
}


@dataclass(frozen=True)
class Nested:
    """Arguments of a field of a user-data type (B's ids where it takes any); `foreign`: under
    A's `me` it names B's things, so A's answer must be null."""

    args: Callable[[Party, Party, World], dict[str, Any]]
    foreign: bool = False


NESTED: dict[str, Nested] = {
    "User.playbackSessions": Nested(lambda a, b, w: {"first": 5}),
    "User.continueWatching": Nested(lambda a, b, w: {"first": 5}),
    "User.watchlist": Nested(lambda a, b, w: {"first": 5}),
    "User.viewingHistory": Nested(lambda a, b, w: {"first": 5}),
    "User.resumePosition": Nested(lambda a, b, w: {"titleId": b.session_title}),
    "User.remoteCommand": Nested(lambda a, b, w: {"id": b.command}, foreign=True),
    "User.personalScores": Nested(lambda a, b, w: {"titleIds": [b.session_title]}),
    # B's kid profile as the context: not one of A's household.
    "User.recommendations": Nested(lambda a, b, w: {"first": 3,
                                                    "context": {"profileId": b.extra_profile}},
                                   foreign=True),
}


# ----------------------------------------------------------------------------------------------
# The schema walk: fails when the schema outgrows the tables.
# ----------------------------------------------------------------------------------------------


def test_the_tables_cover_every_field_of_the_supergraph() -> None:
    schema = load_supergraph()
    types = reachable_types(schema)
    user_types = set(types) - PUBLIC_TYPES
    problems = []
    for kind, root in roots(schema).items():
        for name, root_field in root.fields.items():
            covered = [table for table, keys in (("PUBLIC_ROOTS", PUBLIC_ROOTS),
                                                 ("USER_FIELDS", USER_FIELDS),
                                                 ("SUBSCRIPTIONS", SUBSCRIPTIONS)) if name in keys]
            if len(covered) != 1:
                problems.append(f"{kind} {name}: in {covered or 'no table'}, wants exactly one")
            returned = get_named_type(root_field.type).name
            if name in PUBLIC_ROOTS and returned not in PUBLIC_TYPES:
                problems.append(f"public {name} returns {returned}, which is not public")
            if (kind == "subscription" and name in SUBSCRIPTIONS
                    and arguments_with_ids(root_field) and SUBSCRIPTIONS[name][0] is None):
                problems.append(f"subscription {name} takes ids: say which of B's to pass")
    for stale in set(PUBLIC_ROOTS) | set(USER_FIELDS) | set(SUBSCRIPTIONS):
        if not any(stale in root.fields for root in roots(schema).values()):
            problems.append(f"{stale} is in a table but no longer in the schema")
    for type_name in sorted(types):
        named = types[type_name]
        for name, type_field in getattr(named, "fields", {}).items():
            key = f"{type_name}.{name}"
            returned = get_named_type(type_field.type).name
            if type_name in PUBLIC_TYPES:
                if returned in user_types and key not in VIEWER_FIELDS:
                    problems.append(f"public {key} returns user data ({returned})")
            elif type_field.args and key not in NESTED:
                problems.append(f"{key} takes arguments: add it to NESTED")
    for stale in set(NESTED) | VIEWER_FIELDS:
        type_name, name = stale.split(".")
        if name not in getattr(types.get(type_name), "fields", {}):
            problems.append(f"{stale} is in a table but no longer in the schema")
    assert not problems, "\n".join(problems)
    # The user-data types, for the record: what the matrix reads.
    assert {"User", "Device", "PlaybackSession", "Profile", "RemoteCommand", "DataExport",
            "WatchlistItem", "ViewingEvent", "SyncPayload"} <= user_types


# ----------------------------------------------------------------------------------------------
# The system: A and B, B's data set up first.
# ----------------------------------------------------------------------------------------------


@dataclass
class World:
    stack: Stack
    router: Router
    schema: GraphQLSchema
    a: Party
    b: Party
    spare_title: str  # on nobody's lists here
    titles: list[str] = field(default_factory=list)  # [4]: B's live sync, [5]: A's

    @property
    def ws_url(self) -> str:
        return self.stack.router_url.replace("http://", "ws://")


def _ok(result: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in result, result
    return result["data"]


REGISTER_TV = """mutation($n: String!) { registerDevice(input: {name: $n, kind: TV,
  capabilities: {maxResolution: UHD, remoteControllable: true, canCast: true}}) { id } }"""
HEARTBEAT = "mutation($d: ID!) { heartbeat(deviceId: $d) { id online } }"
START = """mutation($d: ID!, $t: ID!) { startPlayback(input: {deviceId: $d, titleId: $t,
  durationSeconds: 6000, positionSeconds: 120}) { id } }"""
PARTY = "{ me { id email displayName profiles { id } devices { id } } }"
TITLES = "{ titles(first: 100) { edges { node { id viewerState { inWatchlist progress } } } } }"


def _party(router: Router, email: str, title: str, tv_name: str) -> Party:
    token = router.login(email)
    me = _ok(router.execute(PARTY, token=token))["me"]
    tv = _ok(router.execute(REGISTER_TV, {"n": tv_name}, token=token))["registerDevice"]["id"]
    assert _ok(router.execute(HEARTBEAT, {"d": tv}, token=token))["heartbeat"]["online"]
    session = _ok(router.execute(START, {"d": tv, "t": title}, token=token))["startPlayback"]
    return Party(token=token, id=me["id"], email=me["email"], display_name=me["displayName"],
                 profile=me["profiles"][0]["id"], tv=tv, tv_name=tv_name,
                 seeded_devices=[d["id"] for d in me["devices"]], session=session["id"],
                 session_title=title)


async def _approved_device_code(stack: Stack, token: str) -> str:
    """A TV's device-flow code, approved by the token's user."""
    started = await start_on_tv(stack.oauth_url, DEMO_TV_CLIENT, "read:watchlist")
    async with httpx.AsyncClient(timeout=30) as http:
        body = {"query": APPROVE, "variables": {"c": started["user_code"]}}
        headers = {"authorization": f"Bearer {token}"}
        _ok((await http.post(stack.router_url, json=body, headers=headers)).json())
    return started["user_code"]


APPROVE = "mutation($c: String!) { approveDevice(userCode: $c) { approved } }"
ADD = "mutation($t: ID!) { addToWatchlist(titleId: $t) { addedAt } }"
KID = """mutation($n: String!) { createProfile(input: {name: $n, isKid: true,
  blockedGenres: ["comedy"]}) { profile { id } } }"""
PAUSE = "mutation($d: ID!) { sendCommand(input: {targetDeviceId: $d, kind: PAUSE}) { id } }"


def _titles(router: Router, token: str) -> tuple[list[str], set[str]]:
    """Popular titles, and those of them on the user's watchlist or history."""
    nodes = [e["node"] for e in _ok(router.execute(TITLES, token=token))["titles"]["edges"]]
    taken = {n["id"] for n in nodes
             if n["viewerState"]["inWatchlist"] or n["viewerState"]["progress"] is not None}
    return [n["id"] for n in nodes], taken


def make_world(stack: Stack, router: Router) -> World:
    # Titles on neither A's nor B's lists (the seed gave both a history).
    titles, taken_by_a = _titles(router, router.login(A_USER.email))
    _, taken_by_b = _titles(router, router.login(B_USER.email))
    free = [title for title in titles if title not in taken_by_a | taken_by_b]
    assert len(free) >= 6, "too few titles on nobody's lists"
    marker = uuid.uuid4().hex[:8]
    a = _party(router, A_USER.email, free[0], f"A's TV {marker}")
    b = _party(router, B_USER.email, free[1], f"B's TV {marker}")
    b.watch_title = free[2]
    _ok(router.execute(ADD, {"t": b.watch_title}, token=b.token))
    b.extra_profile_name = f"B's kid {marker}"
    b.extra_profile = _ok(router.execute(KID, {"n": b.extra_profile_name}, token=b.token)
                          )["createProfile"]["profile"]["id"]
    b.command = _ok(router.execute(PAUSE, {"d": b.tv}, token=b.token))["sendCommand"]["id"]
    b.user_code = asyncio.run(_approved_device_code(stack, b.token))
    return World(stack, router, load_supergraph(), a, b, spare_title=free[3], titles=free)


@pytest.fixture(scope="module")
def world(stack: Stack, router: Router) -> World:
    return make_world(stack, router)


# ----------------------------------------------------------------------------------------------
# B's data as B sees it: compared before and after A's attempts.
# ----------------------------------------------------------------------------------------------

B_STATE = """query($c: ID!, $t: ID!) { me { id email displayName homeRegion subscribedPlatforms
  preferredGenres emailVerified
  profiles { id name avatar isKid maxAgeRating blockedGenres hasPin }
  devices { id name kind lastSeenAt capabilities { maxResolution hdrFormats audioCodecs
    remoteControllable canCast } }
  playbackSessions(first: 50) { totalCount edges { node { id positionSeconds durationSeconds
    state resumePositionSeconds device { id } title { id } offer { platform } } } }
  watchlist(first: 100) { totalCount edges { node { title { id } addedAt } } }
  resumePosition(titleId: $t)
  remoteCommand(id: $c) { id acknowledgedAt sessionId targetDevice { id } senderDevice { id } }
  dataExport { playback } } }"""
# Kept by the playback subgraph from other subgraphs' events, on their own time.
_PROJECTIONS = {"viewer_fact", "profile_limit", "watchlist_fact", "sync_update", "sync_snapshot",
                "availability_notice"}


def b_state(world: World) -> dict[str, Any]:
    b = world.b
    me = _ok(world.router.execute(B_STATE, {"c": b.command, "t": b.session_title},
                                  token=b.token))["me"]
    export = me.pop("dataExport")["playback"]
    # What playback holds of B's own making: devices, sessions, resume points, commands.
    me["playback"] = {table: rows for table, rows in export.items() if table not in _PROJECTIONS}
    return me


# ----------------------------------------------------------------------------------------------
# The matrix
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    operation: Operation
    foreign: bool  # as A: must get nothing
    refusals: frozenset[str]
    reason: str | None
    transports: tuple[str, ...]


def calls(world: World) -> list[Call]:
    """Every user-data query and mutation, one small operation each (per field of User for
    `me` and `user`)."""
    a, b, schema = world.a, world.b, world.schema
    nested = {key: entry.args(a, b, world) for key, entry in NESTED.items()}
    user_type = schema.get_type("User")
    found = []
    for kind in ("query", "mutation"):
        root = roots(schema)[kind]
        for name in root.fields:
            if name in PUBLIC_ROOTS:
                continue
            for case in USER_FIELDS[name]:
                allowed = tuple(t for t in TRANSPORTS if case.transports is None
                                or t in case.transports)
                args = case.args(a, b, world)
                if get_named_type(root.fields[name].type) is user_type and kind == "query":
                    for inner in user_type.fields:  # type: ignore[union-attr]
                        entry = NESTED.get(f"User.{inner}")
                        operation = build_operation(schema, kind, name, args,
                                                    public_types=PUBLIC_TYPES, nested=nested,
                                                    only=inner)
                        foreign = case.foreign or bool(entry and entry.foreign)
                        found.append(Call(operation, foreign, case.refusals, case.reason,
                                          allowed))
                    continue
                operation = build_operation(schema, kind, name, args, public_types=PUBLIC_TYPES,
                                            nested=nested)
                found.append(Call(operation, case.foreign, case.refusals, case.reason, allowed))
    return found


def _sent(call: Call, secrets: dict[str, str]) -> set[str]:
    text = call.operation.document + json.dumps(call.operation.variables)
    return {name for name, value in secrets.items() if value in text}


def judge(call: Call, who: str, transport: str, answer: Answer, secrets: dict[str, str]
          ) -> list[str]:
    """What is wrong with one answer (nothing, when the call was answered as it should be)."""
    label = f"{who} {transport} {call.operation.label}"
    problems = []
    if answer.status >= 500:
        problems.append(f"{label}: HTTP {answer.status}")
    if answer.live:
        problems.append(f"{label}: never answered")
    if not answer.payloads:
        problems.append(f"{label}: no answer at all")
    for name in leaked(json.dumps(answer.data), secrets):
        problems.append(f"{label}: B's {name} in data: {json.dumps(answer.data)[:300]}")
    sent = _sent(call, secrets)
    refused_by_router = call.operation.kind == "mutation" and transport in NOT_MUTATING
    allowed = ALLOWED_CODES | ({NOT_MUTATING[transport]} if refused_by_router else set())
    for error in answer.errors:
        code = (error.get("extensions") or {}).get("code")
        if code not in allowed:
            problems.append(f"{label}: error coded {code}: {error}")
        for name in set(leaked(json.dumps(error), secrets)) - sent:
            problems.append(f"{label}: B's {name} in an error: {error}")
        if "Traceback" in json.dumps(error):
            problems.append(f"{label}: a traceback: {error}")
    value = [value_at(data, call.operation.path) for data in answer.data]
    got = [v for v in value if v not in (None, [], {})]
    found_codes = set(codes(answer))
    if refused_by_router:
        if got or found_codes != {NOT_MUTATING[transport]}:
            problems.append(f"{label}: a mutation over {transport} was not refused "
                            f"{NOT_MUTATING[transport]}: {answer.payloads}")
    elif who == "anonymous":
        if got:
            problems.append(f"{label}: anonymous got {json.dumps(got)[:300]}")
        if answer.errors and not found_codes <= {"UNAUTHENTICATED", *call.refusals}:
            problems.append(f"{label}: anonymous refused with {found_codes}")
    elif call.foreign:
        if got:
            problems.append(f"{label}: A got {json.dumps(got)[:300]}")
        if answer.errors and not found_codes <= call.refusals:
            problems.append(f"{label}: refused with {found_codes}, wants {set(call.refusals)}")
        reasons = {(e.get("extensions") or {}).get("reason") for e in answer.errors}
        if call.reason and reasons != {call.reason}:
            problems.append(f"{label}: refused for {reasons}, wants {call.reason}")
    elif answer.errors or not answer.data:
        problems.append(f"{label}: A's own call failed: {answer.errors or answer.payloads}")
    return problems


async def run_matrix(world: World, transports: tuple[str, ...]) -> tuple[list[str], int]:
    """Every call as anonymous and as A over `transports`; the problems found, and how many
    answers were judged."""
    secrets = world.b.secrets()
    url = world.stack.router_url
    # A few at a time: the router and the subgraphs wait on I/O as much as on the 2 cores.
    slots = asyncio.Semaphore(4)
    async with httpx.AsyncClient(timeout=30) as http, \
            Socket.open(world.ws_url, None) as anonymous_socket, \
            Socket.open(world.ws_url, world.a.token) as a_socket:

        async def one(call: Call, transport: str, who: str, token: str | None,
                      socket: Socket) -> list[str]:
            async with slots:
                answer = await execute(http, url, transport, call.operation, token, socket)
            return judge(call, who, transport, answer, secrets)

        found = await asyncio.gather(*(
            one(call, transport, who, token, socket)
            for call in calls(world) for transport in transports if transport in call.transports
            for who, token, socket in (("anonymous", None, anonymous_socket),
                                       ("A", world.a.token, a_socket))
        ))
    return [problem for problems in found for problem in problems], len(found)


@pytest.mark.parametrize("transports", [("http", "get"), ("sse",), ("ws",)],
                         ids=["http", "sse", "ws"])
def test_queries_and_mutations_leak_nothing_of_b(world: World, transports: tuple[str, ...]
                                                 ) -> None:
    before = b_state(world)
    problems, judged = asyncio.run(run_matrix(world, transports))
    after = b_state(world)
    assert judged > 100
    # A write must not half-happen: whatever A was refused, B's data is as it was.
    problems += [f"A's calls changed B's {key}: {json.dumps(before.get(key))[:300]} -> "
                 f"{json.dumps(after.get(key))[:300]}"
                 for key in sorted(set(before) | set(after)) if before.get(key) != after.get(key)]
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------------------------
# Subscriptions
# ----------------------------------------------------------------------------------------------


def _subscription(world: World, name: str, args: dict[str, Any]) -> Operation:
    return build_operation(world.schema, "subscription", name, args, public_types=PUBLIC_TYPES,
                           nested={})


def test_subscriptions_refuse_anonymous_callers_and_b_s_ids(world: World) -> None:
    a, b = world.a, world.b
    secrets = b.secrets()

    async def scenario() -> list[str]:
        problems = []
        async with httpx.AsyncClient(timeout=30) as http, \
                Socket.open(world.ws_url, None) as anonymous_socket, \
                Socket.open(world.ws_url, a.token) as a_socket:
            for name, (foreign, own) in SUBSCRIPTIONS.items():
                attempts = [("anonymous", None, anonymous_socket, foreign or own)]
                if foreign is not None:
                    attempts.append(("A", a.token, a_socket, foreign))
                for who, token, socket, args in attempts:
                    operation = _subscription(world, name, args(a, b))
                    call = Call(operation, True, frozenset({"FORBIDDEN", "NOT_FOUND"}), None,
                                ("sse", "ws"))
                    for transport in ("sse", "ws"):
                        answer = await execute(http, world.stack.router_url, transport,
                                               operation, token, socket)
                        problems += judge(call, who, transport, answer, secrets)
                        if not answer.errors:
                            problems.append(f"{who} {transport} {name}: not refused")
        return problems

    problems = asyncio.run(scenario())
    assert not problems, "\n".join(problems)


UPDATE = """mutation($s: ID!, $p: Int!) { updatePlayback(input: {sessionId: $s,
  positionSeconds: $p, state: PLAYING}) { id } }"""
SYNC_ADD = """mutation($d: ID!, $t: ID!) { syncAddToWatchlist(deviceId: $d, titleId: $t) {
  stateVector } }"""
REMOVE = "mutation($d: ID!) { removeDevice(id: $d) }"
PULSE = """mutation($n: String!) { registerDevice(input: {name: $n, kind: PHONE}) { id } }"""


@dataclass
class Listener:
    transport: str
    subscription: str
    messages: list[dict[str, Any]] = field(default_factory=list)

    def saw(self, predicate: Callable[[dict[str, Any]], bool]) -> bool:
        return any(predicate((m.get("data") or {}).get(self.subscription) or {})
                   for m in self.messages)


def test_live_subscriptions_carry_only_the_caller_s_events(world: World) -> None:
    """A listens to every subscription over SSE and websockets while B's devices, playback and
    sync change; A hears A's own changes (so the streams are live), and nothing of B's."""
    a, b = world.a, world.b
    router = world.router
    secrets = b.secrets()

    def send(query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
        # Playback's copy of the catalog may lag a fresh stack's seed: retry an unknown title.
        for _ in range(100):
            result = router.execute(query, variables, token=token)
            reasons = [(e.get("extensions") or {}).get("reason") for e in result.get("errors", [])]
            if "UNKNOWN_TITLE" not in reasons:
                return _ok(result)
            time.sleep(0.1)
        return _ok(result)

    def pulse() -> str:
        """A presence event of A's: a new device's first heartbeat (then it goes)."""
        device = send(PULSE, {"n": "A pulse"}, a.token)["registerDevice"]["id"]
        send(HEARTBEAT, {"d": device}, a.token)
        send(REMOVE, {"d": device}, a.token)
        return device

    async def until(listeners: list[Listener], mark: Callable[[], Any],
                    heard: Callable[[Listener, Any], bool], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            token = await asyncio.to_thread(mark)
            for _ in range(20):
                if all(heard(listener, token) for listener in listeners):
                    return
                await asyncio.sleep(0.1)
            assert time.monotonic() < deadline, [(x.transport, x.subscription, x.messages)
                                                 for x in listeners]

    position = iter(range(200, 100_000, 7))

    def playing() -> int:
        at = next(position)
        send(UPDATE, {"s": a.session, "p": at}, a.token)
        return at

    async def scenario() -> list[Listener]:
        listeners = [Listener(t, name) for t in ("sse", "ws") for name in SUBSCRIPTIONS]
        async with httpx.AsyncClient(timeout=None) as http, \
                Socket.open(world.ws_url, a.token) as socket:
            tasks = []
            for listener in listeners:
                operation = _subscription(world, listener.subscription,
                                          SUBSCRIPTIONS[listener.subscription][1](a, b))
                if listener.transport == "sse":
                    stream = sse_stream(http, world.stack.router_url, operation, a.token,
                                        listener.messages)
                else:
                    stream = ws_stream(socket, operation, listener.messages)
                tasks.append(asyncio.create_task(stream))
            try:
                by = {name: [x for x in listeners if x.subscription == name]
                      for name in SUBSCRIPTIONS}
                # Live: each stream hears something of A's.
                await until(by["syncUpdates"], lambda: None,
                            lambda x, _: x.saw(lambda m: m.get("catchUp") is True))
                await until(by["playbackUpdates"], playing,
                            lambda x, at: x.saw(lambda m: m.get("positionSeconds") == at))
                await until(by["deviceEvents"], pulse,
                            lambda x, d: x.saw(lambda m: m.get("deviceId") == d))
                # B's devices, playback, remote control and sync change.
                await asyncio.to_thread(send, HEARTBEAT, {"d": b.seeded_devices[0]}, b.token)
                await asyncio.to_thread(send, HEARTBEAT, {"d": b.tv}, b.token)
                await asyncio.to_thread(send, UPDATE, {"s": b.session, "p": 4_321}, b.token)
                await asyncio.to_thread(send, PAUSE, {"d": b.tv}, b.token)
                await asyncio.to_thread(send, SYNC_ADD, {"d": b.tv, "t": world.titles[4]},
                                        b.token)
                # Then A's own changes, after B's on every stream: heard, so B's would be too.
                await until(by["playbackUpdates"], playing,
                            lambda x, at: x.saw(lambda m: m.get("positionSeconds") == at))
                await until(by["deviceEvents"], pulse,
                            lambda x, d: x.saw(lambda m: m.get("deviceId") == d))
                title = world.titles[5]
                await until(by["syncUpdates"],
                            lambda: send(SYNC_ADD, {"d": a.tv, "t": title}, a.token),
                            lambda x, _: x.saw(lambda m: any(
                                e.get("titleId") == title for e in m.get("events", []))))
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
        return listeners

    listeners = asyncio.run(scenario())
    problems = []
    for listener in listeners:
        for message in listener.messages:
            label = f"A {listener.transport} {listener.subscription}"
            for name in leaked(json.dumps(message), secrets):
                problems.append(f"{label}: B's {name}: {json.dumps(message)[:300]}")
            for error in message.get("errors") or []:
                problems.append(f"{label}: {error}")
            events = ((message.get("data") or {}).get("syncUpdates") or {}).get("events") or []
            if any(event.get("titleId") == world.titles[4] for event in events):
                problems.append(f"{label}: B's sync change: {events}")
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------------------------
# Entities and viewer fields
# ----------------------------------------------------------------------------------------------


def test_entities_of_user_data_are_not_reachable_through_the_router(world: World) -> None:
    """A subgraph's `_entities` would hand out any Device or User by key: the router does not
    serve it, nor `_service`."""
    b = world.b
    keyed = {name: keys for name, keys in entity_types(world.schema).items()
             if name not in PUBLIC_TYPES}
    assert {"User", "Device", "PlaybackSession", "DataExport"} <= set(keyed)
    ids = {"User": b.id, "Device": b.tv, "PlaybackSession": b.session, "DataExport": b.id}
    secrets = b.secrets()
    for token in (None, world.a.token):
        for name, keys in keyed.items():
            fields = " ".join(f for f, t in world.schema.get_type(name).fields.items()  # type: ignore[union-attr]
                              if is_leaf_type(get_named_type(t.type)) and not t.args)
            representation = {"__typename": name, keys[0]: ids.get(name, b.id)}
            query = ("query($r: [_Any!]!) { _entities(representations: $r) "
                     f"{{ ... on {name} {{ {fields} }} }} }}")
            result = world.router.execute(query, {"r": [representation]}, token=token)
            assert result.get("data") is None, result
            assert {e["extensions"]["code"] for e in result["errors"]} == {
                "GRAPHQL_VALIDATION_FAILED"}, result
            assert not leaked(json.dumps(result), {k: v for k, v in secrets.items()
                                                   if v not in json.dumps(representation)})
    result = world.router.execute("{ _service { sdl } }")
    assert {e["extensions"]["code"] for e in result["errors"]} == {"GRAPHQL_VALIDATION_FAILED"}


def test_a_get_without_the_csrf_header_is_refused(world: World) -> None:
    """The matrix sends GETs with `x-graphql-csrf`; without it the router answers nothing."""
    query = "query($id: ID!) { user(id: $id) { email devices { name } } }"
    params = {"query": query, "variables": json.dumps({"id": world.b.id})}
    for token in (world.a.token, world.b.token):
        response = httpx.get(world.stack.router_url, params=params, timeout=30,
                             headers={"authorization": f"Bearer {token}"})
        assert response.status_code == 403, response.text
        assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["FORBIDDEN"]
        assert not leaked(response.text, world.b.secrets())


VIEWER_STATE = """query($t: ID!) { title(id: $t) { id viewerState { inWatchlist progress rating
  lastWatchedAt } } }"""


def test_viewer_fields_of_public_types_answer_for_the_caller_only(world: World) -> None:
    """B's title, on B's watchlist and in B's playback: A's view of it is A's own."""
    a, b = world.a, world.b
    assert {"Title.viewerState"} == VIEWER_FIELDS, "call the new viewer field here"
    for title in (b.watch_title, b.session_title):
        mine = _ok(world.router.execute(VIEWER_STATE, {"t": title}, token=b.token))
        theirs = _ok(world.router.execute(VIEWER_STATE, {"t": title}, token=a.token))
        nobody = world.router.execute(VIEWER_STATE, {"t": title})
        assert theirs["title"]["viewerState"] == {"inWatchlist": False, "progress": None,
                                                  "rating": None, "lastWatchedAt": None}
        assert nobody["data"]["title"]["viewerState"] is None, nobody
        assert "errors" not in nobody, nobody
        if title == b.watch_title:
            assert mine["title"]["viewerState"]["inWatchlist"] is True
