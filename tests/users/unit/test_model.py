"""Domain rules of accounts and viewing events, without a database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from subgraphs.common.errors import BadInput
from subgraphs.users.domain.model import User, ViewingEvent
from subgraphs.users.domain.passwords import Passwords, check_password

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _user(**fields: object) -> User:
    values: dict = {"email": "ada@example.com", "display_name": "Ada", "home_region": "US",
                    "subscribed_platforms": (), "preferred_genres": (), **fields}
    return User.new(now=NOW, **values)


def test_new_users_are_normalised() -> None:
    user = _user(email=" Ada@Example.COM ", display_name="  Ada   Lovelace ", home_region="gb",
                 subscribed_platforms=["Netflix", "max", "netflix"],
                 preferred_genres=["Drama", "science-fiction"])
    assert user.email == "ada@example.com"
    assert user.display_name == "Ada Lovelace"
    assert user.home_region == "GB"
    assert user.subscribed_platforms == ("netflix", "max")
    assert user.preferred_genres == ("drama", "science-fiction")


@pytest.mark.parametrize("fields", [
    {"email": "ada"}, {"email": "ada@example"}, {"email": "a b@example.com"},
    {"home_region": "USA"}, {"home_region": "1A"}, {"subscribed_platforms": ["betamax"]},
    {"preferred_genres": ["sci fi"]}, {"display_name": ""}, {"display_name": "x" * 101},
])
def test_invalid_users_are_bad_input(fields: dict) -> None:
    with pytest.raises(BadInput):
        _user(**fields)


def test_preferences_change_only_what_is_given() -> None:
    user = _user(subscribed_platforms=["hulu"])
    changed = user.with_preferences(home_region="fr", preferred_genres=["comedy"])
    assert (changed.home_region, changed.preferred_genres) == ("FR", ("comedy",))
    assert changed.subscribed_platforms == ("hulu",) and changed.email == user.email
    with pytest.raises(BadInput):
        user.with_preferences(subscribed_platforms=["betamax"])


def _viewing(**fields: object) -> ViewingEvent:
    values: dict = {"user_id": uuid.uuid4(), "title_id": uuid.uuid4(), "progress": 0.5, **fields}
    return ViewingEvent.record(occurred_at=NOW, **values)


@pytest.mark.parametrize("fields", [
    {"rating": 0}, {"rating": 6}, {"progress": -0.01}, {"progress": 1.01},
    {"position_seconds": -1},
])
def test_invalid_viewings_are_bad_input(fields: dict) -> None:
    with pytest.raises(BadInput):
        _viewing(**fields)


@pytest.mark.parametrize(("progress", "completed", "expected"), [
    (0.5, None, False), (0.95, None, True), (1.0, None, True), (0.2, True, True),
])
def test_completion(progress: float, completed: bool | None, expected: bool) -> None:
    assert _viewing(progress=progress, completed=completed).completed is expected


def test_passwords() -> None:
    with pytest.raises(BadInput):
        check_password("123456789")
    passwords = Passwords()
    hashed = passwords.hash("0123456789")
    assert passwords.verify(hashed, "0123456789")
    assert not passwords.verify(hashed, "0123456780")
    assert not passwords.verify("not a hash", "0123456789")
    assert not passwords.verify_unknown("0123456789")
