"""Account rules and errors, free of GraphQL and storage."""

from __future__ import annotations

from subgraphs.common.errors import BadInput, Conflict, DomainError

__all__ = ["AlreadyVerified", "BadVerificationToken", "MailUnavailable", "WrongPassword",
           "verification_mail_text"]


class WrongPassword(BadInput):
    def __init__(self, field: str = "currentPassword") -> None:
        super().__init__("That is not your current password.", field=field)


class AlreadyVerified(Conflict):
    def __init__(self) -> None:
        super().__init__("Your email address is already verified.", reason="ALREADY_VERIFIED")


class BadVerificationToken(BadInput):
    def __init__(self) -> None:
        # One answer for unknown, used and expired tokens: none tells a guesser anything.
        super().__init__("This verification link is not valid (used, expired or mistyped); "
                         "ask for a new one.", field="token", reason="INVALID_TOKEN")


class MailUnavailable(DomainError):
    code = "SERVICE_UNAVAILABLE"

    def __init__(self) -> None:
        super().__init__("The verification mail could not be sent just now; try again shortly.")


def verification_mail_text(display_name: str, link: str, token: str, hours: int) -> str:
    return (f"Hello {display_name},\n\n"
            f"please confirm that this is your address for Media Gateway:\n\n{link}\n\n"
            f"Or enter this code in the app: {token}\n\n"
            f"The link works once, for {hours} hours. If you did not sign up, ignore this mail.\n")
