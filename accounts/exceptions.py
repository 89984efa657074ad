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
