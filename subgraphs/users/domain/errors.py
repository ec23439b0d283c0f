"""Users' domain errors."""

from __future__ import annotations

from subgraphs.common.errors import BadInput, Conflict, Unauthenticated

__all__ = [
    "EmailTaken",
    "InvalidCredentials",
    "InvalidDisplayName",
    "InvalidEmail",
    "InvalidGenre",
    "InvalidPassword",
    "InvalidPlatform",
    "InvalidPosition",
    "InvalidProgress",
    "InvalidRating",
    "InvalidRegion",
]


class InvalidEmail(BadInput):
    def __init__(self, email: str) -> None:
        super().__init__(f"{email!r} is not a valid email address.", field="email")


class InvalidPassword(BadInput):
    def __init__(self, minimum: int, maximum: int) -> None:
        super().__init__(
            f"The password must be {minimum} to {maximum} characters long.", field="password"
        )


class InvalidDisplayName(BadInput):
    def __init__(self, maximum: int) -> None:
        super().__init__(
            f"The display name must be 1 to {maximum} characters long.", field="displayName"
        )


class InvalidRegion(BadInput):
    def __init__(self, region: str) -> None:
        super().__init__(
            f"Region must be an ISO 3166-1 alpha-2 code such as 'US', got {region!r}.",
            field="homeRegion",
        )


class InvalidPlatform(BadInput):
    def __init__(self, slug: str) -> None:
        super().__init__(f"Unknown platform {slug!r}.", field="subscribedPlatforms")


class InvalidGenre(BadInput):
    def __init__(self, slug: str) -> None:
        super().__init__(
            f"Genres are slugs such as 'science-fiction', got {slug!r}.", field="preferredGenres"
        )


class InvalidRating(BadInput):
    def __init__(self, rating: int) -> None:
        super().__init__(f"A rating is 1 to 5, got {rating}.", field="rating")


class InvalidProgress(BadInput):
    def __init__(self, progress: float) -> None:
        super().__init__(f"Progress is a fraction from 0 to 1, got {progress}.", field="progress")


class InvalidPosition(BadInput):
    def __init__(self, position: int) -> None:
        super().__init__(
            f"A position is a number of seconds from 0, got {position}.", field="positionSeconds"
        )


class EmailTaken(Conflict):
    def __init__(self) -> None:
        super().__init__("An account with this email already exists.", field="email")


class InvalidCredentials(Unauthenticated):
    """One message whether the email is unknown or the password wrong, so neither leaks."""

    def __init__(self) -> None:
        super().__init__("Wrong email or password.")
