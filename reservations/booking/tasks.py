"""Celery tasks of the booking layer: they take no personal data and re-read the rows."""

from celery import shared_task

from reservations.booking import waitlist


@shared_task(name="reservations.expire_waitlist_offers", ignore_result=True)
def expire_waitlist_offers():
    """R-L2: end the waiting-list offers past their time (their seats go to the next entry) and passed entries."""
    return waitlist.expire_offers()
