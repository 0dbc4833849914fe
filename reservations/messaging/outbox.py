"""
Messages that are never lost and never sent twice (a transactional outbox).

The services that change a booking call ``messages_for_*`` inside their
transaction: the Message rows commit or roll back with the change. Messages
due now are handed to Celery with ``transaction.on_commit``; a broker that is
down only delays them, because the sweep (Celery beat, every minute, or the
embedded loop) hands over every due or orphaned row again. Sending claims a
row with a conditional UPDATE, so a message is sent by one worker at most,
and carries a Message-ID fixed by its row, so the rare resend after a crash
between the mail server's "OK" and the row's update is the same message.
"""

import datetime as dt
import logging
import re
import smtplib
from email.mime.base import MIMEBase
from email.mime.image import MIMEImage
import socket

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext

from portal import rows
from portal.templatetags.qr import qr_png
from reservations import rules
from reservations.messaging import ical
from reservations.models import Booking, Message

logger = logging.getLogger(__name__)

def claim_timeout():
    """How long a claim protects a message before another worker may take it over (a dead worker's)."""
    return dt.timedelta(seconds=settings.MESSAGE_CLAIM_TIMEOUT_SECONDS)


MAX_ATTEMPTS = 8
TOKYO = dt.timezone(dt.timedelta(hours=9))


def reminder_due(booking_date):
    """Return when the reminder of an appointment on ``booking_date`` goes out: 09:00 Japan time the day before."""
    return dt.datetime.combine(booking_date - dt.timedelta(days=1), dt.time(9), tzinfo=TOKYO)


def backoff(attempts):
    """Return the wait before retry number ``attempts`` after a transient error: 1, 2, 4 … 60 minutes."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


# --- Writing the outbox (inside the booking's transaction) --------------------------


def _add(booking, kind, due_at, note=""):
    message, created = Message.objects.get_or_create(
        booking=booking, kind=kind, due_at=due_at, defaults={"note": note}
    )
    if created and due_at <= timezone.now():
        enqueue_on_commit([message.pk])
    return message


def messages_for_new_booking(booking, now):
    """The confirmation (due now) and the day-before reminder of a booking just made, in one INSERT."""
    due = reminder_due(booking.date)
    messages = [Message(booking=booking, kind=Message.Kind.CONFIRMATION, due_at=now)]
    if due > now:  # none when that moment has passed (booked late for the next day)
        messages.append(Message(booking=booking, kind=Message.Kind.REMINDER, due_at=due))
    rows.insert(messages)  # without the ORM's compiler (issue #17)
    enqueue_on_commit([messages[0].pk])


def message_for_entry(entry, kind, now, note=""):
    """A message about a waiting-list entry (joined, an offer, ended: SPEC §9), due now, sent once committed."""
    message = Message.objects.create(entry=entry, kind=kind, due_at=now, note=note)
    enqueue_on_commit([message.pk])
    return message


def messages_for_reschedule(booking, now):
    disarm_reminders([booking])
    _add(booking, Message.Kind.RESCHEDULED, now)
    _arm_reminder(booking, now)


def messages_for_cancel(booking, now, reason=""):
    disarm_reminders([booking])
    _add(booking, Message.Kind.CANCELLED, now, note=reason)


def _arm_reminder(booking, now):
    """The day-before reminder; none when that moment has passed (booked late for the next day)."""
    due = reminder_due(booking.date)
    if due > now:
        message, created = Message.objects.get_or_create(booking=booking, kind=Message.Kind.REMINDER, due_at=due)
        if not created and message.state == Message.State.SKIPPED:
            Message.objects.filter(pk=message.pk, state=Message.State.SKIPPED).update(
                state=Message.State.PENDING, note=""
            )


def disarm_reminders(bookings, *, note="booking changed"):
    """Skip the pending reminders of ``bookings`` (one UPDATE): their time was changed or taken away."""
    Message.objects.filter(booking__in=list(bookings), kind=Message.Kind.REMINDER, state=Message.State.PENDING).update(
        state=Message.State.SKIPPED, note=note
    )


def enqueue_on_commit(message_ids):
    """After the transaction commits, hand the messages to Celery; a broker error is only logged."""
    ids = list(message_ids)
    if ids:
        transaction.on_commit(lambda: enqueue(ids))


SEND_MESSAGE_TASK = "reservations.send_message"  # defined in reservations.messaging.tasks


def enqueue(message_ids):
    """
    Hand each message to the worker by the task's registered name (the tasks
    module imports this one). At the first broker error the rest wait for the
    next sweep too: a hung Redis costs one bounded publish, not one per message.
    """
    send_message = current_app.tasks[SEND_MESSAGE_TASK]
    message_ids = list(message_ids)
    for index, message_id in enumerate(message_ids):
        try:
            send_message.delay(message_id)
        except Exception:  # noqa: BLE001 - a broker outage must not fail the request
            logger.warning("could not enqueue %d message(s) from %s; the sweep will send them",
                           len(message_ids) - index, message_id)
            return


# --- Sending -------------------------------------------------------------------


def claim(message_id, now):
    """Claim a due message for sending; return it, or None when another worker has it or it is done."""
    stale = now - claim_timeout()
    claimed = Message.objects.filter(
        Q(state=Message.State.PENDING, due_at__lte=now) | Q(state=Message.State.SENDING, claimed_at__lt=stale),
        pk=message_id,
    ).update(state=Message.State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if claimed != 1:
        return None
    return Message.objects.select_related("booking", "booking__window", "entry", "entry__window").get(pk=message_id)


def message_id_header(message):
    domain = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "localhost"
    return f"<message-{message.pk}@{domain}>"


def _links(booking):
    """
    The addresses a mail links to. ``rebook_url`` (the closure notice's, R-B9)
    opens the look-up page with the reservation code filled in: the code is
    in the mail anyway and opens nothing without the first person's date of
    birth (R-B8); no personal data goes into the address.
    """
    base = settings.SITE_URL.rstrip("/")
    with translation.override(booking.language):
        manage_url = base + reverse("reservations:manage_lookup")
        pickup_url = base + reverse("reservations:book_start")
        return {
            "manage_url": manage_url,
            "rebook_url": f"{manage_url}?{urlencode({'code': booking.display_code})}",
            # A new booking of the same service; support mails also link to the pickup (R-A1).
            "book_url": base + reverse("reservations:book_support") if booking.is_support else pickup_url,
            "pickup_url": pickup_url,
        }


ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def dates_in_words(text):
    """
    Return ``text`` with its ISO dates (2026-12-04) written as every mail and
    page writes a date, in the active language: 12月4日（金） / Dec. 4 (Fri).
    """

    def in_words(match):
        try:
            day = dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            return match.group(0)
        return date_format(day, gettext("N j (D)"))

    return ISO_DATE.sub(in_words, text or "")


def render(message):
    """Return (subject, text, html, attachments) of ``message`` in its booking's (or entry's) language."""
    if message.entry_id:
        return _render_entry(message)
    booking = message.booking
    people = list(booking.people.all())
    with translation.override(booking.language or "ja"):
        context = {
            "booking": booking,
            "message": message,
            # The closure's reason with its dates in words, as the mail's own dates (R-B9).
            "note": dates_in_words(message.note),
            "people": people,
            "first_person": people[0] if people else None,
            "checklist": booking.checklist(people),
            **_links(booking),
        }
        images = []
        if message.kind == Message.Kind.CONFIRMATION:
            # The QR code as an attached image: most mail clients show no inline SVG or data URI.
            context["qr_cid"] = qr_content_id(booking)
            images.append(qr_image(booking.code, context["qr_cid"]))
        subject, text, html = _render_templates(message.kind, context)
        # The calendar entry: a REQUEST when booked or moved, a CANCEL when cancelled (see ical).
        attachment = ical.message_attachment(message)
        attachments = ([attachment] if attachment else []) + images
    return subject, text, html, attachments


def _render_templates(kind, context):
    subject = " ".join(render_to_string(f"emails/{kind}_subject.txt", context).split())
    return subject, render_to_string(f"emails/{kind}.txt", context), render_to_string(f"emails/{kind}.html", context)


def _render_entry(message):
    """A waiting-list mail (SPEC §9): the entry, its latest offer with its deadline and the time left."""
    entry = message.entry
    offer = entry.offers.select_related("window").order_by("-made_at", "-pk").first()
    people = list(entry.people.all())
    base = settings.SITE_URL.rstrip("/")
    with translation.override(entry.language or "ja"):
        lookup_url = base + reverse("reservations:waitlist_lookup")
        context = {
            "entry": entry,
            "message": message,
            "offer": offer,
            "note": dates_in_words(message.note),
            "people": people,
            "first_person": people[0] if people else None,
            "minutes": settings.WAITLIST_OFFER_MINUTES,
            "time_left": rules.time_left_words(rules.minutes_left(offer.expires_at, message.due_at)) if offer else "",
            "lookup_url": f"{lookup_url}?{urlencode({'code': entry.display_code})}",
            "book_url": base + reverse("reservations:book_support" if entry.is_support else "reservations:book_start"),
        }
        subject, text, html = _render_templates(message.kind, context)
    return subject, text, html, []


def qr_content_id(booking: Booking) -> str:
    """Return the Content-ID of the QR image of ``booking``'s confirmation mail."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    return f"qr-{booking.code}@{domain}"


def qr_image(code: str, content_id: str) -> MIMEImage:
    """Return the QR code of ``code`` as an inline PNG part the HTML mail shows by its Content-ID."""
    image = MIMEImage(qr_png(code), "png")
    image.add_header("Content-ID", f"<{content_id}>")
    image.add_header("Content-Disposition", "inline", filename="qr.png")
    return image


TRANSIENT = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, socket.timeout, TimeoutError)


def deliver(message_id, *, now=None):
    """
    Send one message if this call wins its claim. Return the final state
    of this attempt ("sent", "skipped", "retry", "failed") or None when
    there was nothing to do.
    """
    now = now or timezone.now()
    message = claim(message_id, now)
    if message is None:
        return None
    recipient = message.booking or message.entry
    skip = _skip_reason(message, recipient)
    if skip:
        _finish(message, Message.State.SKIPPED, now, note=skip)
        return "skipped"
    subject, text, html, attachments = render(message)
    email = EmailMultiAlternatives(
        subject=subject, body=text, to=[recipient.email], headers={"Message-ID": message_id_header(message)}
    )
    email.attach_alternative(html, "text/html")
    for attachment in attachments:
        if isinstance(attachment, MIMEBase):
            email.attach(attachment)
        else:
            email.attach(*attachment)
    try:
        email.send(fail_silently=False)
    except smtplib.SMTPResponseException as exc:
        if 400 <= exc.smtp_code < 500 and message.attempts < MAX_ATTEMPTS:
            return _retry(message, now, f"{exc.smtp_code} transient")
        _finish(message, Message.State.FAILED, now, error=f"{exc.smtp_code} refused")
        return "failed"
    except smtplib.SMTPRecipientsRefused:
        _finish(message, Message.State.FAILED, now, error="recipient refused")
        return "failed"
    except TRANSIENT as exc:
        if message.attempts < MAX_ATTEMPTS:
            return _retry(message, now, type(exc).__name__)
        _finish(message, Message.State.FAILED, now, error=type(exc).__name__)
        return "failed"
    _finish(message, Message.State.SENT, now)
    return "sent"


def _skip_reason(message, recipient):
    """Why ``message`` is not sent at all, or "": no address, a reminder of a changed booking, an offer that ended."""
    if not recipient.email or recipient.anonymised_at:
        return "no e-mail address"  # phone-only bookings get no message; the staff day list flags them
    if message.kind == Message.Kind.REMINDER and recipient.status != Booking.Status.BOOKED:
        return "booking no longer booked"
    if message.kind == Message.Kind.WAITLIST_OFFER and not recipient.offers.open().exists():
        return "offer ended"  # it expired or was withdrawn while the mail waited; the entry is told once more
    return ""


def _retry(message, now, error):
    Message.objects.filter(pk=message.pk, state=Message.State.SENDING).update(
        state=Message.State.PENDING, due_at=now + backoff(message.attempts), last_error=error[:300], claimed_at=None
    )
    return "retry"


def _finish(message, state, now, *, error="", note=None):
    values = {"state": state, "last_error": error[:300]}
    if state == Message.State.SENT:
        values["sent_at"] = now
    if note is not None:
        values["note"] = note
    Message.objects.filter(pk=message.pk, state=Message.State.SENDING).update(**values)


def due_message_ids(now, limit=500):
    """
    Return the ids of messages due now or orphaned by a dead worker,
    locked with SKIP LOCKED so that two sweeps do not hand out one batch.
    """
    stale = now - claim_timeout()
    with transaction.atomic():
        return list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(Q(state=Message.State.PENDING, due_at__lte=now) | Q(state=Message.State.SENDING, claimed_at__lt=stale))
            .order_by("due_at")
            .values_list("pk", flat=True)[:limit]
        )


def sweep(now=None):
    """Hand every due or orphaned message to the workers; return how many."""
    ids = due_message_ids(now or timezone.now())
    enqueue(ids)
    return len(ids)
