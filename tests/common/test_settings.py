from __future__ import annotations

from subgraphs.common.settings import database_url_for


def test_each_subgraph_gets_its_own_postgres_database() -> None:
    env = {"DATABASE_URL": "postgres://u:p@db:5432/mediagateway"}
    assert database_url_for("users", env) == "postgres://u:p@db:5432/mediagateway_users"


def test_own_variable_wins() -> None:
    env = {"DATABASE_URL": "postgres://db/x", "USERS_DATABASE_URL": "postgres://other/users"}
    assert database_url_for("users", env) == "postgres://other/users"


def test_sqlite_by_default_in_the_data_dir() -> None:
    assert database_url_for("content", {"MG_DATA_DIR": "/d"}) == "sqlite:///d/content.sqlite3"
