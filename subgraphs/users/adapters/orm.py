"""Tortoise models of the users database; the only place they are defined."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

# The transactional outbox's table lives in this database too (events of account deletion).
from subgraphs.common.outbox import OutboxEvent

__all__ = [
    "OAuthClientRow",
    "OutboxEvent",
    "ProfileRow",
    "RefreshFamilyRow",
    "RefreshTokenRow",
    "SigningKeyRow",
    "UserRow",
    "ViewingEventRow",
    "WatchlistItemRow",
]


class UserRow(Model):
    id = fields.UUIDField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    password_hash = fields.CharField(max_length=200)
    display_name = fields.CharField(max_length=100)
    home_region = fields.CharField(max_length=2)
    subscribed_platforms = fields.JSONField(default=list)
    preferred_genres = fields.JSONField(default=list)
    created_at = fields.DatetimeField()
    email_verified_at = fields.DatetimeField(null=True)

    class Meta:
        table = "user_account"


class ProfileRow(Model):
    id = fields.UUIDField(primary_key=True)
    user = fields.ForeignKeyField("models.UserRow", related_name="profiles",
                                  on_delete=fields.CASCADE)
    name = fields.CharField(max_length=100)
    is_kid = fields.BooleanField(default=False)
    max_age_rating = fields.CharField(max_length=20, null=True)
    blocked_genres = fields.JSONField(default=list)
    avatar = fields.CharField(max_length=20, default="blue")
    pin_hash = fields.CharField(max_length=200, null=True)
    # Null only between a migration's two steps; profiles list in the order they were made.
    created_at = fields.DatetimeField(null=True)

    class Meta:
        table = "profile"


class WatchlistItemRow(Model):
    id = fields.IntField(primary_key=True)
    user = fields.ForeignKeyField("models.UserRow", related_name="watchlist",
                                  on_delete=fields.CASCADE)
    # Titles live in the content subgraph: referenced by id, without a foreign key.
    title_id = fields.UUIDField()
    added_at = fields.DatetimeField()

    class Meta:
        table = "watchlist_item"
        unique_together = (("user", "title_id"),)
        indexes = (("user", "added_at"),)


class ViewingEventRow(Model):
    id = fields.UUIDField(primary_key=True)
    user = fields.ForeignKeyField("models.UserRow", related_name="viewing_events",
                                  on_delete=fields.CASCADE)
    title_id = fields.UUIDField()
    progress = fields.FloatField()
    position_seconds = fields.IntField(null=True)
    completed = fields.BooleanField(default=False)
    rating = fields.SmallIntField(null=True)
    occurred_at = fields.DatetimeField()

    class Meta:
        table = "viewing_event"
        indexes = (("user", "occurred_at"), ("user", "title_id"))


class SigningKeyRow(Model):
    kid = fields.CharField(max_length=64, primary_key=True)
    private_pem = fields.TextField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "signing_key"


class OAuthClientRow(Model):
    """A registered OAuth client: public (no secret, PKCE or device flow) or confidential."""

    client_id = fields.CharField(max_length=64, primary_key=True)
    name = fields.CharField(max_length=100)
    # sha256 hex of the secret; null for public clients.
    secret_hash = fields.CharField(max_length=64, null=True)
    redirect_uris = fields.JSONField(default=list)
    grant_types = fields.JSONField(default=list)
    scopes = fields.JSONField(default=list)
    first_party = fields.BooleanField(default=False)
    # Registered by the app itself (RFC 7591): its name is its own claim, never verified.
    dynamic = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()

    class Meta:
        table = "oauth_client"


class RefreshFamilyRow(Model):
    """One sign-in: every refresh token rotated from it; revoked whole when one is reused."""

    id = fields.UUIDField(primary_key=True)
    user = fields.ForeignKeyField("models.UserRow", related_name="refresh_families",
                                  on_delete=fields.CASCADE)
    client_id = fields.CharField(max_length=64)
    scope = fields.CharField(max_length=500)
    profile_id = fields.UUIDField(null=True)
    created_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    revoked_reason = fields.CharField(max_length=40, null=True)
    # The newest access token of the family, so revoking the family revokes it too.
    last_access_jti = fields.CharField(max_length=64, null=True)
    last_access_expires_at = fields.DatetimeField(null=True)

    class Meta:
        table = "refresh_family"
        indexes = (("user", "created_at"),)


class RefreshTokenRow(Model):
    # sha256 hex of the token: a database leak gives no usable token.
    token_hash = fields.CharField(max_length=64, primary_key=True)
    family = fields.ForeignKeyField("models.RefreshFamilyRow", related_name="tokens",
                                    on_delete=fields.CASCADE)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "refresh_token"


class TitleFactRow(Model):
    """A catalog title's id as content's `title.upserted` announced it: what watchlist adds and
    viewings are checked against (users never reads content's tables)."""

    title_id = fields.UUIDField(primary_key=True)
    announced_at = fields.DatetimeField()

    class Meta:
        table = "title_fact"
