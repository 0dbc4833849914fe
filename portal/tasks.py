from celery import shared_task


@shared_task(name="portal.ping")
def ping():
    """Answer "pong": used by health checks and the broker round-trip test."""
    return "pong"
