"""A dependency that is away (Redis, the database) is answered SERVICE_UNAVAILABLE, retryable,
naming the field; any other unexpected error stays INTERNAL_SERVER_ERROR without details."""

from __future__ import annotations

import pytest
import strawberry
from asyncpg.exceptions import CannotConnectNowError, ConnectionDoesNotExistError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from tortoise.exceptions import DBConnectionError, OperationalError

from subgraphs.common.extensions import ErrorCodes


def _chained() -> Exception:
    try:
        raise ConnectionRefusedError(111, "Connection refused")
    except OSError as error:
        try:
            raise OperationalError("could not run the query") from error
        except OperationalError as wrapped:
            return wrapped


RAISED: dict[str, Exception] = {
    "refused": ConnectionRefusedError(111, "Connection refused"),
    "redis_gone": RedisConnectionError("Error 111 connecting to 127.0.0.1:6379."),
    "db_gone": DBConnectionError("can't connect"),
    "pg_starting": CannotConnectNowError("the database system is starting up"),
    "pg_dropped": ConnectionDoesNotExistError("connection was closed"),
    "wrapped": _chained(),
    "bug": ValueError("a bug"),
    "redis_bug": ResponseError("WRONGTYPE Operation against a key"),
}


@strawberry.type
class Query:
    @strawberry.field
    def fails(self, name: str) -> int:
        raise RAISED[name]


SCHEMA = strawberry.Schema(query=Query, extensions=[ErrorCodes])


@pytest.mark.parametrize("name", ["refused", "redis_gone", "db_gone", "pg_starting",
                                  "pg_dropped", "wrapped"])
async def test_an_outage_is_retryable_and_names_the_field(name: str) -> None:
    result = await SCHEMA.execute(f'{{ fails(name: "{name}") }}')
    (error,) = result.errors or []
    assert error.extensions == {"code": "SERVICE_UNAVAILABLE", "retryable": True}
    assert error.message == "fails is unavailable right now; retry shortly."
    assert "127.0.0.1" not in error.message


@pytest.mark.parametrize("name", ["bug", "redis_bug"])
async def test_anything_else_stays_an_internal_error(name: str) -> None:
    result = await SCHEMA.execute(f'{{ fails(name: "{name}") }}')
    (error,) = result.errors or []
    assert error.extensions == {"code": "INTERNAL_SERVER_ERROR"}
    assert error.message == "Unexpected error."
