"""Machinery of the authorization matrix (tests/e2e/test_authorization_matrix.py): the committed
supergraph walked from its roots, one operation built per field from it, the transports a
client reaches the router by (HTTP POST and GET, SSE, graphql-transport-ws), and the check that
an answer holds nothing of another user's.

The tables saying which field is public and how to call the others live in the test.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from graphql import (
    GraphQLArgument,
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    build_ast_schema,
    get_named_type,
    is_input_object_type,
    is_leaf_type,
    is_non_null_type,
    is_object_type,
    parse,
)
from graphql.pyutils import Undefined
from websockets.asyncio.client import ClientConnection, connect

__all__ = [
    "ALLOWED_CODES",
    "SUPERGRAPH",
    "Answer",
    "Operation",
    "Socket",
    "arguments_with_ids",
    "build_operation",
    "codes",
    "entity_types",
    "execute",
    "leaked",
    "load_supergraph",
    "reachable_types",
    "roots",
    "sse_stream",
    "value_at",
    "ws_stream",
]

SUPERGRAPH = Path(__file__).resolve().parents[2] / "schema" / "supergraph.graphql"
CSRF_HEADER = "x-graphql-csrf"
# What a refusal may say. Never INTERNAL_SERVER_ERROR, never a parse or validation failure (an
# operation the matrix built wrong would otherwise pass as "refused").
ALLOWED_CODES = frozenset({
    "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "CONFLICT", "RATE_LIMITED",
})
# Deep enough for a session's device's capabilities, shallow enough for the router's limits.
_MAX_DEPTH = 6


def load_supergraph(path: Path = SUPERGRAPH) -> GraphQLSchema:
    """The supergraph as the router serves it; the join/link directives are only declared, so
    the schema is built without validating their use."""
    return build_ast_schema(parse(path.read_text(encoding="utf-8")), assume_valid=True,
                            assume_valid_sdl=True)


def roots(schema: GraphQLSchema) -> dict[str, GraphQLObjectType]:
    found = {"query": schema.query_type, "mutation": schema.mutation_type,
             "subscription": schema.subscription_type}
    return {kind: root for kind, root in found.items() if root is not None}


def reachable_types(schema: GraphQLSchema) -> dict[str, GraphQLNamedType]:
    """Every output type an operation can reach from a root field (interfaces and unions with
    their members)."""
    seen: dict[str, GraphQLNamedType] = {}
    todo: list[GraphQLNamedType] = [
        get_named_type(f.type) for root in roots(schema).values() for f in root.fields.values()
    ]
    while todo:
        named = todo.pop()
        if named.name in seen or is_leaf_type(named):
            continue
        seen[named.name] = named
        if hasattr(named, "fields"):
            todo.extend(get_named_type(f.type) for f in named.fields.values())  # type: ignore[attr-defined]
        if not is_object_type(named) and hasattr(named, "fields"):
            todo.extend(schema.get_possible_types(named))  # type: ignore[arg-type]
    return seen


def _takes_ids(type_: Any, seen: frozenset[str] = frozenset()) -> bool:
    named = get_named_type(type_)
    if named.name == "ID":
        return True
    if is_input_object_type(named) and named.name not in seen:
        return any(_takes_ids(f.type, seen | {named.name}) for f in named.fields.values())
    return False


def arguments_with_ids(field_: GraphQLField) -> list[str]:
    """The field's arguments that carry an ID, directly or inside an input object."""
    return [name for name, arg in field_.args.items() if _takes_ids(arg.type)]


def entity_types(schema: GraphQLSchema) -> dict[str, list[str]]:
    """Object types with a federation key: what a subgraph's `_entities` would hand out."""
    found: dict[str, list[str]] = {}
    for name, named in schema.type_map.items():
        node = getattr(named, "ast_node", None)
        if not is_object_type(named) or node is None:
            continue
        keys = []
        for directive in node.directives or ():
            if directive.name.value != "join__type":
                continue
            for argument in directive.arguments:
                if argument.name.value == "key":
                    keys.append(argument.value.value)  # type: ignore[attr-defined]
        if keys:
            found[name] = sorted(set(keys))
    return found


def _required(arg: GraphQLArgument) -> bool:
    """Non-null without a default (an SDL-built schema keeps defaults on the AST only)."""
    default = arg.ast_node.default_value if arg.ast_node is not None else None
    return is_non_null_type(arg.type) and default is None and arg.default_value is Undefined


# ----------------------------------------------------------------------------------------------
# Operations
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """One GraphQL operation of the matrix, and the path of the value it is about."""

    label: str
    kind: str  # query, mutation or subscription
    document: str
    variables: dict[str, Any]
    path: tuple[str, ...]


@dataclass
class _Builder:
    schema: GraphQLSchema
    public_types: frozenset[str]
    # `Type.field` -> its arguments, for fields that take some (see the test's NESTED table).
    nested: Mapping[str, dict[str, Any]]
    definitions: dict[str, str] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)

    def arguments(self, owner: str, name: str, field_: GraphQLField,
                  given: Mapping[str, Any] | None) -> str | None:
        """`(a: $v, ...)`, declaring the variables; None when a required argument is unknown."""
        given = dict(given or {})
        parts = []
        for arg_name, arg in field_.args.items():
            if arg_name not in given:
                if _required(arg):
                    return None
                continue
            variable = f"{owner}_{name}_{arg_name}"
            self.definitions[variable] = str(arg.type)
            self.variables[variable] = given[arg_name]
            parts.append(f"{arg_name}: ${variable}")
        return f"({', '.join(parts)})" if parts else ""

    def selection(self, type_: Any, depth: int, path: frozenset[str],
                  scalars_only: bool = False) -> str:
        named = get_named_type(type_)
        if is_leaf_type(named):
            return ""
        if named.name in self.public_types:
            keys = [k for k in ("id", "slug") if k in named.fields]  # type: ignore[attr-defined]
            return "{ " + " ".join(["__typename", *keys]) + " }"
        if not is_object_type(named):
            members = " ".join(
                f"... on {member.name} {self.selection(member, depth, path, scalars_only)}"
                for member in self.schema.get_possible_types(named)  # type: ignore[arg-type]
            )
            return "{ __typename " + members + " }"
        assert isinstance(named, GraphQLObjectType)
        # A User is read by its own fields: its connections are each an operation of their own
        # (a field of `me` or `user`, built with `only`).
        scalars_only = scalars_only or named.name == "User"
        chosen = ["__typename"]
        for name, field_ in named.fields.items():
            inner = get_named_type(field_.type)
            leaf = is_leaf_type(inner)
            if not leaf and (scalars_only or depth >= _MAX_DEPTH or inner.name in path):
                continue
            if field_.args and scalars_only:
                continue
            arguments = self.arguments(named.name, name, field_,
                                       self.nested.get(f"{named.name}.{name}"))
            if arguments is None:
                continue
            below = "" if leaf else " " + self.selection(field_.type, depth + 1,
                                                         path | {named.name})
            chosen.append(f"{name}{arguments}{below}")
        return "{ " + " ".join(chosen) + " }"


def build_operation(
    schema: GraphQLSchema, kind: str, root_field: str, arguments: Mapping[str, Any],
    *, public_types: Iterable[str], nested: Mapping[str, dict[str, Any]],
    only: str | None = None, label: str | None = None,
) -> Operation:
    """The operation calling `root_field` with `arguments`, selecting every field the schema
    gives its result (public catalog types by their key only). `only` narrows the selection
    of the result to that one field of it (`me { devices { ... } }`)."""
    root = roots(schema)[kind]
    field_ = root.fields[root_field]
    builder = _Builder(schema, frozenset(public_types), nested)
    args = builder.arguments(root.name, root_field, field_, arguments)
    assert args is not None, f"{root_field}: a required argument is missing from {arguments}"
    result = get_named_type(field_.type)
    path: tuple[str, ...] = (root_field,)
    if only is None:
        selection = builder.selection(field_.type, 0, frozenset())
    else:
        assert isinstance(result, GraphQLObjectType)
        inner_field = result.fields[only]
        inner_args = builder.arguments(result.name, only, inner_field,
                                       nested.get(f"{result.name}.{only}"))
        assert inner_args is not None, f"{result.name}.{only} needs arguments in NESTED"
        inner = get_named_type(inner_field.type)
        below = "" if is_leaf_type(inner) else " " + builder.selection(
            inner_field.type, 1, frozenset({result.name}))
        selection = f"{{ __typename {only}{inner_args}{below} }}"
        path = (root_field, only)
    declared = ", ".join(f"${name}: {type_}" for name, type_ in builder.definitions.items())
    header = f"{kind} Matrix({declared})" if declared else f"{kind} Matrix"
    document = f"{header} {{ {root_field}{args} {selection} }}"
    return Operation(label or ".".join(path), kind, document, builder.variables, path)


# ----------------------------------------------------------------------------------------------
# Answers
# ----------------------------------------------------------------------------------------------


@dataclass
class Answer:
    """What one operation got back over one transport: its payloads, and an HTTP status."""

    payloads: list[dict[str, Any]]
    status: int = 200
    # A subscription that neither answered nor was refused within the wait: it was accepted.
    live: bool = False

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [e for p in self.payloads for e in p.get("errors") or []]

    @property
    def data(self) -> list[Any]:
        return [p.get("data") for p in self.payloads if p.get("data") is not None]


def codes(answer: Answer) -> list[str | None]:
    return [(e.get("extensions") or {}).get("code") for e in answer.errors]


def value_at(data: Any, path: Iterable[str]) -> Any:
    """The value an operation is about; None as soon as a step on the way is."""
    for step in path:
        if not isinstance(data, dict):
            return None
        data = data.get(step)
    return data


def leaked(text: str, secrets: Mapping[str, str]) -> list[str]:
    """The names of the secrets that occur in `text`."""
    return [name for name, secret in secrets.items() if secret and secret in text]


# ----------------------------------------------------------------------------------------------
# Transports
# ----------------------------------------------------------------------------------------------


def _headers(token: str | None, **extra: str) -> dict[str, str]:
    headers = dict(extra)
    if token:
        headers["authorization"] = f"Bearer {token}"
    return headers


def _sse_payloads(body: str) -> list[dict[str, Any]]:
    payloads = []
    for block in body.split("\n\n"):
        lines = block.split("\n")
        event = next((line[6:].strip() for line in lines if line.startswith("event:")), "")
        data = "\n".join(line[5:].strip() for line in lines if line.startswith("data:"))
        if event == "next" and data:
            payloads.append(json.loads(data))
    return payloads


async def execute(http: httpx.AsyncClient, url: str, transport: str, operation: Operation,
                  token: str | None, socket: Socket | None = None,
                  wait: float = 15.0) -> Answer:
    """Send one operation over `transport` (http, get, sse, ws) and wait for its answer."""
    body = {"query": operation.document, "variables": operation.variables}
    if transport == "http":
        response = await http.post(url, json=body, headers=_headers(token))
        return Answer([response.json()], response.status_code)
    if transport == "get":
        params = {"query": operation.document, "variables": json.dumps(operation.variables)}
        response = await http.get(url, params=params,
                                  headers=_headers(token, **{CSRF_HEADER: "1"}))
        return Answer([response.json()], response.status_code)
    if transport == "sse":
        return await sse_once(http, url, body, token, wait)
    if transport == "ws":
        assert socket is not None
        return await socket.execute(operation, wait)
    raise ValueError(transport)


async def sse_once(http: httpx.AsyncClient, url: str, body: dict[str, Any], token: str | None,
                   wait: float) -> Answer:
    """The events of one SSE request until it completes; `live` when it stays open."""
    headers = _headers(token, accept="text/event-stream")
    text = ""
    async with http.stream("POST", url, json=body, headers=headers) as response:
        if not response.headers.get("content-type", "").startswith("text/event-stream"):
            await response.aread()
            return Answer([response.json()], response.status_code)
        try:
            async with asyncio.timeout(wait):
                async for chunk in response.aiter_text():
                    text += chunk
                    if "event: complete" in text:
                        break
        except TimeoutError:
            return Answer(_sse_payloads(text), response.status_code, live=True)
    return Answer(_sse_payloads(text), response.status_code)


async def sse_stream(http: httpx.AsyncClient, url: str, operation: Operation, token: str | None,
                     sink: list[dict[str, Any]]) -> None:
    """Append every payload of a subscription over SSE to `sink`, until cancelled."""
    body = {"query": operation.document, "variables": operation.variables}
    headers = _headers(token, accept="text/event-stream")
    buffer = ""
    async with http.stream("POST", url, json=body, headers=headers) as response:
        async for chunk in response.aiter_text():
            buffer += chunk
            *blocks, buffer = buffer.split("\n\n")
            sink.extend(_sse_payloads("\n\n".join(blocks) + "\n\n"))


class Socket:
    """One graphql-transport-ws connection to the router; the token goes in connection_init."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.queues: dict[str, asyncio.Queue[dict[str, Any]]] = {}
        self.reader = asyncio.create_task(self._read())

    @classmethod
    @contextlib.asynccontextmanager
    async def open(cls, url: str, token: str | None):  # type: ignore[no-untyped-def]
        payload = {"Authorization": f"Bearer {token}"} if token else {}
        async with connect(url, subprotocols=["graphql-transport-ws"]) as connection:  # type: ignore[list-item]
            await connection.send(json.dumps({"type": "connection_init", "payload": payload}))
            ack = json.loads(await asyncio.wait_for(connection.recv(), 15))
            assert ack["type"] == "connection_ack", ack
            socket = cls(connection)
            try:
                yield socket
            finally:
                socket.reader.cancel()

    async def _read(self) -> None:
        async for raw in self.connection:
            message = json.loads(raw)
            if message["type"] == "ping":
                await self.connection.send(json.dumps({"type": "pong"}))
            elif "id" in message and message["id"] in self.queues:
                await self.queues[message["id"]].put(message)

    async def subscribe(self, operation: Operation) -> tuple[str, asyncio.Queue[dict[str, Any]]]:
        key = str(uuid.uuid4())
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.queues[key] = queue
        await self.connection.send(json.dumps({"id": key, "type": "subscribe", "payload": {
            "query": operation.document, "variables": operation.variables}}))
        return key, queue

    async def stop(self, key: str) -> None:
        with contextlib.suppress(Exception):
            await self.connection.send(json.dumps({"id": key, "type": "complete"}))
        self.queues.pop(key, None)

    async def execute(self, operation: Operation, wait: float) -> Answer:
        """Payloads until `complete` (or an `error` message); `live` when neither comes."""
        key, queue = await self.subscribe(operation)
        payloads: list[dict[str, Any]] = []
        try:
            async with asyncio.timeout(wait):
                await _collect(queue, payloads)
        except TimeoutError:
            await self.stop(key)
            return Answer(payloads, live=True)
        self.queues.pop(key, None)
        return Answer(payloads)


async def _collect(queue: asyncio.Queue[dict[str, Any]], sink: list[dict[str, Any]]) -> None:
    """Append one subscription's payloads to `sink` until it completes or fails."""
    while True:
        message = await queue.get()
        if message["type"] == "next":
            sink.append(message["payload"])
        elif message["type"] == "error":
            sink.append({"errors": message["payload"]})
            return
        elif message["type"] == "complete":
            return


async def ws_stream(socket: Socket, operation: Operation, sink: list[dict[str, Any]]) -> None:
    """Append every payload of a subscription over the socket to `sink`, until cancelled."""
    key, queue = await socket.subscribe(operation)
    try:
        await _collect(queue, sink)
    finally:
        await socket.stop(key)

