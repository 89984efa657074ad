"""Nothing switches Django's escaping off except in the few places listed (and reviewed) below.

Text from feeds, complainants and colleagues reaches every page; one ``|safe`` on it is a script in a
colleague's browser. Feed HTML goes through ``feed_html`` (nh3) and nothing else may mark text safe unless it
is on ``REVIEWED`` with the reason it is safe there. A new occurrence, or one more in a reviewed file, fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", ".git", "tests", "migrations", "node_modules", "var", "__pycache__", "test-artifacts"}
SCANNED_SUFFIXES = {".py", ".html", ".txt", ".xml", ".jinja"}

# What turns escaping off, in templates and in Python (a template written in a string is a template too).
UNSAFE = {
    "|safe": re.compile(r"\|\s*safe(?!seq)\b"),
    "|safeseq": re.compile(r"\|\s*safeseq\b"),
    "autoescape off": re.compile(r"\{%\s*autoescape\s+off\b"),
    "autoescape=False": re.compile(r"""["']?autoescape["']?\s*[=:]\s*False\b"""),
    "mark_safe(": re.compile(r"\bmark_safe\s*\("),
    "SafeString(": re.compile(r"\bSafe(String|Text|Data)\s*\("),
    "__html__": re.compile(r"\bdef\s+__html__\b"),
    "@html_safe": re.compile(r"\bhtml_safe\b"),
}

# (file, what) -> (how many times, why it is safe there). Keep the reason short and true.
REVIEWED: dict[tuple[str, str], tuple[int, str]] = {
    ("monitoring/templatetags/safe_html.py", "mark_safe("): (1, "feed_html: the one sanitiser, nh3 cleans first"),
    ("inbox/triage/templatetags/inbox_tags.py", "mark_safe("): (
        5,
        "highlight, mention rows and a row's due state: built from escaped parts",
    ),
    ("webcare/kept.py", "mark_safe("): (1, "{% keep %}: a piece rendered by the template, holes escaped"),
    ("webcare/kept.py", "__html__"): (1, "{% keep %}: a hole's marker, our own random token"),
    # The plain-text part and the subject of e-mails: text, never read as HTML (escaped, "&" would show as "&amp;").
    **{
        (f"templates/notifications/{name}.txt", "autoescape off"): (1, "plain-text e-mail, never HTML")
        for name in ("notification", "notification_subject", "digest", "digest_subject")
    },
    **{
        (f"templates/reports/mail/{name}.txt", "autoescape off"): (1, "plain-text e-mail, never HTML")
        for name in ("monthly", "monthly_subject")
    },
}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    what: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}: {self.text.strip()}"


def scanned_files(root: Path) -> list[Path]:
    """The project's own templates and Python, without the virtualenv, tests and migrations."""
    return sorted(
        path
        for path in root.rglob("*")
        if path.suffix in SCANNED_SUFFIXES
        and path.is_file()
        and not SKIPPED_DIRS.intersection(path.relative_to(root).parts[:-1])
    )


def unsafe_markup(root: Path) -> list[Finding]:
    findings = []
    for path in scanned_files(root):
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
            for what, pattern in UNSAFE.items():
                if pattern.search(line):
                    findings.append(Finding(path.relative_to(root).as_posix(), number, what, line))
    return findings


def unreviewed(findings: list[Finding]) -> list[str]:
    """The findings not covered by ``REVIEWED``, and reviewed entries whose count no longer matches."""
    problems: list[str] = []
    counted: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        counted.setdefault((finding.path, finding.what), []).append(finding)
    for key, found in sorted(counted.items()):
        allowed = REVIEWED.get(key, (0, ""))[0]
        if len(found) != allowed:
            problems.extend(str(finding) for finding in found)
            problems.append(f"  -> {key[0]}: {key[1]} found {len(found)} times, reviewed {allowed}")
    problems.extend(f"{path}: {what} is reviewed but no longer there" for path, what in REVIEWED.keys() - counted)
    return problems


def test_nothing_turns_escaping_off_outside_the_reviewed_places():
    assert unreviewed(unsafe_markup(ROOT)) == []


def test_it_scans_the_templates_and_code():
    files = {path.relative_to(ROOT).as_posix() for path in scanned_files(ROOT)}
    assert {"templates/base.html", "templates/_field.html", "inbox/triage/views.py", "webcare/kept.py"} <= files
    assert not any(name.startswith(("tests/", ".venv/")) or "/migrations/" in name for name in files)


def test_it_finds_a_new_safe_filter_in_a_template(tmp_path):
    page = tmp_path / "templates" / "inbox" / "page.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        "<p>{{ mention.title }}</p>\n<p>{{ mention.snippet|safe }}</p>\n{% autoescape off %}x{% endautoescape %}\n"
    )
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "views.py").write_text("from django.utils.safestring import mark_safe\nx = mark_safe(y)\n")

    assert [str(finding) for finding in unsafe_markup(tmp_path)] == [
        "inbox/views.py:2: mark_safe(: x = mark_safe(y)",
        "templates/inbox/page.html:2: |safe: <p>{{ mention.snippet|safe }}</p>",
        "templates/inbox/page.html:3: autoescape off: {% autoescape off %}x{% endautoescape %}",
    ]


def test_one_more_mark_safe_in_a_reviewed_file_fails():
    findings = [Finding("webcare/kept.py", 1, "mark_safe(", "mark_safe(x)")] * 2 + [
        Finding("webcare/kept.py", 2, "__html__", "def __html__")
    ]
    assert "  -> webcare/kept.py: mark_safe( found 2 times, reviewed 1" in unreviewed(findings)
