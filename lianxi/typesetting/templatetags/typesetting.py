"""``{% load typesetting %}``: ``{{ text|fallback_glyphs:"fangsong" }}`` for PDF templates."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from lianxi.typesetting.glyphs import fallback_html

register = template.Library()


@register.filter
def fallback_glyphs(text: object, role: str = "fangsong") -> SafeString:
    """The text escaped, characters the role's font lacks set in a face that has them."""
    return fallback_html(text, role)  # type: ignore[arg-type]
