"""The calendar file (.ics, RFC 5545) of a booking, in Japan time (R-B7)."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    "TZID:Asia/Tokyo",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0900",
    "TZOFFSETTO:+0900",
    "TZNAME:JST",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def _escape(text):
    return str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line):
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += piece
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def booking_ics(booking, *, now=None):
    """Return the .ics text of ``booking``: one event at the window's address, Asia/Tokyo."""
    now = now or timezone.now()
    start = dt.datetime.combine(booking.date, booking.start)
    end = dt.datetime.combine(booking.date, booking.end)
    window = booking.window
    summary = _("My Number Card pickup (%(window)s)") % {"window": window.name}
    description = "\n".join(
        [
            _("Reservation code: %(code)s") % {"code": booking.display_code},
            _("Bring your issuance notice and your identity documents."),
            _("Phone: %(phone)s") % {"phone": window.phone},
        ]
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Niigata City//My Number Card portal//JA",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *VTIMEZONE,
        "BEGIN:VEVENT",
        f"UID:booking-{booking.code}@{settings.SITE_URL.split('//')[-1].split('/')[0].split(':')[0]}",
        f"DTSTAMP:{now.astimezone(dt.timezone.utc):%Y%m%dT%H%M%SZ}",
        f"DTSTART;TZID=Asia/Tokyo:{start:%Y%m%dT%H%M%S}",
        f"DTEND;TZID=Asia/Tokyo:{end:%Y%m%dT%H%M%S}",
        f"SUMMARY:{_escape(summary)}",
        f"LOCATION:{_escape(window.name + ' ' + window.address)}",
        f"DESCRIPTION:{_escape(description)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
