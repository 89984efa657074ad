"""Repairing feed bytes that are not quite XML, where that is safe, and saying in plain words what was fixed.

A bare "&", an HTML entity name such as ``&nbsp;`` and a broken character code are made well-formed;
a DOCTYPE is dropped with its entity declarations, so entity bombs and external entities have nothing
to expand; UTF-16 and UTF-32 documents become UTF-8 first. ``parse.feed_parse`` reads what comes out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.entities import html5

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Repaired:
    content: bytes
    problems: tuple[str, ...] = ()
    line_offset: int = 0  # lines removed from the top, to report lines as they are in the original


_LEADING_SPACE = re.compile(rb"^(\xef\xbb\xbf)?(\s+)<\?xml")
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_DOCTYPE_TOKEN = re.compile(rb"<!--|[\"'\[\]>]")
_SPECIAL = re.compile(rb"<!\[CDATA\[|<!--|<\?|&")
# Any "&" that is not a well-formed reference, or a code for a control character XML forbids;
# most feeds have none, and then the slower scan below is skipped.
_SUSPECT = re.compile(
    rb"&(?!amp;|lt;|gt;|quot;|apos;|#[0-9]{1,7};|#x[0-9a-fA-F]{1,6};)"
    rb"|&#0*(?:[0-8]|1[124-9]|2[0-9]|3[01]);|&#x0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F]);"
)
_SECTION_ENDS = {b"<![CDATA[": b"]]>", b"<!--": b"-->", b"<?": b"?>"}
# Bounded, so a 10 MB run of digits never reaches int() (which refuses over 4300 digits).
_REFERENCE = re.compile(rb"&(?P<ref>#[0-9]{1,10};|#x[0-9a-fA-F]{1,8};|[A-Za-z_][A-Za-z0-9_.-]{0,63};)?")
_BROKEN_CHARREF = re.compile(rb"&#[^;\s<&]{0,10};?")
_XML_NAMES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})


def xml_repair(data: bytes) -> Repaired:
    """``data`` with the faults fixed that strict XML parsing stops at, and what was fixed.

    UTF-16 and UTF-32 documents are turned into UTF-8 first, so the same repairs reach them.
    """
    data = _utf8(data)
    if b"\x00" in data[:4]:
        return Repaired(content=data)
    problems: list[str] = []
    line_offset = 0
    leading = _LEADING_SPACE.match(data)
    if leading:
        line_offset = leading[2].count(b"\n")
        data = (leading[1] or b"") + data[leading.end(2) :]
        problems.append(_("The feed has blank space before its XML declaration; it was skipped."))
    data, had_entities = _doctype_drop(data)
    if had_entities:
        problems.append(_("The feed declares its own XML entities; they were ignored for safety."))
    data, faults = _references_repair(data)
    for fault, (line, example) in faults.items():
        problems.append(_reference_problem(fault, line + line_offset, example))
    return Repaired(content=data, problems=tuple(problems), line_offset=line_offset)


_WIDE_ENCODINGS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
)
_DECLARED_ENCODING = re.compile(r"""^(<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")


def _utf8(data: bytes) -> bytes:
    """``data`` in UTF-8 when it is UTF-16 or UTF-32 (by byte order mark or first characters)."""
    for start, codec in _WIDE_ENCODINGS:
        if data.startswith(start):
            bom = start if start.startswith((b"\xff", b"\xfe", b"\x00\x00")) else b""
            text = data[len(bom) :].decode(codec, "replace")
            return _DECLARED_ENCODING.sub(r"\1\2utf-8\2", text, count=1).encode("utf-8")
    return data


def _doctype_drop(data: bytes) -> tuple[bytes, bool]:
    """``data`` without its DOCTYPE (kept as blank lines), and whether it declared entities.

    A feed never needs a DTD, and its entity declarations are how entity bombs ("billion laughs")
    and external entities (XXE) get in.
    """
    element = _FIRST_ELEMENT.search(data)
    prolog_end = element.start() if element else len(data)
    match = _DOCTYPE.search(data, 0, prolog_end)
    if not match:
        return data, False
    start, end = match.start(), _doctype_end(data, match.end())
    doctype = data[start:end]
    return data[:start] + b"\n" * doctype.count(b"\n") + data[end:], b"<!ENTITY" in doctype.upper()


def _doctype_end(data: bytes, position: int) -> int:
    """Where the DOCTYPE that continues at ``position`` ends, skipping its quoted strings,
    comments and internal subset; the end of ``data`` when it never ends."""
    in_subset = False
    while (token := _DOCTYPE_TOKEN.search(data, position)) is not None:
        mark = token[0]
        if mark in (b'"', b"'", b"<!--"):
            closer = b"-->" if mark == b"<!--" else mark
            close = data.find(closer, token.end())
            if close < 0:
                return len(data)
            position = close + len(closer)
            continue
        position = token.end()
        if mark == b"[":
            in_subset = True
        elif mark == b"]":
            in_subset = False
        elif not in_subset:
            return position
    return len(data)


def _references_repair(data: bytes) -> tuple[bytes, dict[str, tuple[int, str]]]:
    """Fix bare "&", HTML entity names and broken character codes outside CDATA, comments and
    processing instructions; also return, per kind of fault, its first line and an example.

    Scans with ``find`` rather than lazy regular expressions, so sections that never end cost
    linear time, not quadratic.
    """
    first: dict[str, tuple[int, str]] = {}
    if not _SUSPECT.search(data):
        return data, first
    pieces: list[bytes] = []
    position = 0
    while (special := _SPECIAL.search(data, position)) is not None:
        pieces.append(data[position : special.start()])
        token = special[0]
        if token != b"&":
            close = data.find(_SECTION_ENDS[token], special.end())
            position = len(data) if close < 0 else close + len(_SECTION_ENDS[token])
            pieces.append(data[special.start() : position])
            continue
        reference = _REFERENCE.match(data, special.start())
        if reference is None:  # never: the pattern also matches a lone "&"
            break
        fault, example = _reference_fault(reference)
        if fault and fault not in first:
            first[fault] = (data.count(b"\n", 0, special.start()) + 1, example[:40].decode("ascii", "replace"))
        pieces.append(_reference_replacement(fault, reference) if fault else reference[0])
        position = reference.end()
    pieces.append(data[position:])
    return b"".join(pieces), first


def _reference_fault(reference: re.Match[bytes]) -> tuple[str, bytes]:
    """The kind of fault in an "&..." reference ("" when it is fine) and the text to quote for it."""
    ref = reference["ref"]
    if ref is None:
        broken = _BROKEN_CHARREF.match(reference.string, reference.start())
        return ("charref_broken", broken[0]) if broken else ("ampersand", b"&")
    if ref.startswith(b"#"):
        code = int(ref[2:-1], 16) if ref[1:2] == b"x" else int(ref[1:-1])
        return ("", b"") if _is_xml_char(code) else ("charref_invalid", reference[0])
    name = ref[:-1]
    if name in _XML_NAMES:
        return "", b""
    return ("entity" if html5.get(name.decode("ascii") + ";") else "entity_unknown"), reference[0]


def _reference_replacement(fault: str, reference: re.Match[bytes]) -> bytes:
    if fault == "ampersand":
        return b"&amp;"
    if fault == "charref_broken":
        # Escaped twice: feedparser reads text as HTML, and "&#" with too many digits makes it fail.
        return b"&amp;amp;"
    if fault == "charref_invalid":
        return b""
    ref = reference["ref"] or b""
    if fault == "entity_unknown":
        return b"&amp;" + ref
    text = html5[ref[:-1].decode("ascii") + ";"]
    return b"".join(b"&#%d;" % ord(char) for char in text)


def _is_xml_char(code: int) -> bool:
    # XML 1.0 section 2.2: https://www.w3.org/TR/xml/#charsets
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def _reference_problem(fault: str, line: int, example: str) -> str:
    values = {"line": line, "example": example}
    if fault == "ampersand":
        return _("Line %(line)s has an “&” that is not written as “&amp;”; it was read as a plain “&”.") % values
    if fault == "entity":
        return (
            _("Line %(line)s uses the HTML name “%(example)s”, unknown to XML; it was read as its character.") % values
        )
    if fault == "entity_unknown":
        return _("Line %(line)s uses an unknown character name (“%(example)s”); it was kept as text.") % values
    if fault == "charref_broken":
        return _("Line %(line)s has a broken character code (“%(example)s”); it was kept as text.") % values
    return _("Line %(line)s refers to a character that XML does not allow (“%(example)s”); it was left out.") % values
