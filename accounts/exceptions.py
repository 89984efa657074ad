from __future__ import annotations


class AccountsError(Exception):
    """Base class for errors raised by account services."""


class UnknownRole(AccountsError):
    def __init__(self, role: str) -> None:
        self.role = role
        super().__init__(role)


class InvalidPassword(AccountsError):
    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__(" ".join(messages))


class UserNotFound(AccountsError):
    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        super().__init__(f"user {user_id}")


class UserRefused(AccountsError):
    """A change to a person's account that is not allowed; ``field`` names the form field it concerns
    (``None``: the form as a whole) and the message says why, for the person making the change."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        self.message = message
        super().__init__(message)
