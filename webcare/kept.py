"""``{% keep %}``: a piece of a page kept rendered, with holes filled anew on every request.

    {% load kept %}
    {% keep "header" LANGUAGE_CODE user.pk … holes csrf_token next_path=request.get_full_path %}
      …
    {% endkeep %}

Like ``{% cache %}`` in the ``fragments`` cache (each process's memory), the piece is kept by its name and
the values after it, which must be everything it shows that can change. Unlike it, a piece may contain what
differs on every request: each name after ``holes`` is rendered as a marker when the piece is kept, and
the marker is replaced by that value, escaped, every time it is shown. A CSRF token is such a value: Django
masks it anew for every response, and a kept token would also belong to whoever was served first.
``name=expression`` puts the expression's value in a hole of that name (the piece uses ``{{ name }}``).
"""

from __future__ import annotations

import hashlib
import secrets

from django.core.cache import caches
from django.template import Context, Library, Node, NodeList, TemplateSyntaxError
from django.template.base import FilterExpression, Parser, Token
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = Library()

KEPT_SECONDS = 3600
# Markers differ per process start, so no text a page shows can forge one.
_MARK = f"keep{secrets.token_hex(8)}"


class _Hole(str):
    """What a hole shows while its piece is rendered for keeping; ``{% csrf_token %}`` takes it for a token."""

    __slots__ = ()

    def __html__(self) -> str:
        return str(self)


class KeepNode(Node):
    def __init__(
        self,
        nodelist: NodeList,
        name: str,
        vary_on: list[FilterExpression],
        holes: list[tuple[str, FilterExpression]],
    ) -> None:
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on
        self.holes = holes
        self.marks = {hole: _Hole(f"{_MARK}{index}x") for index, (hole, _value) in enumerate(holes)}

    def render(self, context: Context) -> SafeString:
        digest = hashlib.md5(usedforsecurity=False)
        for expression in self.vary_on:
            digest.update(str(expression.resolve(context)).encode())
            digest.update(b"\x00")
        key = f"kept:{self.name}:{digest.hexdigest()}"
        fragments = caches["fragments"]
        piece = fragments.get(key)
        if piece is None:
            with context.push(self.marks):
                piece = self.nodelist.render(context)
            fragments.set(key, piece, KEPT_SECONDS)
        for hole, value in self.holes:
            piece = piece.replace(self.marks[hole], conditional_escape(value.resolve(context)))
        return mark_safe(piece)  # noqa: S308 - rendered by the template, holes escaped


@register.tag
def keep(parser: Parser, token: Token) -> KeepNode:
    bits = token.split_contents()[1:]
    if not bits:
        raise TemplateSyntaxError("{% keep %} needs a name.")
    name, *rest = bits
    vary_on, holes = rest, []
    if "holes" in rest:
        at = rest.index("holes")
        vary_on = rest[:at]
        for bit in rest[at + 1 :]:
            hole, _sep, expression = bit.partition("=")
            holes.append((hole, parser.compile_filter(expression or hole)))
    nodelist = parser.parse(("endkeep",))
    parser.delete_first_token()
    return KeepNode(nodelist, name.strip("\"'"), [parser.compile_filter(bit) for bit in vary_on], holes)
