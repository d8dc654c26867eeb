"""``{% load safe_links %}``: ``|safe_href`` — the link if it may be rendered as one (http(s), or a
path on this site), else "" (issue 17: a ``javascript:`` source link stored before the input
policy is shown as text, never as a link). See ``lianxi.core.text.safe_href``."""

from django import template

from lianxi.core.text import safe_href

register = template.Library()

register.filter("safe_href", safe_href)
