from __future__ import annotations


class MonitoringError(Exception):
    """Base class for errors raised while finding mentions."""


class FetchError(MonitoringError):
    """A feed could not be fetched. ``permanent`` errors are not worth retrying soon."""

    def __init__(self, url: str, reason: str, *, permanent: bool, status: int | None = None) -> None:
        self.url = url
        self.reason = reason
        self.permanent = permanent
        self.status = status
        super().__init__(reason)


class ParseError(MonitoringError):
    """The response was not a feed we can read."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(reason)
