"""Who may see what of the message backbone.

Everyone logged in has an inbox and sees only their own items (another person's item is a 404,
not a 403, so its existence is not revealed). Dead letters are the secretariat's.
"""

from typing import Any

from lianxi.organization.access import has_role
from lianxi.organization.models import Membership

DEAD_LETTER_ROLES = (Membership.Role.SECRETARIAT,)


def can_see_dead_letters(user: Any) -> bool:
    return has_role(user, *DEAD_LETTER_ROLES)
