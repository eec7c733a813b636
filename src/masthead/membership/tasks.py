"""Background work for reader revenue: processing provider events after a fast 2xx."""

from django.tasks import task

from masthead.membership import services


@task
def webhook_event_process_task(*, event_id: str) -> str:
    """Apply one recorded provider event (services.webhook_event_process); safe to run twice."""
    return services.webhook_event_process(event_id=event_id)
