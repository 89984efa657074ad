"""The playbook an organisation starts with, for new organisations and existing ones."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from accounts.models import Organisation
from inbox.cases import learning as learning
from inbox.cases import replies as replies
from inbox.playbook.models import FlaggedPhrase, HouseRule, ReplyTemplate
from inbox.playbook.wording import placeholders_unknown
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


# The defaults an organisation starts with --------------------------------------------------------------


def assert_has_defaults(organisation: Organisation) -> None:
    templates = ReplyTemplate.objects.filter(organisation=organisation)
    for purpose in ReplyTemplate.Purpose.values:
        for language in ("nl", "en"):
            assert templates.filter(purpose=purpose, language=language).exists(), (purpose, language)
    for language in ("nl", "en"):
        assert HouseRule.objects.filter(organisation=organisation, language=language).count() >= 3
    phrases = set(FlaggedPhrase.objects.filter(organisation=organisation).values_list("phrase", flat=True))
    assert {"wat vervelend voor u", "dat is niet onze schuld"} <= phrases
    # Every seeded template only uses placeholders the editor knows.
    assert [t.title for t in templates if placeholders_unknown(t.body)] == []


def test_a_new_organisation_starts_with_the_defaults_in_both_languages(db):
    assert_has_defaults(OrganisationFactory(name="Tennisclub Smash"))


def test_the_migration_gives_an_existing_organisation_the_defaults(db):
    organisation = OrganisationFactory(name="Tennisclub Smash")
    for model in (ReplyTemplate, HouseRule, FlaggedPhrase):
        model.objects.filter(organisation=organisation).delete()
    importlib.import_module("inbox.migrations.0004_seed_defaults").seed(_apps_before_the_split(), None)
    assert_has_defaults(organisation)


def test_seeding_again_keeps_what_the_organisation_made_its_own(db):
    organisation = OrganisationFactory(name="Tennisclub Smash")
    FlaggedPhrase.objects.filter(organisation=organisation, phrase="u had moeten").delete()
    counts = ReplyTemplate.objects.count(), HouseRule.objects.count(), FlaggedPhrase.objects.count()
    importlib.import_module("inbox.migrations.0004_seed_defaults").seed(_apps_before_the_split(), None)
    assert (ReplyTemplate.objects.count(), HouseRule.objects.count(), FlaggedPhrase.objects.count()) == counts


def _apps_before_the_split() -> Any:
    """The models as the seeding migration knew them, when the playbook was still part of the ``inbox`` app."""
    return MigrationLoader(connection).project_state(("inbox", "0009_search_statistics")).apps
