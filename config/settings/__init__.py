"""Settings, one module per concern, all read from the environment.

LIANXI_ENV chooses the profile: ``local`` (the default, what ``make run`` uses), ``test``, or
``production`` (which refuses to start without SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL).
"""

from .audit import *  # noqa: F403
from .base import *  # noqa: F403
from .database import *  # noqa: F403
from .lianxi import *  # noqa: F403
from .mail import *  # noqa: F403
from .security import *  # noqa: F403
from .tasks import *  # noqa: F403
from .tokens import *  # noqa: F403
from .uploads import *  # noqa: F403
