"""Every user-facing string has a Dutch translation, and the committed catalogues are compiled."""

from __future__ import annotations

import shutil
import subprocess
import sys

import polib
import pytest

from tests.conftest import ROOT, service_missing

SOURCES = ["accounts", "inbox", "monitoring", "webcare", "templates", "manage.py"]


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory) -> polib.POFile:
    """The Dutch catalogue as `makemessages` builds it from today's code, on a copy of the tree."""
    if not shutil.which("xgettext"):
        service_missing("GNU gettext (xgettext) is not installed (apt-get install gettext)")
    tree = tmp_path_factory.mktemp("tree")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tree / name, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
        else:
            shutil.copy(source, tree / name)
    shutil.copytree(ROOT / "locale", tree / "locale")
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "--locale", "nl", "--no-obsolete", "--no-location"],
        cwd=tree, check=True, capture_output=True, env={"DJANGO_SETTINGS_MODULE": "webcare.settings",
        "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "WEBCARE_DATA_DIR": str(tree / "var")},
    )  # fmt: skip
    return polib.pofile(str(tree / "locale/nl/LC_MESSAGES/django.po"))


def test_every_string_has_a_dutch_translation(fresh_catalogue):
    assert "Sign in" in {entry.msgid for entry in fresh_catalogue}, "the extraction found no strings"
    missing = [entry.msgid for entry in fresh_catalogue if not entry.translated() and not entry.obsolete]
    assert missing == [], "Translate these in locale/nl/LC_MESSAGES/django.po, then run `make messages`"


def test_the_committed_catalogue_knows_every_string_in_the_code(fresh_catalogue):
    committed = {entry.msgid for entry in polib.pofile(str(ROOT / "locale/nl/LC_MESSAGES/django.po"))}
    new = sorted({entry.msgid for entry in fresh_catalogue} - committed)
    assert new == [], "Run `make messages` and translate the new strings"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_compiled_catalogue_matches_its_source(language):
    folder = ROOT / "locale" / language / "LC_MESSAGES"
    source, compiled = polib.pofile(str(folder / "django.po")), polib.mofile(str(folder / "django.mo"))
    expected = {entry.msgid: entry.msgstr for entry in source.translated_entries()}
    actual = {entry.msgid: entry.msgstr for entry in compiled if entry.msgid}
    assert actual == expected, "Run `make messages` to compile the catalogue"


def test_dutch_is_the_default_language(settings):
    assert settings.LANGUAGE_CODE == "nl"
