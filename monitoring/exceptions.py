from __future__ import annotations

from datetime import timedelta

from monitoring.texts import TEXT, Text


class MonitoringError(Exception):
    """Base class for errors raised while finding mentions.

    ``text`` says what went wrong as a code and parameters (stored like that on the source); ``str()``
    of the error and ``reason`` put it into words in the active language. A plain ``str`` (for the
    command line only) is kept as it is.
    """

    text: Text

    def __init__(self, text: Text | str) -> None:
        self.text = text if isinstance(text, Text) else Text(TEXT, {"text": text})
        super().__init__(self.text)

    @property
    def reason(self) -> str:
        return str(self.text)

    def __str__(self) -> str:
        return str(self.text)


class SourceRetired(MonitoringError):
    """``source_id`` is retired: it is brought back first, then paused or resumed."""

    def __init__(self, source_id: int) -> None:
        self.source_id = source_id
        super().__init__(Text("source_retired"))


class FetchError(MonitoringError):
    """A feed could not be fetched. ``permanent`` errors are not worth retrying soon."""

    def __init__(
        self,
        url: str,
        text: Text,
        *,
        permanent: bool,
        status: int | None = None,
        retry_after: timedelta | None = None,
    ) -> None:
        self.url = url
        self.permanent = permanent
        self.status = status
        self.retry_after = retry_after  # how long the site asked us to wait (429/503 Retry-After), if it did
        super().__init__(text)


class RefusedURL(FetchError):
    """``url`` is not an address we fetch: not http(s), not valid, with a user name or password, or
    reached by a redirect from https to plain http.

    Always permanent. After a redirect, ``url`` is the address redirected to.
    """

    def __init__(self, url: str, text: Text) -> None:
        super().__init__(url, text, permanent=True)


class RefusedAddress(FetchError):
    """``url``'s host resolved to ``address``, which is not on the public internet; nothing was sent.

    Always permanent. After a redirect, ``url`` is the address redirected to.
    """

    def __init__(self, url: str, address: str) -> None:
        self.address = address
        super().__init__(url, Text("private_network", {"address": address}), permanent=True)


class ParseError(MonitoringError):
    """The response was not a feed we can read."""

    def __init__(self, url: str, text: Text) -> None:
        self.url = url
        super().__init__(text)


class StoreError(MonitoringError):
    """What the feed of ``source_id`` held could not be stored: a fault on our side (a value the
    database refuses, say), not the feed's. ``text`` carries the technical detail."""

    def __init__(self, source_id: int, text: Text) -> None:
        self.source_id = source_id
        super().__init__(text)
