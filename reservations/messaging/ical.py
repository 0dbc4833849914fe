"""
The calendar file (.ics, RFC 5545) of a booking, in Japan time (R-B7), written
with the ``icalendar`` library.

One booking is one calendar entry for its whole life: its UID is fixed by the
booking's code, and its SEQUENCE counts the changes (0 when booked, one more
with each move, one more again when cancelled), so that a calendar replaces
the entry it holds instead of adding a second one (RFC 5546):

- the confirmation mail carries ``METHOD:REQUEST`` at SEQUENCE 0;
- the move mail carries ``METHOD:REQUEST`` with the new time, the same UID and
  a higher SEQUENCE: the entry moves. It carries no CANCEL besides: a CANCEL of
  the same UID would remove the very entry the REQUEST updates, and there is no
  other entry to remove;
- the cancellation mail carries ``METHOD:CANCEL`` (same UID, higher SEQUENCE,
  ``STATUS:CANCELLED``): the entry goes;
- the file downloaded from the pages is ``METHOD:PUBLISH`` at the current
  SEQUENCE, for calendars that import files rather than invitations.

Summary, location and description are in the active language (the booking's
language when a mail is rendered).
"""

import datetime as dt
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, TimezoneStandard, vCalAddress

from reservations.models import Booking, Message

PUBLISH = "PUBLISH"
REQUEST = "REQUEST"
CANCEL = "CANCEL"

TOKYO = ZoneInfo("Asia/Tokyo")
PRODID = "-//Niigata City//My Number Card portal//JA"


def _tokyo_timezone() -> Timezone:
    """Return the VTIMEZONE of Asia/Tokyo: JST, +09:00 all year (no daylight saving since 1951)."""
    standard = TimezoneStandard()
    standard.add("dtstart", dt.datetime(1970, 1, 1))
    standard.add("tzoffsetfrom", dt.timedelta(hours=9))
    standard.add("tzoffsetto", dt.timedelta(hours=9))
    standard.add("tzname", "JST")
    zone = Timezone()
    zone.add("tzid", "Asia/Tokyo")
    zone.add_component(standard)
    return zone


def _host() -> str:
    return settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0]


def booking_uid(booking: Booking) -> str:
    """Return the UID of the booking's calendar entry: the same for its whole life."""
    return f"booking-{booking.code}@{_host()}"


def current_sequence(booking: Booking) -> int:
    """Return the SEQUENCE of the booking's entry now: one per move, one more once cancelled."""
    moves = Message.objects.filter(booking=booking, kind=Message.Kind.RESCHEDULED).count()
    return moves + (1 if booking.status == Booking.Status.CANCELLED else 0)


def message_sequence(message: Message) -> int:
    """
    Return the SEQUENCE of the entry ``message`` carries: 0 for the
    confirmation, the number of moves up to this one for a move, one more than
    the moves before it for a cancellation (the same on every retry).
    """
    if message.kind not in (Message.Kind.RESCHEDULED, Message.Kind.CANCELLED):
        return 0
    moves = Message.objects.filter(booking=message.booking, kind=Message.Kind.RESCHEDULED)
    if message.kind == Message.Kind.RESCHEDULED:
        return moves.filter(pk__lte=message.pk).count()
    return moves.filter(pk__lt=message.pk).count() + 1


def _event(booking: Booking, *, method: str, sequence: int, now: dt.datetime) -> Event:
    window = booking.window
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("dtstamp", now.astimezone(dt.timezone.utc))
    event.add("sequence", sequence)
    event.add("dtstart", dt.datetime.combine(booking.date, booking.start, tzinfo=TOKYO))
    event.add("dtend", dt.datetime.combine(booking.date, booking.end, tzinfo=TOKYO))
    if booking.is_support:  # R-A6: what to bring differs (no notice before applying)
        summary = _("My Number Card application support (%(window)s)")
        bring = _("Bring two or more identity documents and the application form.")
    else:
        summary, bring = _("My Number Card pickup (%(window)s)"), _("Bring your issuance notice and your identity documents.")
    event.add("summary", summary % {"window": window.name})
    event.add("location", f"{window.name} {window.address}")
    event.add("description", "\n".join([
        _("Reservation code: %(code)s") % {"code": booking.display_code},
        bring,
        _("Phone: %(phone)s") % {"phone": window.phone},
    ]))
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    organizer.params["cn"] = str(window.name)
    event.add("organizer", organizer)
    if method != PUBLISH and booking.email:
        attendee = vCalAddress(f"mailto:{booking.email}")
        attendee.params.update({"role": "REQ-PARTICIPANT", "partstat": "ACCEPTED", "rsvp": "FALSE"})
        event.add("attendee", attendee)
    return event


def booking_calendar(
    booking: Booking, *, method: str = PUBLISH, sequence: int | None = None, now: dt.datetime | None = None
) -> Calendar:
    """
    Return the VCALENDAR of ``booking``: one event at the window's address in
    Asia/Tokyo, with ``method`` (PUBLISH, REQUEST or CANCEL) and ``sequence``
    (default: the booking's current one).
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add_component(_tokyo_timezone())
    sequence = current_sequence(booking) if sequence is None else sequence
    calendar.add_component(_event(booking, method=method, sequence=sequence, now=now or timezone.now()))
    return calendar


def booking_ics(
    booking: Booking, *, method: str = PUBLISH, sequence: int | None = None, now: dt.datetime | None = None
) -> str:
    """Return the .ics text of ``booking`` (see ``booking_calendar``)."""
    return booking_calendar(booking, method=method, sequence=sequence, now=now).to_ical().decode("utf-8")


def message_attachment(message: Message) -> tuple[str, str, str] | None:
    """
    Return (file name, .ics text, MIME type) of the calendar entry a mail
    carries, or None: the confirmation and a move carry a REQUEST, a
    cancellation a CANCEL; the other mails none.
    """
    methods = {
        Message.Kind.CONFIRMATION: REQUEST,
        Message.Kind.RESCHEDULED: REQUEST,
        Message.Kind.CANCELLED: CANCEL,
    }
    method = methods.get(message.kind)
    if method is None:
        return None
    booking = message.booking
    ics = booking_ics(booking, method=method, sequence=message_sequence(message))
    return f"mynumber-card-{booking.code}.ics", ics, f"text/calendar; method={method}"
