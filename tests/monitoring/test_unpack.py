"""Unpacking bodies a bounded step at a time (the caps on a real fetch: test_fetch_limits.py)."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest

from monitoring.feeds.unpack import UNPACK_STEP, content_codings, unpack

TEXT = b"<rss><channel><title>De Dolfijnen</title></channel></rss>" * 2000


@pytest.mark.parametrize(
    ("values", "codings"),
    [
        ([], []),
        (["identity"], []),
        (["gzip"], ["gzip"]),
        (["x-gzip", " BR "], ["gzip", "br"]),
        (["deflate", ""], ["deflate"]),
        (["zstd"], None),
        (["gzip", "compress"], None),
    ],
)
def test_content_codings_are_read_in_the_order_applied_and_unknown_ones_refused(values, codings):
    assert content_codings(values) == codings


def deflate_bare(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("packed", "codings"),
    [
        (gzip.compress(TEXT), ["gzip"]),
        (zlib.compress(TEXT), ["deflate"]),
        (deflate_bare(TEXT), ["deflate"]),  # "deflate" without zlib's wrapping, as some servers send it
        # Brotli holds output back at the step's limit after the last chunk too: it is asked for until none is left.
        (brotli.compress(TEXT), ["br"]),
        (brotli.compress(gzip.compress(TEXT)), ["gzip", "br"]),
    ],
)
def test_it_unpacks_each_coding_in_steps_of_at_most_one_step(packed, codings):
    chunks = [packed[start : start + 7] for start in range(0, len(packed), 7)]

    pieces = list(unpack(chunks, codings))

    assert b"".join(pieces) == TEXT
    assert max(len(piece) for piece in pieces) <= UNPACK_STEP


def test_what_follows_the_end_of_a_gzip_stream_is_left_out():
    assert b"".join(unpack([gzip.compress(TEXT) + b"trailing rubbish"], ["gzip"])) == TEXT


def test_a_broken_body_raises_the_decoder_s_error():
    with pytest.raises(zlib.error):
        list(unpack([b"not gzip at all"], ["gzip"]))
