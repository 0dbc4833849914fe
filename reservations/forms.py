from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# Calendars are answered for these years only; a far-off date is a typo.
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)


class DateRangeForm(forms.Form):
    """
    Parse ``from`` and ``to`` (YYYY-MM-DD, both inclusive) of a calendar
    request. Missing values take the defaults given by the caller; the range
    may span at most settings.CALENDAR_MAX_DAYS days (API.md: 93).
    """

    def __init__(self, data, *, default_from, default_to):
        data = {key: value for key, value in data.items() if value not in (None, "")}
        data.setdefault("from", default_from.isoformat())
        data.setdefault("to", default_to.isoformat())
        super().__init__(data)
        date_messages = {"invalid": _("Enter a valid date in the form YYYY-MM-DD.")}
        self.fields["from"] = forms.DateField(input_formats=["%Y-%m-%d"], error_messages=date_messages)
        self.fields["to"] = forms.DateField(input_formats=["%Y-%m-%d"], error_messages=date_messages)

    def _clean_in_range(self, name):
        value = self.cleaned_data[name]
        if not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(
                _("Enter a date from %(earliest)s to %(latest)s."),
                params={"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
            )
        return value

    def clean(self):
        cleaned = super().clean()
        for name in ("from", "to"):
            if name in cleaned:
                try:
                    self._clean_in_range(name)
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and not self.errors:
            if end < start:
                self.add_error("to", _("The end date must not be before the start date."))
            elif end - start >= timedelta(days=settings.CALENDAR_MAX_DAYS):
                self.add_error(
                    "to",
                    _("Ask for at most %(days)d days at a time.") % {"days": settings.CALENDAR_MAX_DAYS},
                )
        return cleaned

    @property
    def range(self):
        return self.cleaned_data["from"], self.cleaned_data["to"]
