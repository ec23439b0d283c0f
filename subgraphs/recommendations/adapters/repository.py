"""The recommender's projections in Tortoise (the port they implement: domain/ports.py)."""

from __future__ import annotations

import asyncio
import dataclasses
import secrets
import uuid
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from subgraphs.recommendations.adapters.orm import (
    FeedbackRow,
    InteractionRow,
    ProfileRow,
    SignalGenreRow,
    TitleSignalRow,
    UserStampRow,
    UserStateRow,
    UserTasteRow,
)
from subgraphs.recommendations.domain.engine.adapter import AdapterState
from subgraphs.recommendations.domain.model import (
    Feedback,
    FeedbackSignal,
    Interaction,
    ProfileLimits,
    TitleFacts,
    TitleSignal,
    UserTaste,
)
from subgraphs.recommendations.domain.ranker import popularity_score

__all__ = ["CATALOG", "PROFILES", "TortoiseRecommendationsRepository"]

# The stamp key of the catalog's facts (users' stamps are keyed by their ids).
CATALOG = uuid.UUID(int=0)
# Moved by every profile write: a replica that holds profiles knows when to read them again.
PROFILES = uuid.UUID(int=1)

_CATALOG_FIELDS = ("name", "genres", "release_year", "popularity", "average_rating", "vote_count",
                   "age_rating", "runtime_minutes", "people", "offers")
_COUNTER_FIELDS = ("rating_sum", "rating_count", "view_count")
_BATCH = 500


# What the read paths select: everything but `updated_at`, as plain values, because building
# model instances (and parsing their timestamps) cost most of a recommendation request.
# Requests leave `people` out too (only a build reads it; parsing it per title costs).
_ALL_SIGNAL_FIELDS = tuple(field.name for field in dataclasses.fields(TitleSignal))
_SIGNAL_FIELDS = tuple(f for f in _ALL_SIGNAL_FIELDS if f != "people")


def _signal_from_values(values: dict[str, Any]) -> TitleSignal:
    return TitleSignal(**{**values, "genres": tuple(values["genres"]),
                          "people": tuple(values.get("people") or ())})


def _offers_seen(previous: dict[str, dict[str, float]] | None,
                 offers: Sequence[tuple[str, str, float | None]], now: float
                 ) -> dict[str, dict[str, float]]:
    """{region: {platform: since when}}: the feed's `available_from` when it gives one, else
    when the offer first appeared here, and 0 (long ago) for offers a title arrived with: a
    catalog loaded today is not all "new on Netflix"."""
    seen: dict[str, dict[str, float]] = {}
    for region, platform, available_from in offers:
        if available_from is not None:
            since = available_from
        elif previous is None:
            since = 0.0
        else:
            since = previous.get(region, {}).get(platform, now)
        seen.setdefault(region, {})[platform] = since
    return seen


def signal_from_row(row: TitleSignalRow) -> TitleSignal:
    return TitleSignal(
        title_id=row.title_id,
        genres=tuple(row.genres),
        release_year=row.release_year,
        popularity=row.popularity,
        average_rating=row.average_rating,
        vote_count=row.vote_count,
        rating_sum=row.rating_sum,
        rating_count=row.rating_count,
        view_count=row.view_count,
        score=row.score,
        name=row.name,
        age_rating=row.age_rating,
        runtime_minutes=row.runtime_minutes,
        people=tuple(row.people),
        offers=row.offers,
    )


def _rescore(row: TitleSignalRow, now: datetime) -> None:
    row.score = popularity_score(replace(signal_from_row(row), score=0.0))
    row.updated_at = now


async def _upsert_signals(rows: list[TitleSignalRow], fields: list[str]) -> None:
    """Insert new rows and update `fields` of existing ones in one statement per batch.

    INSERT ... ON CONFLICT DO UPDATE: far cheaper than Tortoise's bulk_update (CASE per row),
    and a row another writer inserted meanwhile is updated instead of failing the batch.
    """
    if rows:
        await TitleSignalRow.bulk_create(
            rows, batch_size=_BATCH, on_conflict=["title_id"], update_fields=fields
        )


def _locked(query: QuerySet[TitleSignalRow]) -> QuerySet[TitleSignalRow]:
    """Rows this transaction will rewrite, locked where the database can (PostgreSQL)."""
    supported = TitleSignalRow._meta.db.capabilities.support_for_update
    return query.select_for_update() if supported else query


class TortoiseRecommendationsRepository:
    """Reads are one query per batch of keys; writes are a few statements per batch of events.

    Writers of `title_signal` (catalog facts and viewing counters arrive on two streams) take
    turns within a process and lock the rows they rewrite on PostgreSQL, so counters are never
    lost to a concurrent read-modify-write.
    """

    def __init__(self) -> None:
        self._signal_writes = asyncio.Lock()

    async def stamps(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
        return dict(await UserStampRow.filter(user_id__in=list(set(ids))).values_list(
            "user_id", "stamp"))

    @staticmethod
    async def _bump(ids: Collection[uuid.UUID]) -> None:
        """Move these stamps, in the caller's transaction: a random value, not a counter, so
        the write is a plain upsert (no read) on both dialects; in key order, so concurrent
        writers lock rows in one order."""
        if ids:
            await UserStampRow.bulk_create(
                [UserStampRow(user_id=i, stamp=secrets.randbits(62)) for i in sorted(set(ids))],
                on_conflict=["user_id"], update_fields=["stamp"])

    async def signals_by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, TitleSignal]:
        rows = await TitleSignalRow.filter(title_id__in=list(set(ids))).values(*_SIGNAL_FIELDS)
        return {row["title_id"]: _signal_from_values(row) for row in rows}

    async def genres_by_titles(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
        rows = await TitleSignalRow.filter(title_id__in=list(set(ids))).values_list(
            "title_id", "genres"
        )
        return dict(rows)

    async def top_signals(
        self, genres: Collection[str] | None, exclude: Collection[uuid.UUID], limit: int
    ) -> list[TitleSignal]:
        """The most popular titles, in any of `genres` when given, leaving `exclude` out."""
        query = TitleSignalRow.all()
        if genres is not None:
            query = query.filter(
                title_id__in=Subquery(
                    SignalGenreRow.filter(genre__in=list(genres)).values_list("title_id", flat=True)
                )
            )
        # `exclude` (what a user watched) runs to hundreds of ids: skipping them here is cheaper
        # than sending them as hundreds of query parameters.
        rows = await query.order_by("-score", "title_id").limit(limit + len(exclude)).values(
            *_SIGNAL_FIELDS
        )
        kept = (row for row in rows if row["title_id"] not in exclude)
        return [_signal_from_values(row) for row in kept][:limit]

    async def interactions_by_users(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[Interaction]]:
        rows = await InteractionRow.filter(user_id__in=list(set(ids))).order_by(
            "occurred_at", "id").values_list(
            "event_id", "user_id", "title_id", "rating", "completed", "occurred_at", "progress")
        found: dict[uuid.UUID, list[Interaction]] = defaultdict(list)
        for event_id, user_id, title_id, rating, completed, at, progress in rows:
            found[user_id].append(
                Interaction(event_id, user_id, title_id, rating, bool(completed), at, progress))
        return found

    async def tastes_by_users(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, UserTaste]:
        rows = await UserTasteRow.filter(user_id__in=list(set(ids)))
        return {
            row.user_id: UserTaste(row.user_id, tuple(row.preferred_genres), row.home_region,
                                   tuple(row.subscribed_platforms))
            for row in rows
        }

    async def upsert_titles(self, titles: Sequence[TitleFacts]) -> int:
        """Write the catalog facts of each title (the last one wins), keeping our counters."""
        latest = {facts.title_id: facts for facts in titles}
        if not latest:
            return 0
        now = datetime.now(UTC)
        async with self._signal_writes, in_transaction():
            rows = {
                row.title_id: row
                for row in await _locked(TitleSignalRow.filter(title_id__in=list(latest)))
            }
            created, changed = [], []
            for title_id, facts in latest.items():
                row = rows.get(title_id)
                if row is None:
                    row = TitleSignalRow(title_id=title_id)
                    created.append(row)
                else:
                    changed.append(row)
                row.name = facts.name[:300]
                row.genres = list(facts.genres)
                row.age_rating = facts.age_rating
                row.runtime_minutes = facts.runtime_minutes
                row.people = list(facts.people)
                row.offers = _offers_seen(row.offers if title_id in rows else None,
                                          facts.offers, now.timestamp())
                row.release_year = facts.release_year
                row.popularity = facts.popularity
                row.average_rating = facts.average_rating
                row.vote_count = facts.vote_count
                _rescore(row, now)
            await _upsert_signals([*created, *changed], [*_CATALOG_FIELDS, "score", "updated_at"])
            await SignalGenreRow.filter(title_id__in=list(latest)).delete()
            await SignalGenreRow.bulk_create(
                [
                    SignalGenreRow(title_id=title_id, genre=genre)
                    for title_id, facts in latest.items()
                    for genre in dict.fromkeys(facts.genres)
                ]
            )
            await self._bump([CATALOG])
        return len(latest)

    async def record_interactions(self, interactions: Sequence[Interaction]) -> int:
        """Store the events not seen before and add them to their titles' counters."""
        unique = {interaction.event_id: interaction for interaction in interactions}
        if not unique:
            return 0
        now = datetime.now(UTC)
        async with self._signal_writes, in_transaction():
            seen = set(
                await InteractionRow.filter(event_id__in=list(unique))
                .values_list("event_id", flat=True)
            )
            fresh = [i for event_id, i in unique.items() if event_id not in seen]
            if not fresh:
                return 0
            await InteractionRow.bulk_create(
                [
                    InteractionRow(
                        event_id=i.event_id, user_id=i.user_id, title_id=i.title_id,
                        rating=i.rating, completed=i.completed, occurred_at=i.occurred_at,
                        progress=i.progress,
                    )
                    for i in fresh
                ],
                ignore_conflicts=True,
            )
            rows = {
                row.title_id: row
                for row in await _locked(
                    TitleSignalRow.filter(title_id__in=list({i.title_id for i in fresh}))
                )
            }
            created: dict[uuid.UUID, TitleSignalRow] = {}
            for i in fresh:
                row = rows.get(i.title_id) or created.get(i.title_id)
                if row is None:
                    # Viewed before the catalog's event arrived: counters now, facts later.
                    row = created[i.title_id] = TitleSignalRow(
                        title_id=i.title_id, genres=[], popularity=0.0, vote_count=0,
                        rating_sum=0, rating_count=0, view_count=0,
                    )
                row.view_count += 1
                if i.rating is not None:
                    row.rating_sum += i.rating
                    row.rating_count += 1
            touched = [*rows.values(), *created.values()]
            for row in touched:
                _rescore(row, now)
            await _upsert_signals(touched, [*_COUNTER_FIELDS, "score", "updated_at"])
            await self._bump({i.user_id for i in fresh})
        return len(fresh)

    async def remember_tastes(self, tastes: Sequence[UserTaste]) -> int:
        latest = {taste.user_id: taste for taste in tastes}
        if not latest:
            return 0
        now = datetime.now(UTC)
        async with in_transaction():
            await UserTasteRow.bulk_create(
                [
                    UserTasteRow(user_id=user_id, preferred_genres=list(t.preferred_genres),
                                 home_region=t.home_region,
                                 subscribed_platforms=list(t.subscribed_platforms),
                                 updated_at=now)
                    for user_id, t in latest.items()
                ],
                on_conflict=["user_id"],
                update_fields=["preferred_genres", "home_region", "subscribed_platforms",
                               "updated_at"],
            )
            await self._bump(latest)
        return len(latest)

    async def feedback_by_users(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[Feedback]]:
        rows = await FeedbackRow.filter(user_id__in=list(set(ids))).order_by(
            "occurred_at", "id").values_list("user_id", "title_id", "signal", "occurred_at")
        found: dict[uuid.UUID, list[Feedback]] = defaultdict(list)
        for user_id, title_id, signal, at in rows:
            found[user_id].append(Feedback(user_id, title_id, FeedbackSignal(signal), at))
        return found

    async def add_feedback(self, feedback: Feedback) -> None:
        async with in_transaction():
            await FeedbackRow.create(user_id=feedback.user_id, title_id=feedback.title_id,
                                     signal=feedback.signal.value,
                                     occurred_at=feedback.occurred_at)
            await self._bump([feedback.user_id])

    async def states_by_users(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, AdapterState]:
        rows = await UserStateRow.filter(user_id__in=list(set(ids))).values_list(
            "user_id", "model_version", "vector", "applied_until", "events")
        return {user_id: AdapterState(version, tuple(vector), applied, events)
                for user_id, version, vector, applied, events in rows}

    async def save_states(self, states: dict[uuid.UUID, AdapterState]) -> None:
        if not states:
            return
        now = datetime.now(UTC)
        async with in_transaction():
            await UserStateRow.bulk_create(
                [UserStateRow(user_id=user_id, model_version=s.version, vector=list(s.vector),
                              applied_until=s.updated_at, events=s.events, updated_at=now)
                 for user_id, s in states.items()],
                on_conflict=["user_id"],
                update_fields=["model_version", "vector", "applied_until", "events",
                               "updated_at"],
            )
            await self._bump(states)

    async def profiles_by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ProfileLimits]:
        rows = await ProfileRow.filter(profile_id__in=list(set(ids)))
        return {row.profile_id: ProfileLimits(row.profile_id, row.user_id, row.is_kid,
                                              row.max_age, tuple(row.blocked_genres),
                                              row.deleted) for row in rows}

    async def erase_user(self, user_id: uuid.UUID) -> None:
        """Every row of the user (account deletion); idempotent."""
        async with in_transaction() as connection:
            for row in (InteractionRow, FeedbackRow, UserTasteRow, UserStateRow, ProfileRow,
                        UserStampRow):
                await row.filter(user_id=user_id).using_db(connection).delete()

    async def remember_profiles(self, profiles: Sequence[ProfileLimits]) -> int:
        latest = {p.profile_id: p for p in profiles}
        if not latest:
            return 0
        now = datetime.now(UTC)
        async with in_transaction():
            await ProfileRow.bulk_create(
                [ProfileRow(profile_id=p.profile_id, user_id=p.user_id, is_kid=p.is_kid,
                            max_age=p.max_age, blocked_genres=list(p.blocked_genres),
                            deleted=p.deleted, changed_at=now) for p in latest.values()],
                on_conflict=["profile_id"],
                update_fields=["user_id", "is_kid", "max_age", "blocked_genres", "deleted",
                               "changed_at"],
            )
            await self._bump([PROFILES])
        return len(latest)

    async def training_data(self) -> tuple[list[TitleSignal], list[Interaction], list[Feedback],
                                           dict[uuid.UUID, str]]:
        """Everything a build reads: titles, interactions and feedback (oldest first), regions."""
        titles = [_signal_from_values(v) for v in
                  await TitleSignalRow.all().order_by("title_id").values(*_ALL_SIGNAL_FIELDS)]
        interactions = [
            Interaction(str(event_id), user_id, title_id, rating, bool(completed), at, progress)
            for event_id, user_id, title_id, rating, completed, at, progress in
            await InteractionRow.all().order_by("occurred_at", "id").values_list(
                "event_id", "user_id", "title_id", "rating", "completed", "occurred_at",
                "progress")
        ]
        feedback = [
            Feedback(user_id, title_id, FeedbackSignal(signal), at)
            for user_id, title_id, signal, at in
            await FeedbackRow.all().order_by("occurred_at", "id").values_list(
                "user_id", "title_id", "signal", "occurred_at")
        ]
        regions = {user_id: region for user_id, region in
                   await UserTasteRow.filter(home_region__isnull=False).values_list(
                       "user_id", "home_region")}
        return titles, interactions, feedback, regions

    async def event_count(self) -> int:
        return await InteractionRow.all().count() + await FeedbackRow.all().count()
