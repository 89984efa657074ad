"""``_field.html``, the one template every form field is shown with: its help text is escaped like any text."""

from __future__ import annotations

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse


class _Form(forms.Form):
    terms = forms.CharField(help_text='Words or "quoted phrases", <b>not</b> tags & such.')


def test_a_help_text_is_shown_as_text():
    html = render_to_string("_field.html", {"field": _Form()["terms"]})
    assert "Words or &quot;quoted phrases&quot;, &lt;b&gt;not&lt;/b&gt; tags &amp; such." in html
    assert "<b>" not in html


@pytest.mark.django_db
def test_the_password_rules_are_still_a_list(client_for, staff_member):
    # Django writes them as HTML it marked safe itself; escaping leaves that alone.
    html = client_for(staff_member).get(reverse("password_change")).content.decode()
    assert '<div class="help"><ul><li>' in html
