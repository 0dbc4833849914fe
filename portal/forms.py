"""Form pieces shared by the apps' pages and API parsers."""

import datetime as dt

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from portal.dates import EARLIEST, LATEST, parse_date

# A yes/no question as radio buttons (the pages work without JavaScript).
YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]


def parse_date_field(
    value: object, *, earliest: dt.date = EARLIEST, latest: dt.date = LATEST
) -> tuple[dt.date | None, str | None]:
    """
    Return (date, None) for ``YYYY-MM-DD`` within ``earliest`` … ``latest``
    (portal.dates), or (None, the message for an API's ``errors``): a bad
    form and a date out of range are told apart.
    """
    day = parse_date(value, earliest=earliest, latest=latest)
    if day is not None:
        return day, None
    if parse_date(value, earliest=dt.date.min, latest=dt.date.max) is None:
        return None, str(gettext("Enter a valid date in the form YYYY-MM-DD."))
    return None, str(gettext("Enter a date from %(earliest)s to %(latest)s.") % {
        "earliest": earliest.isoformat(), "latest": latest.isoformat(),
    })


class DateOfBirthMixin:
    """Date of birth as three fields, year, month and day (the DADS pattern)."""

    def add_birth_fields(self):
        self.fields["birth_year"] = forms.IntegerField(label=_("Year"), min_value=EARLIEST.year, max_value=LATEST.year)
        self.fields["birth_month"] = forms.IntegerField(label=_("Month"), min_value=1, max_value=12)
        self.fields["birth_day"] = forms.IntegerField(label=_("Day"), min_value=1, max_value=31)
        for name, size in (("birth_year", 4), ("birth_month", 2), ("birth_day", 2)):
            self.fields[name].widget = forms.TextInput(
                attrs={"inputmode": "numeric", "size": size, "maxlength": size, "autocomplete": "off", "class": f"date-part date-part-{size}"}
            )
            self.fields[name].error_group = _("Date of birth")  # "Date of birth (Year)" in the error summary

    @property
    def birth_fields(self):
        """The bound year, month and day fields, in order (the date-of-birth partial loops over these, not the whole form)."""
        return [self[name] for name in ("birth_year", "birth_month", "birth_day")]

    def birth_date_from_parts(self, cleaned):
        parts = [cleaned.get(name) for name in ("birth_year", "birth_month", "birth_day")]
        if None in parts:
            return None
        try:
            return dt.date(*parts)
        except ValueError:
            self.add_error("birth_day", _("That date does not exist."))
            return None
