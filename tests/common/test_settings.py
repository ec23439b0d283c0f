from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pydantic import ValidationError

from subgraphs.common.settings import ServiceSettings, database_url_for
from subgraphs.content.settings import Settings as ContentSettings
from subgraphs.playback.settings import Settings as PlaybackSettings
from subgraphs.recommendations.settings import Settings as RecommendationsSettings
from subgraphs.users.settings import Settings as UsersSettings


def test_each_subgraph_gets_its_own_postgres_database() -> None:
    env = {"DATABASE_URL": "postgres://u:p@db:5432/mediagateway"}
    assert database_url_for("users", env) == "postgres://u:p@db:5432/mediagateway_users"


def test_own_variable_wins() -> None:
    env = {"DATABASE_URL": "postgres://db/x", "USERS_DATABASE_URL": "postgres://other/users"}
    assert database_url_for("users", env) == "postgres://other/users"


def test_sqlite_by_default_in_the_data_dir() -> None:
    assert database_url_for("content", {"MG_DATA_DIR": "/d"}) == "sqlite:///d/content.sqlite3"


def test_each_subgraph_reads_its_own_prefix() -> None:
    env = {"MG_DATA_DIR": "/d", "MG_PLAYBACK_SYNC_QUOTA_BYTES": "1024",
           "MG_RECOMMENDATIONS_RETRAIN_SECONDS": "0", "MG_USERS_SMTP_URL": "smtp://h:587",
           "MG_CONTENT_SEARCH_ALPHA": "0.3", "MG_CONTENT_INTENT_MODEL": "m"}
    assert PlaybackSettings.from_env(env).sync_quota_bytes == 1024
    recommendations = RecommendationsSettings.from_env(env)
    assert recommendations.retrain_seconds == 0
    assert recommendations.model_dir == Path("/d/models/recommendations")
    users = UsersSettings.from_env(env)
    assert (users.smtp_url, users.mail_dir) == ("smtp://h:587", "/d/mail")
    content = ContentSettings.from_env(env)
    assert (content.search.alpha, content.intent.model) == (0.3, "m")
    assert content.database_url == "sqlite:///d/content.sqlite3"


def test_former_names_still_work_and_warn(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, "mediagateway.settings"):
        settings = PlaybackSettings.from_env({"MG_SYNC_QUOTA_BYTES": "2048"})
    assert settings.sync_quota_bytes == 2048
    assert "MG_SYNC_QUOTA_BYTES is deprecated: name it MG_PLAYBACK_SYNC_QUOTA_BYTES" in caplog.text
    both = {"MG_REC_POLL_SECONDS": "5", "MG_RECOMMENDATIONS_POLL_SECONDS": "2"}
    assert RecommendationsSettings.from_env(both).poll_seconds == 2, "the new name wins"


def test_settings_are_frozen_and_built_directly_from_defaults_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MG_PLAYBACK_SYNC_MAX_DRIFT_S", "7")
    direct = PlaybackSettings(database_url="sqlite://x")
    assert direct.sync_max_drift_s == 300, "only from_env reads the environment"
    assert PlaybackSettings.from_env().sync_max_drift_s == 7
    with pytest.raises(ValidationError):
        direct.sync_max_drift_s = 1  # type: ignore[misc]
    with pytest.raises(ValueError):
        PlaybackSettings.from_env({"MG_PLAYBACK_SYNC_MAX_DRIFT_S": "0"})


def test_shared_settings_a_caller_set_win_over_the_environment() -> None:
    shared = ServiceSettings(name="users", database_url="sqlite://own", router_secret="s")
    users = UsersSettings.extending(shared, {"MG_DATA_DIR": "/d", "MG_ROUTER_SECRET": "env"})
    assert (users.database_url, users.router_secret, users.mail_dir) == ("sqlite://own", "s",
                                                                          "/d/mail")
