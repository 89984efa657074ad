"""A select drawn in Python draws what Django's own select draws: the same options, groups, choice and
attributes, every label and value escaped."""

from __future__ import annotations

import re

from django import forms
from hypothesis import given
from hypothesis import strategies as st

from webcare.widgets import ManyOptionsSelect

# Text a label or value may hold, markup and quotes included.
TEXT = st.text(alphabet=st.sampled_from(list("ab é<>&\"'/=")), max_size=8)
CHOICES = st.lists(st.tuples(TEXT, TEXT), max_size=6)
GROUPS = st.lists(st.one_of(st.tuples(TEXT, TEXT), st.tuples(TEXT.filter(bool), CHOICES)), max_size=5)
ATTRS = st.dictionaries(
    st.sampled_from(["id", "required", "aria-invalid", "aria-describedby", "disabled", "class"]),
    st.one_of(st.booleans(), TEXT),
    max_size=4,
)


def _tags_only(html: str) -> str:
    # Django's template puts line breaks and indentation between the tags; a browser reads the same select.
    return re.sub(r">\s+<", "><", str(html)).strip()


@given(choices=GROUPS, chosen=st.one_of(st.none(), TEXT), attrs=ATTRS)
def test_it_draws_what_django_s_select_draws(choices, chosen, attrs):
    ours = ManyOptionsSelect(choices=choices).render("assignee", chosen, attrs=attrs)
    django_s = forms.Select(choices=choices).render("assignee", chosen, attrs=attrs)
    assert _tags_only(ours) == _tags_only(django_s)


def test_a_form_field_draws_its_people_with_the_chosen_one_selected_and_names_escaped():
    class PersonForm(forms.Form):
        owner = forms.TypedChoiceField(coerce=int, widget=ManyOptionsSelect)

    form = PersonForm(initial={"owner": 2})
    form.fields["owner"].choices = [(1, "Anna <b>"), (2, 'Bram "de" Vries')]
    html = str(form["owner"])
    assert '<select name="owner" id="id_owner">' in html
    assert '<option value="1">Anna &lt;b&gt;</option>' in html
    assert '<option value="2" selected>Bram &quot;de&quot; Vries</option>' in html
