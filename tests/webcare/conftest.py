"""The world of every URL's test (tests/webcare/routes.py), shared by the access and header tests."""

from __future__ import annotations

import pytest

from tests.feedserver import FeedServer
from tests.webcare.routes import World, world_build


@pytest.fixture
def world(feed_server: FeedServer, eager_tasks: None) -> World:
    """Every object a URL names, built once per test; test modules with a world of their own override it."""
    return world_build(feed_server)
