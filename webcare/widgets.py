"""Form widgets drawn in Python where Django's templates cost more than the page around them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class ManyOptionsSelect(forms.Select):
    """A select drawn as Django's ``select.html`` draws it (the same options, groups and attributes), but in
    Python: the template includes one template per option and another for its attributes, which for a list of
    some fifty people took longer than the rest of the form (a case page draws two)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            drawn = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((str(option["value"]), _attributes(option["attrs"]), option["label"]) for option in options),
            )
            groups.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, drawn) if group_name else drawn)
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            _attributes(widget["attrs"]),
            format_html_join("", "{}", ((group,) for group in groups)),
        )


def _attributes(attrs: dict[str, Any]) -> SafeString:
    """Attributes as Django's ``attrs.html`` writes them: in their order, True as the bare name, False left out."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value)),)
            for name, value in attrs.items()
            if value is not False
        ),
    )
