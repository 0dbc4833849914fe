"""
The hot fragments of the booking calendar built in Python (issue #17): the
month tables and the times of the chosen day. Through the template engine
they were most of the calendar pages' cost (a node per cell and ~90 ``date``
and ``time`` filters a page); here each is a few string joins.

The markup is that of the templates they replace, whitespace aside:
tests/reservations/test_fragments.py renders the former templates
(tests/reservations/reference/) and compares, in Japanese and English, with
every kind of cell and slot. Every word comes from the same msgids.

The month tables are the same for every resident who sees the same days'
states: they are kept in this process under everything they are made of
(language, range, the cells' states, the window parameter), and the chosen
day, which differs from resident to resident, is put in at the end.
"""

import datetime as dt
from collections import OrderedDict
from functools import lru_cache

from django.utils.formats import date_format
from django.utils.html import conditional_escape, escape
from django.utils.translation import get_language, gettext, ngettext, pgettext

from reservations import rules

WEEK = (6, 0, 1, 2, 3, 4, 5)  # Sunday first, as the calendar's header (booking views)


@lru_cache(maxsize=4096)
def _date_words(language: str, fmt: str, day: dt.date) -> str:
    """``day`` through Django's ``date`` filter with ``fmt`` (already translated) in ``language``: once per day."""
    return date_format(day, fmt)


def day_label(day: dt.date) -> str:
    """The day as the calendar and its times write it (the msgid "N j (D)"), e.g. 12月1日（火）."""
    return _date_words(get_language() or "ja", gettext("N j (D)"), day)


# --- The month tables -----------------------------------------------------------


class _Kept(OrderedDict):
    """A small LRU of the month tables, by everything they are made of."""

    SIZE = 512

    def get_or_make(self, key, make):
        try:
            self.move_to_end(key)
            return self[key]
        except KeyError:
            value = self[key] = make()
            if len(self) > self.SIZE:
                self.popitem(last=False)
            return value


_TABLES = _Kept()


def month_tables(cells: dict, first: dt.date, last: dt.date, chosen: dt.date | None, window_param: str = "") -> str:
    """
    Return the month tables of the booking calendar from ``first`` to
    ``last``: ``cells`` is {date: (free, few left, fully booked)} of the days
    in range (booking views ``_cell_state``), ``chosen`` the day whose times
    are shown (marked ``aria-current``), ``window_param`` the window of a
    move (kept in the days' links).
    """
    language = get_language() or "ja"
    key = (language, first, last, window_param, tuple(sorted(cells.items())))
    parts, chosen_parts = _TABLES.get_or_make(key, lambda: _month_parts(cells, first, last, window_param))
    if chosen in chosen_parts:
        index, html = chosen_parts[chosen]
        parts = [*parts[:index], html, *parts[index + 1:]]
    return "".join(parts)


def _month_parts(cells, first, last, window_param):
    """The tables as a list of strings, and {free day: (its index, its cell when chosen)}."""
    words = _cell_words()
    headers = "".join(
        f'<th scope="col"{_weekday_class(n)}>{conditional_escape(rules.weekday_short_name(d))}</th>'
        for n, d in enumerate(WEEK)
    )
    parts, chosen_parts, text = [], {}, []
    fmt = gettext("F Y")
    for month in rules.iter_months(first, last):
        caption = conditional_escape(_date_words(get_language() or "ja", fmt, month))
        text.append(f'<table class="month-table booking-month" aria-label="{caption}"> '
                    f'<caption class="h5 text-start text-body">{caption}</caption> '
                    f"<thead><tr>{headers}</tr></thead> <tbody> ")
        for week in rules.month_grid(month):
            text.append("<tr> ")
            for day in week:
                if day is None:
                    text.append("<td></td> ")
                elif day not in cells:
                    text.append(f'<td class="out-of-range"><span class="day-number">{day.day}</span></td> ')
                elif cells[day][0]:
                    parts.append("".join(text))
                    text = []
                    chosen_parts[day] = (len(parts), _free_cell(day, cells[day][1], window_param, words, chosen=True))
                    parts.append(_free_cell(day, cells[day][1], window_param, words, chosen=False))
                else:
                    text.append(f'<td class="closed"> <span class="day-number">{day.day}</span> '
                                f'{words["full"] if cells[day][2] else words["closed"]} </td> ')
            text.append("</tr> ")
        text.append("</tbody> </table> ")
    parts.append("".join(text))
    return parts, chosen_parts


def _weekday_class(n: int) -> str:
    return ' class="sun"' if n == 0 else ' class="sat"' if n == len(WEEK) - 1 else ' class=""'


def _cell_words() -> dict:
    def hidden(text):
        return f'<span class="visually-hidden">{conditional_escape(text)}</span>'

    closed = conditional_escape(pgettext("calendar cell of a closed day", "Closed"))
    return {
        "few": f'<span class="few-left-mark" aria-hidden="true">△</span>{hidden(gettext("few seats left"))}',
        "free": f'<span aria-hidden="true">○</span>{hidden(gettext("seats available"))}',
        "full": f'<span aria-hidden="true">×</span>{hidden(gettext("fully booked"))}',
        "closed": f'<span class="closed-mark" aria-hidden="true">{closed}</span>{hidden(gettext("closed"))}',
    }


def _free_cell(day, few, window_param, words, *, chosen):
    iso = day.isoformat()
    query = f"window={escape(window_param)}&amp;" if window_param else ""
    current = ' aria-current="date"' if chosen else ""
    return (f'<td class="free{" chosen" if chosen else ""}"> '
            f'<a class="day-link" href="?{query}date={iso}#slots" data-date="{iso}" '
            f'data-label="{conditional_escape(day_label(day))}"{current}> '
            f'<span class="day-number">{day.day}</span> {words["few"] if few else words["free"]} </a> </td> ')


# --- The times of the chosen day ----------------------------------------------------


def slot_list(chosen: dt.date | None, slots, reason: str, link) -> str:
    """
    Return the section of the chosen day's times (``#slots``, which the
    script replaces): ``slots`` those that hold the party, ``reason`` why
    the day has none (a closed reason in words) and ``link(slot)`` the
    address each time leads to.
    """
    if chosen is None:
        return '<section id="slots" aria-live="polite" data-slots> </section>'
    # As {% blocktranslate %}: the value escaped, the translation as it is.
    heading = gettext("Times on %(day)s") % {"day": conditional_escape(day_label(chosen))}
    if slots:
        items = "".join(
            f'<li> <a class="btn btn-outline-primary slot-button" href="{link(slot)}">'
            f"{rules.format_time(slot.start)}–{rules.format_time(slot.end)} "
            f'<span class="small">({_seats_left(slot.remaining)})</span></a> </li> '
            for slot in slots
        )
        body = f'<ul class="slot-list list-unstyled"> {items}</ul>'
    else:
        body = f"<p>{conditional_escape(reason or gettext('No time has enough seats on this day. Choose another day.'))}</p>"
    return f'<section id="slots" aria-live="polite" data-slots> <h2>{heading}</h2> {body} </section>'


def _seats_left(seats: int) -> str:
    return ngettext("%(seats)s seat left", "%(seats)s seats left", seats) % {"seats": seats}
