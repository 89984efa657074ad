from __future__ import annotations


class NotificationsError(Exception):
    """Base class for what went wrong telling people."""


class MailNotSent(NotificationsError):
    """The mail server refused an e-mail or could not be reached: worth trying again later."""

    def __init__(self, *, recipient_ids: list[int], notification_id: int | None = None) -> None:
        self.recipient_ids = recipient_ids
        self.notification_id = notification_id
        super().__init__(f"E-mail to {recipient_ids} not sent (notification {notification_id})")
