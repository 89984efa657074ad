"""Repairing bytes that are not quite XML before they are parsed (feeds read through it: test_parse_hostile.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from monitoring.feeds.repair import xml_repair


def test_well_formed_bytes_are_left_as_they_are():
    data = b'<?xml version="1.0"?><rss><channel><title>A &amp; B &#233;</title></channel></rss>'
    repaired = xml_repair(data)
    assert repaired.content is data
    assert (repaired.problems, repaired.line_offset) == ((), 0)


@pytest.mark.parametrize(
    ("fault", "fixed", "words"),
    [
        (b"Tom & Jerry", b"Tom &amp; Jerry", "“&”"),
        (b"caf&eacute;", b"caf&#233;", "&eacute;"),
        (b"&bogus;", b"&amp;bogus;", "&bogus;"),
        (b"&#12x;", b"&amp;amp;#12x;", "&#12x;"),
        (b"tab&#1;", b"tab", "&#1;"),
    ],
)
def test_a_fault_in_a_reference_is_repaired_and_named_with_its_line(fault, fixed, words):
    data = b'<?xml version="1.0"?>\n<rss><channel>\n<title>' + fault + b"</title></channel></rss>"

    repaired = xml_repair(data)

    assert fixed in repaired.content
    ET.fromstring(repaired.content)  # noqa: S314 (the test's own bytes): well-formed now
    assert len(repaired.problems) == 1
    assert "3" in repaired.problems[0]
    assert words in repaired.problems[0]


def test_references_inside_cdata_and_comments_are_left_alone():
    data = b"<rss><!-- a & b --><title><![CDATA[Tom & Jerry &nbsp;]]></title><t>x & y</t></rss>"
    repaired = xml_repair(data)
    assert b"<!-- a & b -->" in repaired.content
    assert b"<![CDATA[Tom & Jerry &nbsp;]]>" in repaired.content
    assert b"x &amp; y" in repaired.content


def test_a_doctype_with_entities_is_dropped_and_its_lines_kept():
    data = b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "aaaa">\n]>\n<rss><title>&a;</title></rss>'

    with translation.override("en"):
        repaired = xml_repair(data)

    assert b"<!DOCTYPE" not in repaired.content
    assert b"ENTITY" not in repaired.content
    assert repaired.content.count(b"\n") == data.count(b"\n")
    assert any("entities" in problem for problem in repaired.problems)


def test_blank_space_before_the_declaration_is_skipped_and_lines_still_count_from_the_original():
    repaired = xml_repair(b"\n\n  <?xml version='1.0'?>\n<rss><title>a & b</title></rss>")

    assert repaired.content.startswith(b"<?xml")
    assert repaired.line_offset == 2
    assert any("4" in problem and "“&”" in problem for problem in repaired.problems)


def test_utf16_becomes_utf8_and_is_repaired_the_same_way():
    text = '<?xml version="1.0" encoding="utf-16"?><rss><title>Café & co</title></rss>'

    repaired = xml_repair(text.encode("utf-16"))

    assert repaired.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert "Café &amp; co".encode() in repaired.content
