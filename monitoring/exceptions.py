from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _


class MonitoringError(Exception):
    """Base class for errors raised while finding mentions."""


class FetchError(MonitoringError):
    """A feed could not be fetched. ``permanent`` errors are not worth retrying soon."""

    def __init__(
        self,
        url: str,
        reason: str,
        *,
        permanent: bool,
        status: int | None = None,
        retry_after: timedelta | None = None,
    ) -> None:
        self.url = url
        self.reason = reason
        self.permanent = permanent
        self.status = status
        self.retry_after = retry_after  # how long the site asked us to wait (429/503 Retry-After), if it did
        super().__init__(reason)


class RefusedURL(FetchError):
    """``url`` is not an address we fetch: not http(s), not valid, with a user name or password, or
    reached by a redirect from https to plain http.

    Always permanent. After a redirect, ``url`` is the address redirected to.
    """

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, reason, permanent=True)


class RefusedAddress(FetchError):
    """``url``'s host resolved to ``address``, which is not on the public internet; nothing was sent.

    Always permanent. After a redirect, ``url`` is the address redirected to.
    """

    def __init__(self, url: str, address: str) -> None:
        self.address = address
        reason = _("The feed address leads into a private network (%(address)s) and is not fetched.") % {
            "address": address
        }
        super().__init__(url, reason, permanent=True)


class ParseError(MonitoringError):
    """The response was not a feed we can read."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(reason)


class StoreError(MonitoringError):
    """What the feed of ``source_id`` held could not be stored: a fault on our side (a value the
    database refuses, say), not the feed's. ``reason`` is in plain words, with the technical detail."""

    def __init__(self, source_id: int, reason: str) -> None:
        self.source_id = source_id
        self.reason = reason
        super().__init__(reason)
