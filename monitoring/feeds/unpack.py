"""Unpacking a feed's body from the content codings we offer (RFC 9110 8.4.1), a bounded step at a time,
so that ``fetch`` stops a compression bomb before it unfolds."""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence

import brotli

# The content codings we offer and unpack (RFC 9110 8.4.1). Not zstd: feeds are small text, gzip and
# brotli serve them well, and every coding offered is one more decoder to keep bounded.
ACCEPT_ENCODING = "gzip, deflate, br"
# The most one unpacking step turns into at once (brotli may go over by a block). httpx unpacks a
# whole network chunk in one go, and 2 KB of brotli can hold gigabytes.
UNPACK_STEP = 64 * 1024

# Content codings by their names in Content-Encoding; x-gzip is gzip (RFC 9110 8.4.1.3).
_CODINGS = {"gzip": "gzip", "x-gzip": "gzip", "deflate": "deflate", "br": "br"}


def content_codings(values: Iterable[str]) -> list[str] | None:
    """The codings in the Content-Encoding values, in the order they were applied ("identity" left out).

    None when one of them is a coding we did not offer (``ACCEPT_ENCODING``), so cannot unpack.
    """
    codings: list[str] = []
    for value in values:
        name = value.strip().lower()
        if name in ("", "identity"):
            continue
        if name not in _CODINGS:
            return None
        codings.append(_CODINGS[name])
    return codings


def unpack(chunks: Iterable[bytes], codings: Sequence[str]) -> Iterator[bytes]:
    """``chunks`` unpacked from ``codings`` (as ``content_codings`` gives them), the last applied undone first.

    Every piece yielded is at most about ``UNPACK_STEP`` bytes, however much one chunk holds, so the
    caller can stop before a bomb unfolds. Raises ``zlib.error`` or ``brotli.error`` on a broken body.
    """
    body: Iterable[bytes] = chunks
    for coding in reversed(codings):
        body = _UNPACKERS[coding](body)
    yield from body


def _inflate(chunks: Iterable[bytes], wbits: int) -> Iterator[bytes]:
    decompressor = zlib.decompressobj(wbits)
    for chunk in chunks:
        data = chunk
        while True:
            piece = decompressor.decompress(data, UNPACK_STEP)
            if piece:
                yield piece
            data = decompressor.unconsumed_tail
            if decompressor.eof:
                return  # whatever follows the end of the stream is not part of the feed
            # A full step may leave output inside zlib although all input went in: ask again.
            if not data and len(piece) < UNPACK_STEP:
                break


def _gunzip(chunks: Iterable[bytes]) -> Iterator[bytes]:
    return _inflate(chunks, zlib.MAX_WBITS | 16)


def _undeflate(chunks: Iterable[bytes]) -> Iterator[bytes]:
    # "deflate" means zlib's wrapping (RFC 9110 8.4.1.2), but some servers send bare deflate; the two
    # header bytes of the wrapping tell which (RFC 1950 2.2): method 8, and a multiple of 31.
    chunks = iter(chunks)
    head = b""
    for chunk in chunks:
        head += chunk
        if len(head) >= 2:
            break
    is_wrapped = len(head) >= 2 and head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0
    return _inflate(itertools.chain([head], chunks), zlib.MAX_WBITS if is_wrapped else -zlib.MAX_WBITS)


def _unbrotli(chunks: Iterable[bytes]) -> Iterator[bytes]:
    decompressor = brotli.Decompressor()
    for chunk in chunks:
        if decompressor.is_finished():
            return  # whatever follows the end of the stream is not part of the feed
        piece = decompressor.process(chunk, output_buffer_limit=UNPACK_STEP)
        # Brotli stops near the limit (its buffer grows in steps, so a piece may pass it by half) with output
        # still to give, and ``can_accept_more_data()`` does not say so: ask for more until it gives nothing,
        # handing it on in steps.
        while piece:
            for start in range(0, len(piece), UNPACK_STEP):
                yield piece[start : start + UNPACK_STEP]
            piece = decompressor.process(b"", output_buffer_limit=UNPACK_STEP)


_UNPACKERS: dict[str, Callable[[Iterable[bytes]], Iterator[bytes]]] = {
    "gzip": _gunzip,
    "deflate": _undeflate,
    "br": _unbrotli,
}
