"""An organisation's watch terms, set and changed."""

from __future__ import annotations

import pytest

from monitoring.models import WatchTerms
from monitoring.services.watch_terms import watch_terms_save
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_it_sets_the_terms_once_per_organisation_and_strips_them(organisation):
    watch_terms_save(organisation=organisation, include="  De Dolfijnen ", exclude="")
    terms = watch_terms_save(organisation=organisation, include='"De Dolfijnen" zwemles', exclude=" vacature ")

    assert WatchTerms.objects.filter(organisation=organisation).count() == 1
    assert (terms.include, terms.exclude) == ('"De Dolfijnen" zwemles', "vacature")


def test_it_leaves_other_organisations_terms_alone(organisation):
    outsider = OrganisationFactory(name="Andere club")
    watch_terms_save(organisation=outsider, include="Andere club", exclude="")

    watch_terms_save(organisation=organisation, include="De Dolfijnen", exclude="")

    assert WatchTerms.objects.get(organisation=outsider).include == "Andere club"
