"""The inbox's test world: a source with mentions, and a cache of each test's own."""

from __future__ import annotations

import uuid

import pytest

from monitoring.models import Source
from tests.factories import SourceFactory

HX = {"HX-Request": "true"}


def hx(target: str) -> dict[str, str]:
    """The headers htmx sends for an element that swaps ``#target``."""
    return {"HX-Request": "true", "HX-Target": target}


@pytest.fixture(autouse=True)
def own_cache(settings) -> None:
    """Facet counts, the people list and presence live in the cache: each test starts with an empty one."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex},
        "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex},
    }


@pytest.fixture
def source(organisation) -> Source:
    return SourceFactory(organisation=organisation, name="Buurtnieuws")
