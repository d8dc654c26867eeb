"""Background work of the message backbone: thin wrappers that take ids and call a service."""

from django.tasks import task

from .services import deliveries_dispatch


@task()
def dispatch_message(message_id: int) -> dict[str, int]:
    """Send the due deliveries of one message (enqueued when the message's transaction commits)."""
    return deliveries_dispatch(message_id=message_id).as_dict()
