"""
Celery tasks. They take ids, never personal data, and re-read the rows.

``send_message`` is idempotent (the outbox claim), so ``acks_late`` with
``task_reject_on_worker_lost`` is safe: a task whose worker died is
delivered again and either finds the message still claimable or does
nothing (see docs/decisions.md).
"""

from celery import shared_task
from django.utils import timezone

from reservations.messaging import outbox, retention


@shared_task(name="reservations.send_message", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_message(message_id):
    return outbox.deliver(message_id)


@shared_task(name="reservations.sweep_messages", ignore_result=True)
def sweep_messages():
    return outbox.sweep()


@shared_task(name="reservations.erase_personal_data", ignore_result=True)
def erase_personal_data():
    """R-B11: anonymise the bookings past their retention and clear expired sessions."""
    return retention.erase_personal_data(today=timezone.localdate())


@shared_task(name="reservations.clear_expired_sessions", ignore_result=True)
def clear_expired_sessions():
    retention.clear_expired_sessions()
