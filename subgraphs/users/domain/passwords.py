"""Password rules and argon2 hashing; hashing is slow on purpose, so callers run it in a thread."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from subgraphs.users.domain.errors import InvalidPassword

__all__ = ["MAX_PASSWORD", "MIN_PASSWORD", "Passwords", "check_password"]

MIN_PASSWORD = 10
# argon2 takes any length; the cap keeps one request from costing much.
MAX_PASSWORD = 256


def check_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidPassword(MIN_PASSWORD, MAX_PASSWORD)
    return password


class Passwords:
    """Hashes and verifies; `verify_unknown` spends the same time when there is no account."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or PasswordHasher()
        self._dummy = self.hasher.hash("not-a-password-anyone-has")

    def hash(self, password: str) -> str:
        return self.hasher.hash(check_password(password))

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def verify_unknown(self, password: str) -> bool:
        """Called when no account has the email: as slow as `verify`, and always False."""
        self.verify(self._dummy, password)
        return False
