"""Recommendations' domain errors."""

from __future__ import annotations

import uuid

from subgraphs.common.errors import BadInput, Forbidden

__all__ = ["InvalidContext", "InvalidCount", "NotYourProfile", "ProfileRestricted",
           "TooManyTitles"]


class InvalidCount(BadInput):
    def __init__(self, first: int, maximum: int) -> None:
        super().__init__(f"`first` must be between 1 and {maximum}, got {first}.", field="first")


class InvalidContext(BadInput):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message, field=field)


class TooManyTitles(BadInput):
    def __init__(self, count: int, maximum: int) -> None:
        super().__init__(f"At most {maximum} titles can be scored at once, got {count}.",
                         field="titleIds")


class NotYourProfile(Forbidden):
    def __init__(self, profile_id: uuid.UUID) -> None:
        super().__init__("That profile is not one of your household's.",
                         profile_id=str(profile_id))


class ProfileRestricted(Forbidden):
    def __init__(self, profile_id: uuid.UUID) -> None:
        super().__init__("This sign-in acts as a profile with parental limits; it can only see "
                         "that profile's recommendations.", profile_id=str(profile_id))
