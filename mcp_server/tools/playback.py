"""list_devices and initiate_playback: act for the signed-in user, with `playback:control`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from mcp.server.mcpserver import Context
from mcp_types import ToolAnnotations
from pydantic import Field

from mcp_server.errors import BadArguments, ToolFailure
from mcp_server.models import TITLE_ID, UUID_PATTERN, Model
from mcp_server.tools.deps import PLAYBACK_SCOPE
from mcp_server.tools.result import structured

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

    from mcp_server.tools.deps import Deps

__all__ = ["Device", "Devices", "PlaybackStarted", "register"]

DEVICE_FIELDS = """
  id name kind online lastSeenAt
  capabilities { maxResolution remoteControllable canCast }
"""
DEVICES = f"query McpDevices {{ me {{ devices {{ {DEVICE_FIELDS} }} }} }}"
TITLE_FOR_PLAYBACK = """
query McpPlayable($id: ID!, $region: String!) {
  title(id: $id) { id title runtimeMinutes offers(region: $region) { platform { slug } } }
}
"""
START = f"""
mutation McpStartPlayback($input: StartPlaybackInput!) {{
  startPlayback(input: $input) {{
    id positionSeconds durationSeconds state
    offer {{ platform type quality deepLink webUrl }}
    device {{ {DEVICE_FIELDS} }}
    title {{ id title }}
  }}
}}
"""
# Tells the device itself to load the title: an agent starts playback for a TV it is not.
LOAD = """
mutation McpLoad($input: SendCommandInput!) { sendCommand(input: $input) { id } }
"""
# The catalog does not know every runtime (MovieLens has none): a feature's length then.
_DEFAULT_RUNTIME_MINUTES = 120


class Device(Model):
    id: str
    name: str
    kind: str
    online: bool = Field(description="A heartbeat came in the last 90 seconds.")
    last_seen_at: str | None = None
    max_resolution: str
    remote_controllable: bool
    can_cast: bool

    @classmethod
    def from_graph(cls, node: dict[str, Any]) -> Device:
        caps = node["capabilities"]
        return cls(id=node["id"], name=node["name"], kind=node["kind"], online=node["online"],
                   last_seen_at=node.get("lastSeenAt"), max_resolution=caps["maxResolution"],
                   remote_controllable=caps["remoteControllable"], can_cast=caps["canCast"])


class Devices(Model):
    devices: list[Device]


class PlaybackOffer(Model):
    platform: str
    type: str
    quality: str
    deep_link: str | None = None
    web_url: str | None = None


class PlaybackStarted(Model):
    session_id: str
    title_id: str
    title: str
    device: Device
    state: str
    position_seconds: int
    duration_seconds: int
    offer: PlaybackOffer | None = Field(
        None, description="The offer playback chose; None when none is known in the region."
    )
    command_id: str | None = Field(
        None, description="The LOAD command sent to the device so that it starts now; None when "
        "the device is offline or cannot be remote-controlled (it resumes there when opened).")


def register(server: MCPServer, deps: Deps) -> None:
    @server.tool(
        title="Devices",
        annotations=ToolAnnotations(title="Devices", read_only_hint=True, open_world_hint=False),
    )
    @structured
    async def list_devices(ctx: Context, includeOffline: bool = False) -> Devices:
        """The signed-in user's devices (needs the playback:control scope); offline ones only
        with includeOffline."""
        token = deps.require_scope(deps.token(ctx), PLAYBACK_SCOPE)
        data = await deps.graph.query(DEVICES, token=token)
        if data["me"] is None:
            raise ToolFailure("This needs a signed-in user.", "UNAUTHENTICATED")
        devices = [Device.from_graph(device) for device in data["me"]["devices"]]
        return Devices(devices=[d for d in devices if includeOffline or d.online])

    @server.tool(
        title="Start playback",
        annotations=ToolAnnotations(title="Start playback", read_only_hint=False,
                                    destructive_hint=False, idempotent_hint=False,
                                    open_world_hint=False),
    )
    @structured
    async def initiate_playback(
        titleId: TITLE_ID,
        deviceId: Annotated[str, Field(pattern=UUID_PATTERN, description="From list_devices.")],
        ctx: Context,
        platform: Annotated[str | None, Field(
            description="Only start if the title is on this platform (slug) in the user's region."
        )] = None,
        startPosition: Annotated[int | None, Field(
            ge=0, description="Seconds; omitted: resume where the user left off.")] = None,
    ) -> PlaybackStarted:
        """Start playing a title on one of the signed-in user's devices (needs the
        playback:control scope); playback picks the best offer the device can show, and an
        online, remote-controllable device is told to load it."""
        token = deps.require_scope(deps.token(ctx), PLAYBACK_SCOPE)
        region = deps.region(token, None)
        title = (await deps.graph.query(TITLE_FOR_PLAYBACK, {"id": titleId, "region": region},
                                        token=token))["title"]
        if platform is not None:
            on = sorted({offer["platform"]["slug"] for offer in title["offers"]})
            if platform not in on:
                raise ToolFailure(
                    f"{title['title']} is not on {platform} in {region}"
                    + (f"; it is on {', '.join(on)}." if on else "; nowhere there."),
                    "NOT_AVAILABLE", platforms=on,
                )
        duration = 60 * (title["runtimeMinutes"] or _DEFAULT_RUNTIME_MINUTES)
        if startPosition is not None and startPosition >= duration:
            raise BadArguments(f"startPosition must be under the title's {duration} seconds.",
                               "startPosition")
        started = (await deps.graph.mutate(START, {"input": {
            "deviceId": deviceId, "titleId": titleId, "durationSeconds": duration,
            "positionSeconds": startPosition,
        }}, token=token))["startPlayback"]
        offer = started["offer"]
        device = started["device"]
        command_id = None
        if device["online"] and device["capabilities"]["remoteControllable"]:
            # A mutation: retried only when it cannot have reached the router, never twice.
            command_id = (await deps.graph.mutate(LOAD, {"input": {
                "targetDeviceId": deviceId, "kind": "LOAD", "titleId": titleId,
                "positionSeconds": started["positionSeconds"],
            }}, token=token))["sendCommand"]["id"]
        return PlaybackStarted(
            session_id=started["id"], title_id=started["title"]["id"],
            title=started["title"]["title"], device=Device.from_graph(device),
            state=started["state"], position_seconds=started["positionSeconds"],
            duration_seconds=started["durationSeconds"],
            offer=None if offer is None else PlaybackOffer(
                platform=offer["platform"], type=offer["type"], quality=offer["quality"],
                deep_link=offer.get("deepLink"), web_url=offer.get("webUrl")),
            command_id=command_id,
        )
