"""Devices through the real app: registration, the 10-device limit, ownership, presence."""

from __future__ import annotations

import uuid

from tests.playback.graphql.conftest import register
from tests.support.inprocess import SubgraphClient

DEVICES = """
query($id: ID!) {
  _entities(representations: [{__typename: "User", id: $id}]) {
    ... on User { devices { id name kind online lastSeenAt } }
  }
}
"""


def test_register_then_list_devices(playback: SubgraphClient) -> None:
    user = uuid.uuid4()
    device = register(playback, user, "Living room TV")["data"]["registerDevice"]
    assert device["name"] == "Living room TV"
    assert device["kind"] == "TV"
    assert device["online"] is True
    assert device["capabilities"] == {"maxResolution": "UHD", "canCast": True}
    listed = playback.execute(DEVICES, {"id": str(user)}, user_id=user)
    assert [d["id"] for d in listed["data"]["_entities"][0]["devices"]] == [device["id"]]


def test_the_eleventh_device_is_a_conflict(playback: SubgraphClient) -> None:
    user = uuid.uuid4()
    for index in range(10):
        assert "errors" not in register(playback, user, f"Device {index}")
    result = register(playback, user, "One too many")
    assert result["errors"][0]["extensions"]["code"] == "CONFLICT"
    # Another user's limit is their own.
    assert "errors" not in register(playback, uuid.uuid4())


def test_devices_are_private(playback: SubgraphClient) -> None:
    owner, other = uuid.uuid4(), uuid.uuid4()
    device_id = register(playback, owner)["data"]["registerDevice"]["id"]
    listed = playback.execute(DEVICES, {"id": str(owner)}, user_id=other)
    assert listed["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    rename = playback.execute('mutation($id: ID!) { renameDevice(id: $id, name: "Mine") { id } }',
                              {"id": device_id}, user_id=other)
    assert rename["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # as an unknown id
    entity = playback.execute(
        'query($id: ID!) { _entities(representations: [{__typename: "Device", id: $id}]) '
        "{ ... on Device { name } } }",
        {"id": device_id}, user_id=other,
    )
    assert entity["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anonymous = playback.execute(DEVICES, {"id": str(owner)})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_unknown_device_is_not_found(playback: SubgraphClient) -> None:
    result = playback.execute("mutation($id: ID!) { heartbeat(deviceId: $id) { id } }",
                              {"id": str(uuid.uuid4())}, user_id=uuid.uuid4())
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_rename_heartbeat_and_remove(playback: SubgraphClient) -> None:
    user = uuid.uuid4()
    device_id = register(playback, user)["data"]["registerDevice"]["id"]
    renamed = playback.execute(
        'mutation($id: ID!) { renameDevice(id: $id, name: " Bedroom  TV ") { name } }',
        {"id": device_id}, user_id=user,
    )
    assert renamed["data"]["renameDevice"]["name"] == "Bedroom TV"
    beat = playback.execute("mutation($id: ID!) { heartbeat(deviceId: $id) { online } }",
                            {"id": device_id}, user_id=user)
    assert beat["data"]["heartbeat"]["online"] is True
    removed = playback.execute("mutation($id: ID!) { removeDevice(id: $id) }",
                               {"id": device_id}, user_id=user)
    assert removed["data"]["removeDevice"] == device_id
    listed = playback.execute(DEVICES, {"id": str(user)}, user_id=user)
    assert listed["data"]["_entities"][0]["devices"] == []


def test_writes_need_the_playback_control_scope(playback: SubgraphClient) -> None:
    result = playback.execute(
        'mutation { registerDevice(input: {name: "TV", kind: TV}) { id } }',
        user_id=uuid.uuid4(), scope="read:watchlist",
    )
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
