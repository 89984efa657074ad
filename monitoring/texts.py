"""What monitoring tells people about a source (why a poll failed, why it was paused), kept as a code
and its parameters and put into words only when shown, in the language of whoever reads it.

A sentence translated when it was stored stays in the language that happened to be active (the
worker's, or the last visitor's); a code does not. Unknown codes (from a newer or older release) and
texts stored before codes were (code ``text``) are shown as their ``text`` parameter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Code -> sentence. The parameters are filled in with %; ``bytes`` also gives ``size`` in words, and a
# parameter that is itself a stored text ({"code": …, "params": …}) is put into words first.
TEXTS: dict[str, Promise] = {
    # Fetching
    "timeout": _("The site did not answer in time."),
    "unreachable": _("The site could not be reached (%(reason)s)."),
    "too_many_redirects": _("The feed address redirects too often."),
    "unknown_coding": _("The site sent the feed packed in a way we cannot read (%(coding)s)."),
    "unpack_failed": _("The site sent a feed that could not be unpacked (%(reason)s)."),
    "too_large": _("The feed is larger than %(size)s; it was not read."),
    "too_slow": _("The site sent the feed too slowly (over %(s)d seconds)."),
    "gone": _("The feed no longer exists (HTTP %(status)d)."),
    "server_failing": _("The site is busy or failing (HTTP %(status)d); we will try again."),
    "refused": _("The site refused the request (HTTP %(status)d)."),
    # The address guard
    "invalid_url": _("The feed address is not a valid web address."),
    "not_http": _("Only http and https addresses can be fetched."),
    "credentials": _("Addresses with a user name or password in them are not fetched."),
    "https_downgrade": _(
        "The feed address redirects from a secure (https) address to an insecure (http) one, which is not followed."
    ),
    "private_network": _("The feed address leads into a private network (%(address)s) and is not fetched."),
    # Reading and storing
    "not_a_feed": _("The address did not return a feed we can read."),
    "unreadable": _("The feed holds something we could not read (%(error)s)."),
    "store_failed": _("Something went wrong while storing what this feed holds (%(error)s); it is tried again later."),
    # Why a source is paused
    "paused_after_failures": _("Paused after %(count)d failed polls in a row. The last error: %(error)s"),
    "paused_by_board": _("Paused by the board. Nothing new is found through it until it is resumed."),
    "source_retired": _("This source is retired. Bring it back first."),
    "youtube_needs_channel_id": _(
        "A YouTube page by name (@name, /c/ or /user/) does not show its feed without asking YouTube. Open the "
        "channel, choose Share channel → Copy channel ID, and enter https://www.youtube.com/channel/ followed "
        "by that ID."
    ),
}

TEXT = "text"  # a sentence stored before codes were, shown as it is
_PARENTHESISED_PARAMETER = re.compile(r"\s*\([^()]*%\(\w+\)[sd][^()]*\)")


@dataclass(frozen=True)
class Text:
    """A sentence as a code and its parameters; ``str()`` puts it into words in the active language."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return text_render(self.code, self.params)

    def as_json(self) -> dict[str, Any]:
        """The form a parameter holding this text is stored in."""
        return {"code": self.code, "params": dict(self.params)}


def text_render(code: str, params: Mapping[str, Any] | None) -> str:
    """The sentence ``code`` stands for, with ``params`` filled in, in the active language; "" for no code."""
    params = dict(params or {})
    if not code:
        return ""
    template = TEXTS.get(code)
    if template is None:
        return str(params.get("text", ""))
    values = {
        name: text_render(value.get("code", ""), value.get("params")) if _is_text(value) else value
        for name, value in params.items()
    }
    if isinstance(values.get("bytes"), int):
        values["size"] = filesizeformat(values["bytes"])
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        # Parameters stored by another release that this sentence does not take: the sentence still
        # says more than nothing.
        sentence = _PARENTHESISED_PARAMETER.sub("", str(template))
        return sentence.split("%(")[0].strip()


def _is_text(value: object) -> bool:
    return isinstance(value, dict) and isinstance(value.get("code"), str)
