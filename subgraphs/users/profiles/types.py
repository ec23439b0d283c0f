"""GraphQL types of household profiles: the profile, the inputs and the payloads."""

from __future__ import annotations

import strawberry

from subgraphs.users.domain import model
from subgraphs.users.profiles.domain import AVATARS, ProfileDraft
from subgraphs.users.profiles.services import ProfileChanges

__all__ = [
    "CreateProfileInput",
    "DeleteProfilePayload",
    "Profile",
    "ProfilePayload",
    "SwitchProfilePayload",
    "UpdateProfileInput",
]


@strawberry.type(description="One member of a household; its parental limits apply to "
                 "search, recommendations and playback while a token acts as it.")
class Profile:
    id: strawberry.ID
    name: str
    avatar: str
    is_kid: bool
    max_age_rating: str | None = strawberry.field(
        description="The oldest age rating it may watch (PG-13, 12, FSK 16); null: no limit.")
    blocked_genres: list[str]
    has_pin: bool = strawberry.field(description="Switching into it needs its 4-digit PIN.")

    @classmethod
    def from_domain(cls, profile: model.Profile) -> Profile:
        return cls(
            id=strawberry.ID(str(profile.id)),
            name=profile.name,
            avatar=profile.avatar,
            is_kid=profile.is_kid,
            max_age_rating=profile.max_age_rating,
            blocked_genres=list(profile.blocked_genres),
            has_pin=profile.has_pin,
        )


@strawberry.input
class CreateProfileInput:
    name: str
    avatar: str = strawberry.field(default="blue", description=f"One of {', '.join(AVATARS)}.")
    is_kid: bool = strawberry.field(
        default=False, description="A kid profile with no `maxAgeRating` gets PG.")
    max_age_rating: str | None = None
    blocked_genres: list[str] = strawberry.field(default_factory=list)
    pin: str | None = strawberry.field(default=None, description="4 digits; locks the profile.")

    def to_domain(self) -> ProfileDraft:
        return ProfileDraft.of(
            name=self.name, avatar=self.avatar, is_kid=self.is_kid,
            max_age_rating=self.max_age_rating, blocked_genres=self.blocked_genres,
        )


@strawberry.input(description='Null or absent fields stay as they are; `maxAgeRating: ""` '
                  'lifts the limit and `pin: ""` removes the PIN.')
class UpdateProfileInput:
    profile_id: strawberry.ID
    name: str | None = None
    avatar: str | None = None
    is_kid: bool | None = None
    max_age_rating: str | None = None
    blocked_genres: list[str] | None = None
    pin: str | None = None

    def to_domain(self) -> ProfileChanges:
        return ProfileChanges(
            name=self.name, avatar=self.avatar, is_kid=self.is_kid,
            max_age_rating=self.max_age_rating,
            blocked_genres=None if self.blocked_genres is None else tuple(self.blocked_genres),
            pin=self.pin,
        )


@strawberry.type
class ProfilePayload:
    profile: Profile


@strawberry.type
class DeleteProfilePayload:
    deleted_profile_id: strawberry.ID


@strawberry.type(description="A token for the same account and scopes, acting as `profile`.")
class SwitchProfilePayload:
    access_token: str
    token_type: str = strawberry.field(description="Always `Bearer`.")
    expires_in: int = strawberry.field(description="Seconds until the access token expires.")
    profile: Profile
