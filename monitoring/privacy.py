"""What stays of a person once they are forgotten: a stable pseudonym, and keyed digests of their handle and of
the links of what they said, so that a repeated entry is still known and a forgotten handle is recognised when
it speaks again, while neither the handle nor the link can be read back.

Pure functions: no query, no network. The digests are keyed with ``WEBCARE_PRIVACY_KEY`` (by default the
``SECRET_KEY``): changing that key makes earlier pseudonyms and the forgotten list unrecognisable.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.conf import settings
from django.utils.crypto import salted_hmac

# A stored link or entry key that was replaced by its digest starts with this; no real link does.
FORGOTTEN_PREFIX = "forgotten:"

# The complainant's name once anonymised: the same word in every language, like a name.
PSEUDONYM_WORD = "Klager"


def _digest(salt: str, value: str) -> str:
    key = getattr(settings, "WEBCARE_PRIVACY_KEY", "") or settings.SECRET_KEY
    return salted_hmac(f"webcare.privacy.{salt}", value, secret=key, algorithm="sha256").hexdigest()


def identity_normalised(value: str) -> str:
    """A name, handle, e-mail address or phone number as compared: case and accents folded, spaces squeezed, a
    leading ``@`` dropped, a phone number reduced to its digits (``+31 6-1234 5678`` and ``0031612345678`` stay
    apart: we compare what people typed, not what a telephone exchange would)."""
    text = unicodedata.normalize("NFKC", value).casefold().strip().lstrip("@")
    digits = "".join(ch for ch in text if ch.isdigit())
    if digits and len(digits) >= 6 and all(ch.isdigit() or ch in " +-().\u00a0" for ch in text):
        return digits
    return " ".join(text.split())


def identity_digest(organisation_id: int, value: str) -> str:
    """The keyed digest of a person's name, handle, e-mail address or phone number within one organisation."""
    return _digest("identity", f"{organisation_id}:{identity_normalised(value)}")


def pseudonym(organisation_id: int, value: str) -> str:
    """The stable pseudonym that replaces a person's name or handle: ``Klager 7F3A``; empty for no name. The same
    name gets the same pseudonym everywhere in one organisation, so the history still says who spoke twice."""
    if not value.strip():
        return ""
    return f"{PSEUDONYM_WORD} {identity_digest(organisation_id, value)[:4].upper()}"


def forgotten_key(value: str) -> str:
    """The digest that replaces a link or an entry key of something anonymised (empty stays empty): still
    unique where the original was, so a source that serves the entry again is recognised (``known_key_forms``)."""
    if not value or value.startswith(FORGOTTEN_PREFIX):
        return value
    return FORGOTTEN_PREFIX + _digest("link", value)[:40]


def mention_anonymised_values(
    organisation_id: int, *, author: str, canonical_url: str, entry_key: str
) -> dict[str, Any]:
    """A mention's personal fields as anonymisation leaves them: the author's pseudonym, no title, text or link,
    digests in place of its link and entry key. Where it was said, when, by which source, its category, flags
    and status stay. Used for retention, for erasure and for a forgotten person's new mentions alike."""
    return {
        "author": pseudonym(organisation_id, author),
        "title": "",
        "snippet": "",
        "content_html": "",
        "url": "",
        "canonical_url": forgotten_key(canonical_url),
        "entry_key": forgotten_key(entry_key),
    }
