"""htmx runs no script that arrives in a swapped piece of HTML and evaluates no code from attributes."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HTMX_CONFIG = re.compile(r"""<meta name="htmx-config" content='([^']*)'>""")


def htmx_config(html: str) -> dict[str, object]:
    found = HTMX_CONFIG.findall(html)
    assert len(found) == 1, "every page configures htmx once, in base.html"
    return json.loads(found[0])


@pytest.mark.parametrize("who", [None, "staff_member", "board_member"])
def test_served_pages_switch_off_scripts_in_swapped_html_and_eval(request, client_for, who):
    user = request.getfixturevalue(who) if who else None
    url = reverse("login") if user is None else reverse("inbox:mention-list")
    response = client_for(user).get(url)
    assert response.status_code == 200
    config = htmx_config(response.content.decode())
    assert config["allowScriptTags"] is False
    assert config["allowEval"] is False
    # htmx writes no <style> element of its own into the page either.
    assert config["includeIndicatorStyles"] is False
