"""Which key signs, and which may go, across a rotation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from subgraphs.users.domain.keys import PUBLISH_LEAD, active_key, retirable_keys
from subgraphs.users.domain.model import SigningKey

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _key(kid: str, age: timedelta) -> SigningKey:
    return SigningKey(kid=kid, private_pem=f"pem-{kid}", created_at=NOW - age)


def test_a_fresh_install_signs_with_its_only_key() -> None:
    fresh = _key("a", timedelta(seconds=1))
    assert active_key([fresh], NOW) == fresh
    # Two replicas that started together each made one: the older signs on both.
    assert active_key([_key("b", timedelta(0)), fresh], NOW) == fresh
    with pytest.raises(ValueError):
        active_key([], NOW)


def test_a_new_key_signs_only_once_it_has_been_published_long_enough() -> None:
    old = _key("old", 30 * 24 * HOUR)
    new = _key("new", PUBLISH_LEAD - timedelta(seconds=1))
    assert active_key([new, old], NOW) == old
    assert active_key([new, old], NOW + timedelta(seconds=1)) == new


def test_an_old_key_goes_only_after_its_last_token_expired() -> None:
    old = _key("old", 30 * 24 * HOUR)
    new = _key("new", timedelta(0))
    keys = [old, new]
    assert retirable_keys(keys, NOW, HOUR) == []  # the new key does not even sign yet
    took_over = NOW + PUBLISH_LEAD + timedelta(minutes=1)
    assert retirable_keys(keys, took_over + HOUR - timedelta(seconds=1), HOUR) == []
    assert retirable_keys(keys, took_over + HOUR, HOUR) == [old]
    assert retirable_keys([new], NOW + 2 * HOUR, HOUR) == []  # the signing key never goes
