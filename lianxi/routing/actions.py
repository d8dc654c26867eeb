"""What a “谁来管” suggestion can become in one step (issue 18): an action item, an incident….

Routing sits below the domains and imports none of them: a domain registers the form that takes
a suggestion, with its own access rule, in its ``AppConfig.ready()``::

    register_suggestion_action(
        "supervision", label="立为督办事项", url_name="supervision:create", order=10,
        visible=can_create_items,   # the domain's own yes/no rule (supervision/access.py)
    )

``visible(user)`` answers True or False.

The link opens that form with GET parameters the form's view turns into its initial values:

- ``text``: the matter as written;
- ``lead_unit``: the suggested lead unit's id (only when the engine is confident);
- ``supporting_units``: the suggested supporting units' ids (repeated).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from lianxi.core.registry import Registry

from .engine import Routing


@dataclass(frozen=True)
class SuggestionAction:
    label: str
    url_name: str
    visible: Callable[[Any], bool]


actions: Registry[SuggestionAction] = Registry("routing suggestion action")


def register_suggestion_action(
    name: str, *, label: str, url_name: str, visible: Callable[[Any], bool], order: int = 100
) -> SuggestionAction:
    return actions.register(
        name, SuggestionAction(label=label, url_name=url_name, visible=visible), order=order
    )


def suggestion_query(result: Routing) -> str:
    query: dict[str, Any] = {"text": result.text}
    if result.confident and result.lead is not None:
        query["lead_unit"] = result.lead.key
        query["supporting_units"] = [u.key for u in result.supporting]
    return urlencode(query, doseq=True)


def suggestion_links(user: Any, result: Routing) -> list[dict[str, str]]:
    """The one-step links this person may follow: ``name``, ``label``, ``url``."""
    query = suggestion_query(result)
    return [
        {"name": name, "label": action.label, "url": f"{reverse(action.url_name)}?{query}"}
        for name, action in actions.items()
        if action.visible(user)
    ]
