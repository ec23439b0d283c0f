"""Registration, sign-in, access tokens and the JWKS, through the real app."""

from __future__ import annotations

import uuid

import jwt
from jwt.algorithms import RSAAlgorithm
from redis import Redis

from tests.users.conftest import PASSWORD, UsersClient, error_codes, events_of, random_ip

LOGIN = """
mutation($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    accessToken tokenType expiresIn user { id email }
  }
}
"""
ME = "{ me { id email displayName homeRegion subscribedPlatforms preferredGenres } }"


def test_register_then_login_gives_a_token_the_jwks_verifies(
    users: UsersClient, redis: Redis
) -> None:
    registered = users.register(
        email="Ada@Example.com", homeRegion="gb", subscribedPlatforms=["netflix", "max"],
        preferredGenres=["science-fiction"],
    )["data"]["register"]
    account = registered["user"]
    assert account["email"] == "ada@example.com"
    assert account["homeRegion"] == "GB"
    assert account["subscribedPlatforms"] == ["netflix", "max"]
    assert account["profiles"] == [{"name": "Ada", "isKid": False}]
    assert registered["tokenType"] == "Bearer" and registered["expiresIn"] == 3600

    result = users.execute(LOGIN, {"email": "ada@example.com", "password": PASSWORD})
    login = result["data"]["login"]
    assert login["user"] == {"id": account["id"], "email": "ada@example.com"}

    keys = users.client.http.get("/.well-known/jwks.json").json()["keys"]
    assert len(keys) == 1
    jwk = keys[0]
    assert (jwk["kty"], jwk["alg"], jwk["use"]) == ("RSA", "RS256", "sig")
    assert jwk["n"] and jwk["e"]
    for token in (registered["accessToken"], login["accessToken"]):
        assert jwt.get_unverified_header(token)["kid"] == jwk["kid"]
        claims = jwt.decode(
            token, RSAAlgorithm.from_jwk(jwk), algorithms=["RS256"],
            audience="media-gateway", issuer="media-gateway",
        )
        assert claims["sub"] == account["id"]
        assert claims["scope"].split() == [
            "read:watchlist", "write:watchlist", "read:history", "write:history",
            "playback:control", "profile", "account",
        ]
        # The active profile: the account's first.
        assert claims["profile"]
        assert claims["exp"] - claims["iat"] == 3600
        assert claims["jti"]
    assert jwt.decode(registered["accessToken"], options={"verify_signature": False})["jti"] != (
        jwt.decode(login["accessToken"], options={"verify_signature": False})["jti"]
    )

    (event,) = events_of(redis, "user.registered", user_id=account["id"])
    assert event.payload == {
        "user_id": account["id"],
        "preferred_genres": ["science-fiction"],
        "home_region": "GB",
        "subscribed_platforms": ["netflix", "max"],
    }


def test_the_signing_key_survives_a_restart(users: UsersClient) -> None:
    kid = users.client.http.get("/.well-known/jwks.json").json()["keys"][0]["kid"]
    users.register(email="ada@example.com")
    token = users.execute(LOGIN, {"email": "ada@example.com", "password": PASSWORD})
    assert jwt.get_unverified_header(token["data"]["login"]["accessToken"])["kid"] == kid


def test_duplicate_email_is_a_conflict(users: UsersClient) -> None:
    users.new_user(email="ada@example.com")
    result = users.register(email=" ADA@example.com ")
    assert error_codes(result) == ["CONFLICT"]
    assert result["data"] is None


def test_wrong_password_and_unknown_email_fail_alike(users: UsersClient) -> None:
    users.new_user(email="ada@example.com")
    wrong = users.execute(LOGIN, {"email": "ada@example.com", "password": "not the password"})
    unknown = users.execute(LOGIN, {"email": "bob@example.com", "password": PASSWORD})
    assert error_codes(wrong) == error_codes(unknown) == ["UNAUTHENTICATED"]
    assert wrong["errors"][0]["message"] == unknown["errors"][0]["message"]
    assert "accessToken" not in str(wrong)


def test_invalid_registrations_are_bad_input_and_write_nothing(
    users: UsersClient, redis: Redis
) -> None:
    invalid = [
        {"email": "not-an-email"},
        {"email": "ada@example.com", "password": "too short"},
        {"email": "ada@example.com", "homeRegion": "USA"},
        {"email": "ada@example.com", "subscribedPlatforms": ["netflix", "betamax"]},
        {"email": "ada@example.com", "preferredGenres": ["Sci Fi!"]},
        {"email": "ada@example.com", "displayName": "   "},
    ]
    for fields in invalid:
        result = users.register(**fields)
        assert error_codes(result) == ["BAD_USER_INPUT"], fields
    # None of them created the account: the address is still free.
    user_id = users.new_user(email="ada@example.com")
    assert len(events_of(redis, "user.registered", user_id=str(user_id))) == 1


def test_me_needs_a_signed_in_caller(users: UsersClient) -> None:
    result = users.execute(ME)
    assert error_codes(result) == ["UNAUTHENTICATED"]
    user_id = users.new_user(email="ada@example.com")
    me = users.execute(ME, user_id=user_id)["data"]["me"]
    assert me == {
        "id": str(user_id), "email": "ada@example.com", "displayName": "Ada", "homeRegion": "US",
        "subscribedPlatforms": [], "preferredGenres": [],
    }


def test_user_by_id_is_self_only(users: UsersClient) -> None:
    ada, bob = users.new_user(), users.new_user()
    query = "query($id: ID!) { user(id: $id) { id email } }"
    assert users.execute(query, {"id": str(ada)}, user_id=ada)["data"]["user"]["id"] == str(ada)
    assert error_codes(users.execute(query, {"id": str(bob)}, user_id=ada)) == ["FORBIDDEN"]
    assert error_codes(users.execute(query, {"id": str(bob)})) == ["UNAUTHENTICATED"]
    assert error_codes(users.execute(query, {"id": "nope"}, user_id=ada)) == ["BAD_USER_INPUT"]


def test_update_preferences_changes_only_what_is_given(users: UsersClient) -> None:
    user_id = users.new_user(subscribedPlatforms=["netflix"])
    mutation = """
    mutation($input: UpdatePreferencesInput!) {
      updatePreferences(input: $input) {
        displayName homeRegion subscribedPlatforms preferredGenres
      }
    }
    """
    changes = {"homeRegion": "de", "preferredGenres": ["drama", "comedy"]}
    result = users.execute(mutation, {"input": changes}, user_id=user_id)
    assert result["data"]["updatePreferences"] == {
        "displayName": "Ada", "homeRegion": "DE", "subscribedPlatforms": ["netflix"],
        "preferredGenres": ["drama", "comedy"],
    }
    assert users.execute(ME, user_id=user_id)["data"]["me"]["homeRegion"] == "DE"
    bad = users.execute(mutation, {"input": {"subscribedPlatforms": ["betamax"]}}, user_id=user_id)
    assert error_codes(bad) == ["BAD_USER_INPUT"]
    assert users.execute(ME, user_id=user_id)["data"]["me"]["subscribedPlatforms"] == ["netflix"]
    assert error_codes(users.execute(mutation, {"input": changes})) == ["UNAUTHENTICATED"]


def test_login_is_limited_to_10_a_minute_per_address(users: UsersClient) -> None:
    users.new_user(email="ada@example.com")
    attempt = {"email": "ada@example.com", "password": "wrong password"}
    for _ in range(10):
        assert error_codes(users.execute(LOGIN, attempt)) == ["UNAUTHENTICATED"]
    limited = users.execute(LOGIN, {"email": "ada@example.com", "password": PASSWORD})
    assert error_codes(limited) == ["RATE_LIMITED"]
    assert int(limited["errors"][0]["extensions"]["retry_after"]) <= 60
    # Another address, as the router reports it, is counted apart...
    users.new_user(email="bob@example.com")
    other = users.execute(
        LOGIN, {"email": "bob@example.com", "password": PASSWORD}, ip=random_ip()
    )
    assert "errors" not in other
    # ...but ten failures for one account hold it from every address for the minute.
    elsewhere = users.execute(
        LOGIN, {"email": "ada@example.com", "password": PASSWORD}, ip=random_ip()
    )
    assert error_codes(elsewhere) == ["RATE_LIMITED"]


def test_successful_logins_do_not_count_against_the_account(users: UsersClient) -> None:
    users.new_user(email="ada@example.com")
    for _ in range(11):
        signed_in = users.execute(
            LOGIN, {"email": "ada@example.com", "password": PASSWORD}, ip=random_ip()
        )
        assert "errors" not in signed_in, signed_in


def test_register_is_limited_to_5_an_hour_per_address(users: UsersClient) -> None:
    ip = random_ip()
    for _ in range(5):
        assert "errors" not in users.register(ip=ip)
    assert error_codes(users.register(ip=ip)) == ["RATE_LIMITED"]
    assert "errors" not in users.register()


def test_private_fields_of_a_user_reference_need_its_owner(users: UsersClient) -> None:
    ada, bob = users.new_user(), users.new_user()
    query = """
    query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { id email } } }
    """
    reps = {"reps": [{"__typename": "User", "id": str(bob)}]}
    assert users.execute(query, reps, user_id=bob)["data"]["_entities"][0]["email"]
    assert error_codes(users.execute(query, reps, user_id=ada)) == ["FORBIDDEN"]
    assert error_codes(users.execute(query, reps)) == ["UNAUTHENTICATED"]
    public = users.execute(
        "query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { id } } }",
        reps,
    )
    assert public["data"]["_entities"] == [{"id": str(bob)}]
    missing = users.execute(query, {"reps": [{"__typename": "User", "id": str(uuid.uuid4())}]})
    assert missing["data"]["_entities"] == [None]
