"""Who may use the search box.

Anyone bound to a unit of the joint meeting may search; what each person finds is decided kind
by kind by the owning app's own access rules (see `selectors.access_q`). A logged-in account
without a membership gets 403, an anonymous visitor the login page.
"""

from typing import Any

from lianxi.organization.access import membership_of, require_membership
from lianxi.organization.models import Membership


def can_search(user: Any) -> bool:
    return membership_of(user) is not None


def require_searcher(user: Any) -> Membership:
    return require_membership(user)
