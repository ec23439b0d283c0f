"""Tortoise models of the content database; the only place they are defined."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

# The transactional outbox's table lives in this database too (ingestion's events).
from subgraphs.common.outbox import OutboxEvent
from subgraphs.common.profile_limits import ProfileLimitFields
from subgraphs.content.catalog.domain.model import CreditRole, OfferType, TitleKind, VideoQuality

__all__ = ["CreditRow", "GenreRow", "OfferHistoryRow", "OfferRow", "OutboxEvent", "PersonRow",
           "PlatformRow", "ProfileLimitRow", "TitleEdgeRow", "TitleGenreRow", "TitleRow",
           "TitleViewerRow", "ViewerPlatformsRow"]


class GenreRow(Model):
    slug = fields.CharField(max_length=40, primary_key=True)
    name = fields.CharField(max_length=80)

    class Meta:
        table = "genre"


class TitleRow(Model):
    id = fields.UUIDField(primary_key=True)
    # Where the title came from ("movielens:1"); reruns of an ingestion upsert by it.
    source_key = fields.CharField(max_length=120, unique=True)
    kind = fields.CharEnumField(TitleKind, max_length=10, db_index=True)
    title = fields.CharField(max_length=500)
    original_title = fields.CharField(max_length=500, null=True)
    overview = fields.TextField(null=True)
    release_date = fields.DateField(null=True)
    release_year = fields.IntField(null=True, db_index=True)
    runtime_minutes = fields.IntField(null=True)
    popularity = fields.FloatField(default=0.0, db_index=True)
    average_rating = fields.FloatField(null=True)
    vote_count = fields.IntField(default=0)
    imdb_id = fields.CharField(max_length=20, null=True, db_index=True)
    tmdb_id = fields.CharField(max_length=20, null=True, db_index=True)
    eidr_id = fields.CharField(max_length=40, null=True, db_index=True)
    # A feed's collection ("Star Wars Collection"): franchise edges of the title graph.
    collection = fields.CharField(max_length=200, null=True)
    # Hash of everything ingestion writes for the title; a rerun with the same hash writes nothing.
    content_hash = fields.CharField(max_length=64, null=True)
    parent = fields.ForeignKeyField(
        "models.TitleRow", related_name="children", null=True, on_delete=fields.CASCADE
    )
    season_number = fields.IntField(null=True)
    episode_number = fields.IntField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)
    # What a sort by name compares: the name without its article, case folded
    # (`Title.sort_key`); written by ingestion.
    sort_title = fields.CharField(max_length=500, null=True)
    # log2 of recent viewing, decayed (catalog/domain/ordering.py), from `viewing.recorded`.
    trending = fields.FloatField(null=True)

    class Meta:
        table = "title"
        # Every sort resumes at (value, id): migrations/content/models/6_title_sorts.py.
        indexes = (("popularity", "id"), ("release_year", "id"), ("average_rating", "id"),
                   ("sort_title", "id"), ("trending", "id"))


class TitleGenreRow(Model):
    id = fields.IntField(primary_key=True)
    title = fields.ForeignKeyField("models.TitleRow", related_name="genre_links",
                                   on_delete=fields.CASCADE)
    genre = fields.ForeignKeyField("models.GenreRow", related_name="title_links",
                                   on_delete=fields.CASCADE)

    class Meta:
        table = "title_genre"
        unique_together = (("title", "genre"),)


class PersonRow(Model):
    id = fields.UUIDField(primary_key=True)
    source_key = fields.CharField(max_length=120, unique=True)
    name = fields.CharField(max_length=300)

    class Meta:
        table = "person"


class CreditRow(Model):
    id = fields.IntField(primary_key=True)
    title = fields.ForeignKeyField("models.TitleRow", related_name="credits",
                                   on_delete=fields.CASCADE)
    person = fields.ForeignKeyField("models.PersonRow", related_name="credits",
                                    on_delete=fields.CASCADE)
    role = fields.CharEnumField(CreditRole, max_length=10)
    character = fields.CharField(max_length=300, null=True)
    order = fields.IntField(default=0)

    class Meta:
        table = "credit"
        unique_together = (("title", "person", "role"),)


class PlatformRow(Model):
    slug = fields.CharField(max_length=40, primary_key=True)
    name = fields.CharField(max_length=80)
    deep_link_template = fields.CharField(max_length=300)
    web_url_template = fields.CharField(max_length=300)

    class Meta:
        table = "platform"


class OfferRow(Model):
    id = fields.UUIDField(primary_key=True)
    title = fields.ForeignKeyField("models.TitleRow", related_name="offers",
                                   on_delete=fields.CASCADE)
    platform = fields.ForeignKeyField("models.PlatformRow", related_name="offers",
                                      on_delete=fields.CASCADE)
    region = fields.CharField(max_length=2)
    type = fields.CharEnumField(OfferType, max_length=12)
    price = fields.DecimalField(max_digits=8, decimal_places=2, null=True)
    currency = fields.CharField(max_length=3, null=True)
    quality = fields.CharEnumField(VideoQuality, max_length=3)
    audio_languages = fields.JSONField(default=list)
    subtitle_languages = fields.JSONField(default=list)
    available_from = fields.DatetimeField(null=True)
    available_until = fields.DatetimeField(null=True)
    deep_link = fields.CharField(max_length=500)
    web_url = fields.CharField(max_length=500)

    class Meta:
        table = "offer"
        unique_together = (("title", "platform", "region", "type"),)
        indexes = (("title", "region"), ("region", "available_until"))


class OfferHistoryRow(Model):
    """One offer change (appeared, left, price changed), written by ingestion with the change.

    `offer_id` is the offer's stable id (the same for its key on every write), not a foreign
    key: a left offer has no row, and ingestion replaces a title's offer rows on every write.
    """

    id = fields.BigIntField(primary_key=True)
    offer_id = fields.UUIDField()
    title = fields.ForeignKeyField("models.TitleRow", related_name="offer_history",
                                   on_delete=fields.CASCADE)
    platform = fields.ForeignKeyField("models.PlatformRow", related_name="offer_history",
                                      on_delete=fields.CASCADE)
    region = fields.CharField(max_length=2)
    offer_type = fields.CharEnumField(OfferType, max_length=12)
    quality = fields.CharEnumField(VideoQuality, max_length=3)
    kind = fields.CharField(max_length=16)
    old_price = fields.DecimalField(max_digits=8, decimal_places=2, null=True)
    new_price = fields.DecimalField(max_digits=8, decimal_places=2, null=True)
    currency = fields.CharField(max_length=3, null=True)
    at = fields.DatetimeField()

    class Meta:
        table = "offer_history"
        indexes = (("region", "kind", "at"), ("title", "platform", "region", "offer_type"))


class TitleEdgeRow(Model):
    """One reason two titles are related (title graph); `src` keeps its strongest neighbours."""

    id = fields.IntField(primary_key=True)
    src = fields.ForeignKeyField("models.TitleRow", related_name="edges_out",
                                 on_delete=fields.CASCADE)
    dst = fields.ForeignKeyField("models.TitleRow", related_name="edges_in",
                                 on_delete=fields.CASCADE)
    kind = fields.CharField(max_length=10)
    weight = fields.FloatField()

    class Meta:
        table = "title_edge"
        unique_together = (("src", "dst", "kind"),)


class TitleViewerRow(Model):
    """Who watched a title, from `viewing.recorded`, for co-watching edges.

    The viewer is a hash of the user id: content needs to tell audiences apart, not know them.
    """

    id = fields.IntField(primary_key=True)
    title = fields.ForeignKeyField("models.TitleRow", related_name="viewers",
                                   on_delete=fields.CASCADE)
    viewer_key = fields.CharField(max_length=32)
    # The viewer's latest viewing of the title (null for pairs stored before trending).
    viewed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "title_viewer"
        unique_together = (("title", "viewer_key"),)


class ViewerPlatformsRow(Model):
    """A user's subscribed platforms and home region, from users' `user.registered` and
    `user.updated` (for `onlyMySubscriptions` and price sorts)."""

    user_id = fields.UUIDField(primary_key=True)
    home_region = fields.CharField(max_length=2)
    platforms = fields.JSONField(default=list)
    changed_at = fields.DatetimeField()

    class Meta:
        table = "viewer_platforms"


class ProfileLimitRow(ProfileLimitFields):
    """A household profile's parental limits, from users' `profile.changed`."""

    class Meta:
        table = "profile_limit"
