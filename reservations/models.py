"""
Pickup windows (受取窓口) and their calendars (SPEC §1).

The rows here are data; the rules that read them live in ``rules.py``.
"""

import datetime as dt
import logging
import re
import time
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from eligibility.rules import (
    Attendance,
    application_support_checklist,
    booking_checklist,
    proxy_reason_titles,
    youngest_age,
)
from reservations import rules

logger = logging.getLogger(__name__)


def localized(obj, field):
    """Return ``obj.<field>_en`` in English (when filled in), else ``<field>_ja``."""
    language = (get_language() or "ja")[:2]
    if language == "en":
        value = getattr(obj, f"{field}_en", "")
        if value:
            return value
    return getattr(obj, f"{field}_ja", "")


def day_in_words(day):
    """Return ``day`` as every page and mail writes it, in the active language: 12月10日（木） / Dec. 10 (Thu)."""
    return date_format(day, gettext("N j (D)"))


def days_in_words(first, last):
    """Return one day, or a period from ``first`` to ``last``, in words."""
    return day_in_words(first) if first == last else f"{day_in_words(first)}–{day_in_words(last)}"


class Ward(models.TextChoices):
    """The eight wards (区) of Niigata City; their codes are the ward offices' (R-W1)."""

    KITA = "kita", _("Kita ward")
    HIGASHI = "higashi", _("Higashi ward")
    CHUO = "chuo", _("Chuo ward")
    KONAN = "konan", _("Konan ward")
    AKIHA = "akiha", _("Akiha ward")
    MINAMI = "minami", _("Minami ward")
    NISHI = "nishi", _("Nishi ward")
    NISHIKAN = "nishikan", _("Nishikan ward")


class Weekday(models.IntegerChoices):
    MONDAY = rules.MONDAY, _("Monday")
    TUESDAY = rules.TUESDAY, _("Tuesday")
    WEDNESDAY = rules.WEDNESDAY, _("Wednesday")
    THURSDAY = rules.THURSDAY, _("Thursday")
    FRIDAY = rules.FRIDAY, _("Friday")
    SATURDAY = rules.SATURDAY, _("Saturday")
    SUNDAY = rules.SUNDAY, _("Sunday")


class Nth(models.IntegerChoices):
    EVERY_WEEK = rules.EVERY_WEEK, _("Every week")
    FIRST = 1, _("1st of the month")
    SECOND = 2, _("2nd of the month")
    THIRD = 3, _("3rd of the month")
    FOURTH = 4, _("4th of the month")
    FIFTH = 5, _("5th of the month")
    LAST = rules.LAST, _("Last of the month")


class Service(models.TextChoices):
    """The services booked on the one engine (SPEC §2, §8): every booking belongs to one."""

    PICKUP = rules.Service.PICKUP.value, _("Card pickup")
    APPLICATION_SUPPORT = rules.Service.APPLICATION_SUPPORT.value, _("Application support")


class BookingMode(models.TextChoices):
    """How a window offers a service (R-A4)."""

    REQUIRED = rules.BookingMode.REQUIRED.value, _("Booked in advance")
    WALK_IN = rules.BookingMode.WALK_IN.value, _("Walk-in only")


class WindowQuerySet(models.QuerySet):
    def with_rules(self):
        return self.prefetch_related("opening_rules", "offers")

    def offering(self, service=Service.PICKUP):
        """Return the windows that offer ``service`` (walk-in ones included), their rules prefetched."""
        return self.with_rules().filter(offers__service=service)

    def serving(self, ward, service=Service.PICKUP):
        """
        Return the windows that may take a booking of ``service`` from a
        resident of ``ward``, their rules prefetched: rules.service_window_serves
        as a query (R-W4, R-A2). Walk-in windows are included: their pages say so.
        """
        if not ward:
            return self.none()
        wards = models.Q(kind=Window.Kind.WARD, ward=ward)
        if rules.service_rules(service).at_cityhall:
            wards |= models.Q(kind=Window.Kind.CITYHALL)
        return self.offering(service).filter(wards)

    def bump_schedule(self):
        """
        Give every window a new ``schedule_version`` (one UPDATE), inside the
        transaction of a change to a calendar row: a booking that checked its
        slot against rules read before the change sees the version differ and
        reads them again (booking.services; docs/decisions.md, issue #17).
        """
        return self.update(schedule_version=F("schedule_version") + 1)


class Window(models.Model):
    """A pickup window (受取窓口): a ward office or the City Hall temporary window (R-W1)."""

    class Kind(models.TextChoices):
        WARD = "ward", _("Ward office")
        CITYHALL = "cityhall", _("City Hall")

    code = models.SlugField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("Stable identifier used in addresses and the API, e.g. kita. Do not change it."),
    )
    name_ja = models.CharField(_("name (Japanese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    ward = models.CharField(
        _("ward served"),
        max_length=10,
        choices=Ward,
        blank=True,
        help_text=_("The ward whose residents a ward office serves. Leave empty for the City Hall window."),
    )
    unit_ja = models.CharField(_("section (Japanese)"), max_length=100, blank=True)
    unit_en = models.CharField(_("section (English)"), max_length=100, blank=True)
    address_ja = models.CharField(_("address (Japanese)"), max_length=200)
    address_en = models.CharField(_("address (English)"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20)
    sort_order = models.PositiveSmallIntegerField(_("display order"), default=0)
    # Replaced (+1, never written back from memory) in the transaction of every change to this
    # window or its calendar rows: what the booking's statements verify a cached calendar by.
    schedule_version = models.PositiveIntegerField(_("schedule version"), default=0, editable=False)

    objects = WindowQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("pickup window")
        verbose_name_plural = _("pickup windows")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="ward") & ~Q(ward="")) | (Q(kind="cityhall") & Q(ward="")),
                name="window_ward_matches_kind",
                violation_error_message=_("A ward office serves exactly one ward; the City Hall window none."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The version is only ever raised by bump_schedule (F + 1), inside this save's transaction:
        # a save never writes back the value read with the instance.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "schedule_version"
            ]
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)  # post_save bumps the versions (schedule.signals)

    def get_absolute_url(self):
        return reverse("reservations:window_detail", kwargs={"code": self.code})

    @property
    def name(self):
        return localized(self, "name")

    @property
    def unit(self):
        return localized(self, "unit")

    @property
    def address(self):
        return localized(self, "address")

    def serves(self, ward, service=Service.PICKUP):
        """Return whether a resident of ``ward`` may book ``service`` here (R-W4, R-A2)."""
        return self.offer(service) is not None and rules.service_window_serves(service, self.kind, self.ward, ward)

    def offer(self, service=Service.PICKUP):
        """Return the WindowService of ``service`` here, or None (uses prefetched offers)."""
        return next((offer for offer in self.offers.all() if offer.service == service), None)

    def calendar(self, service=Service.PICKUP):
        """Return the rules.WindowCalendar of ``service`` at this window (uses prefetched rules and offers)."""
        offer = self.offer(service)
        return rules.WindowCalendar(
            opening_rules=tuple(rule.as_rule() for rule in self.opening_rules.all() if rule.service == service),
            open_on_holidays=offer.open_on_holidays,
            slot_minutes=offer.slot_minutes,
        )


class CalendarRow(models.Model):
    """
    A row of a window's calendar (services, hours, closures, capacities,
    blocks). Saved in one transaction with the version bump that its
    post_save receiver makes (schedule.signals): a deletion runs in the
    collector's transaction already.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)


class WindowService(CalendarRow):
    """
    How a window offers one service (R-W7, R-A3, R-A4): booked in advance or
    walk-in, its seats per slot, slot length, holidays, lead time and horizon.
    A window offers the services that have a row here.
    """

    window = models.ForeignKey(Window, on_delete=models.CASCADE, related_name="offers", verbose_name=_("window"))
    service = models.CharField(_("service"), max_length=30, choices=Service)
    booking = models.CharField(
        _("booking"),
        max_length=10,
        choices=BookingMode,
        default=BookingMode.REQUIRED,
        help_text=_("Walk-in: the portal takes no bookings for this service here and says so (R-A4)."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("seats per slot"),
        default=2,
        validators=[MaxValueValidator(50)],
        help_text=_("How many people can be served at once (counters staffed). A day can override it."),
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"),
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(120)],
        help_text=_("Pickup: about 15 minutes per person. Application support: 30 minutes."),
    )
    open_on_holidays = models.BooleanField(
        _("open on national holidays"),
        default=False,
        help_text=_("Ward offices close on national holidays; the City Hall window opens on them."),
    )
    lead_days = models.PositiveSmallIntegerField(
        _("days ahead"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(30)],
        help_text=_("The first bookable day, in days from today. Empty: the service's setting (pickup 1, application support 0)."),
    )
    lead_minutes = models.PositiveSmallIntegerField(
        _("minutes ahead"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(24 * 60)],
        help_text=_("A slot must start at least this long from now. Empty: the service's setting (application support 30)."),
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("booking horizon (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(93)],
        help_text=_("The last bookable day, in days from today. Empty: the setting (30)."),
    )

    class Meta:
        ordering = ["window__sort_order", "service"]
        verbose_name = _("service of a window")
        verbose_name_plural = _("services of a window")
        constraints = [
            models.UniqueConstraint(fields=["window", "service"], name="window_service_unique"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="window_service_slot_minutes_min"),
        ]

    def __str__(self):
        return f"{self.window} · {self.get_service_display()}"

    @property
    def walk_in(self):
        return self.booking == BookingMode.WALK_IN

    def slot_end(self, day, start):
        """Return when a slot of this service starting at ``start`` on ``day`` ends (R-W7, R-A3)."""
        return (dt.datetime.combine(day, start) + dt.timedelta(minutes=self.slot_minutes)).time()


class OpeningRule(CalendarRow):
    """
    The hours of a window on a weekday: every week, or only on the nth such
    weekday of the month (R-W2, R-W3). Leave the times empty to close.
    """

    window = models.ForeignKey(
        Window, on_delete=models.CASCADE, related_name="opening_rules", verbose_name=_("window")
    )
    service = models.CharField(_("service"), max_length=30, choices=Service, default=Service.PICKUP)
    weekday = models.SmallIntegerField(_("weekday"), choices=Weekday)
    nth = models.SmallIntegerField(
        _("which weeks"),
        choices=Nth,
        default=Nth.EVERY_WEEK,
        help_text=_("A rule for e.g. the 2nd Saturday overrides the every-week rule of that day."),
    )
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(
        _("closes at"),
        null=True,
        blank=True,
        help_text=_("Leave both times empty to close the window on these days."),
    )

    class Meta:
        ordering = ["window", "service", "weekday", "nth"]
        verbose_name = _("opening rule")
        verbose_name_plural = _("opening rules")
        constraints = [
            models.UniqueConstraint(fields=["window", "service", "weekday", "nth"], name="opening_rule_unique"),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True, closes_at__isnull=True)
                | Q(opens_at__isnull=False, closes_at__isnull=False, opens_at__lt=models.F("closes_at")),
                name="opening_rule_times",
                violation_error_message=_("Give both times with opening before closing, or neither."),
            ),
        ]

    def __str__(self):
        hours = rules.format_hours(self.opens_at, self.closes_at) if self.opens_at else gettext("closed")
        return f"{self.window} {self.get_service_display()} {self.get_weekday_display()} {self.get_nth_display()}: {hours}"

    def as_rule(self):
        return rules.OpeningRule(
            weekday=self.weekday, nth=self.nth, opens_at=self.opens_at, closes_at=self.closes_at
        )


class RecurringClosure(CalendarRow):
    """
    A closure that comes back by itself (R-W5): the day after the 3rd
    Saturday of every month, the year-end period every year.
    """

    class Kind(models.TextChoices):
        MAINTENANCE = rules.ClosedReason.MAINTENANCE, _("System maintenance")
        YEAR_END = rules.ClosedReason.YEAR_END, _("Year-end and New Year")

    class Pattern(models.TextChoices):
        MONTHLY = "monthly", _("Every month, after the nth weekday")
        YEARLY = "yearly", _("Every year, from one date to another")

    window = models.ForeignKey(
        Window,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="recurring_closures",
        verbose_name=_("window"),
        help_text=_("Leave empty for all windows."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    pattern = models.CharField(_("repeats"), max_length=10, choices=Pattern)
    weekday = models.SmallIntegerField(_("weekday"), choices=Weekday, null=True, blank=True)
    nth = models.SmallIntegerField(
        _("nth"),
        choices=[c for c in Nth.choices if c[0] != Nth.EVERY_WEEK],
        null=True,
        blank=True,
    )
    days_after = models.PositiveSmallIntegerField(
        _("days after"),
        default=0,
        validators=[MaxValueValidator(6)],
        help_text=_("1 for the day after the nth weekday (R-W5: the day after the 3rd Saturday)."),
    )
    start_month = models.PositiveSmallIntegerField(
        _("from month"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    start_day = models.PositiveSmallIntegerField(
        _("from day"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    end_month = models.PositiveSmallIntegerField(
        _("to month"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    end_day = models.PositiveSmallIntegerField(
        _("to day"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("A period that ends in an earlier month runs over New Year (29 Dec to 3 Jan)."),
    )
    note_ja = models.CharField(_("public note (Japanese)"), max_length=200, blank=True)
    note_en = models.CharField(_("public note (English)"), max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("recurring closure")
        verbose_name_plural = _("recurring closures")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(pattern="monthly", weekday__isnull=False, nth__isnull=False)
                    | Q(
                        pattern="yearly",
                        start_month__isnull=False,
                        start_day__isnull=False,
                        end_month__isnull=False,
                        end_day__isnull=False,
                    )
                ),
                name="recurring_closure_pattern_fields",
                violation_error_message=_(
                    "A monthly closure needs a weekday and which one; a yearly one needs both dates."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_pattern_display()})"

    def clean(self):
        if self.pattern == self.Pattern.YEARLY:
            for month_field, day_field in (("start_month", "start_day"), ("end_month", "end_day")):
                month, day = getattr(self, month_field), getattr(self, day_field)
                if month and day and day > [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]:
                    raise ValidationError({day_field: _("That month has no such day.")})

    def as_rule(self):
        reason = rules.ClosedReason(self.kind)
        note = localized(self, "note")
        if self.pattern == self.Pattern.MONTHLY:
            return rules.RecurringClosure(
                reason=reason, weekday=self.weekday, nth=self.nth, days_after=self.days_after, note=note
            )
        return rules.RecurringClosure(
            reason=reason,
            start=(self.start_month, self.start_day),
            end=(self.end_month, self.end_day),
            note=note,
        )


class ClosureQuerySet(models.QuerySet):
    def for_window(self, window):
        return self.filter(Q(window=window) | Q(window__isnull=True))

    def overlapping(self, start, end):
        return self.filter(start_date__lte=end, end_date__gte=start)


class Closure(CalendarRow):
    """A dated closure (臨時休業 and the like, R-W6): one window or all, a whole day or part of it."""

    class Kind(models.TextChoices):
        TEMPORARY = "temporary", _("Temporary closure")
        MAINTENANCE = "maintenance", _("System maintenance")
        YEAR_END = "year_end", _("Year-end and New Year")

    window = models.ForeignKey(
        Window,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        verbose_name=_("window"),
        help_text=_("Leave empty to close all windows."),
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"), help_text=_("The same as the first day for a one-day closure."))
    start_time = models.TimeField(
        _("from"), null=True, blank=True, help_text=_("Leave both times empty to close the whole day.")
    )
    end_time = models.TimeField(_("until"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.TEMPORARY)
    note_ja = models.CharField(
        _("public note (Japanese)"), max_length=200, blank=True, help_text=_("Shown to residents, e.g. the reason.")
    )
    note_en = models.CharField(_("public note (English)"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ClosureQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "pk"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        indexes = [models.Index(fields=["start_date", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="closure_dates_ordered",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
            models.CheckConstraint(
                condition=Q(start_time__isnull=True, end_time__isnull=True)
                | Q(start_time__isnull=False, end_time__isnull=False, start_time__lt=models.F("end_time")),
                name="closure_times",
                violation_error_message=_("Give both times with the start before the end, or neither."),
            ),
        ]

    def __str__(self):
        where = self.window.name if self.window_id else _("all windows")
        return f"{self.get_kind_display()} {days_in_words(self.start_date, self.end_date)} ({where})"

    @property
    def note(self):
        return localized(self, "note")

    def as_rule(self):
        reason = {
            self.Kind.TEMPORARY: rules.ClosedReason.CLOSURE,
            self.Kind.MAINTENANCE: rules.ClosedReason.MAINTENANCE,
            self.Kind.YEAR_END: rules.ClosedReason.YEAR_END,
        }[self.kind]
        return rules.Closure(
            start_date=self.start_date,
            end_date=self.end_date,
            reason=reason,
            start_time=self.start_time,
            end_time=self.end_time,
            note=self.note,
        )


class CapacityOverride(CalendarRow):
    """The seats per slot of one window on one date, instead of the window's usual number (R-W7)."""

    window = models.ForeignKey(
        Window, on_delete=models.CASCADE, related_name="capacity_overrides", verbose_name=_("window")
    )
    service = models.CharField(_("service"), max_length=30, choices=Service, default=Service.PICKUP)
    date = models.DateField(_("date"))
    capacity = models.PositiveSmallIntegerField(
        _("seats per slot"), validators=[MaxValueValidator(50)], help_text=_("0 takes no bookings that day.")
    )
    note = models.CharField(_("internal note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-date", "window"]
        verbose_name = _("capacity for a day")
        verbose_name_plural = _("capacities for a day")
        constraints = [models.UniqueConstraint(fields=["window", "service", "date"], name="capacity_override_unique")]

    def __str__(self):
        return gettext("%(window)s %(date)s (%(service)s): %(capacity)d seats") % {
            "window": self.window.name, "date": day_in_words(self.date), "service": self.get_service_display(),
            "capacity": self.capacity,
        }


class BookingBlockQuerySet(models.QuerySet):
    def for_window(self, window, service=None):
        """The blocks of ``window`` (or of all windows); of ``service`` (or of every service) when given."""
        found = self.filter(Q(window=window) | Q(window__isnull=True))
        return found if service is None else found.filter(Q(service=service) | Q(service=""))

    def overlapping(self, start, end):
        return self.filter(start_date__lte=end, end_date__gte=start)


class BookingBlock(CalendarRow):
    """
    Dates on which new bookings are refused though the window is open
    (予約を受付できない期間, R-B2). Existing bookings stay.
    """

    window = models.ForeignKey(
        Window,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="booking_blocks",
        verbose_name=_("window"),
        help_text=_("Leave empty for all windows."),
    )
    service = models.CharField(
        _("service"), max_length=30, choices=Service, blank=True, help_text=_("Leave empty for every service.")
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    note_ja = models.CharField(_("public note (Japanese)"), max_length=200, blank=True)
    note_en = models.CharField(_("public note (English)"), max_length=200, blank=True)

    objects = BookingBlockQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "pk"]
        verbose_name = _("booking block")
        verbose_name_plural = _("booking blocks")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="booking_block_dates_ordered",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
        ]

    def __str__(self):
        where = self.window.name if self.window_id else _("all windows")
        return f"{days_in_words(self.start_date, self.end_date)} ({where})"

    def covers(self, day):
        return self.start_date <= day <= self.end_date


SlotKey = tuple[int, str, dt.date, dt.time]  # (window id, service, date, start) of one slot


def _slots_matching(keys: Iterable[SlotKey]) -> Q:
    """Return a Q for exactly the slots ``keys`` (not the cross product of their windows, dates and starts)."""
    match = Q(pk__in=[])  # no slot: matches nothing
    for window_id, service, day, start in keys:
        match |= Q(window_id=window_id, service=service, date=day, start=start)
    return match


class SlotCounterQuerySet(models.QuerySet):
    """
    The one place where seats are taken and given back (R-B6, R-L3): booking,
    cancelling, moving and marking affected all go through ``take`` and
    ``free``, inside the caller's transaction.
    """

    def take(
        self, *, window: "Window", date: dt.date, start: dt.time, capacity: int, seats: int,
        service: str = Service.PICKUP, schedule_version: int | None = None,
    ) -> bool:
        """
        Take ``seats`` seats of ``service``'s slot with one statement (R-B6): an
        upsert that creates the slot's counter at its first booking, or adds the
        seats to it only while they fit ``capacity`` (the day's, written with
        them). With ``schedule_version``, only while ``window`` still has that
        version (Window.objects.bump_schedule): the rules the slot was checked
        against are still the database's. Return whether the seats were taken.
        """
        quote, ops = connection.ops.quote_name, connection.ops
        table, windows = quote(self.model._meta.db_table), quote(Window._meta.db_table)
        booked, cap = quote("booked"), quote("capacity")
        columns = ", ".join(quote(name) for name in ("window_id", "service", "date", "start", "capacity", "booked"))
        key = ", ".join(quote(name) for name in ("window_id", "service", "date", "start"))
        same_rules, rule_params = "", []
        if schedule_version is not None:
            same_rules = f" AND EXISTS (SELECT 1 FROM {windows} WHERE {quote('id')} = %s AND {quote('schedule_version')} = %s)"
            rule_params = [window.pk, schedule_version]
        sql = (
            f"INSERT INTO {table} ({columns}) SELECT %s, %s, %s, %s, %s, %s WHERE %s <= %s{same_rules} "
            f"ON CONFLICT ({key}) DO UPDATE SET {booked} = {table}.{booked} + excluded.{booked}, "
            f"{cap} = excluded.{cap} WHERE {table}.{booked} + excluded.{booked} <= excluded.{cap}{same_rules} "
            f"RETURNING {quote('id')}"
        )
        params = [
            window.pk, service, ops.adapt_datefield_value(date), ops.adapt_timefield_value(start), capacity, seats,
            seats, capacity, *rule_params, *rule_params,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone() is not None

    def lock(self, keys: Iterable[SlotKey]) -> list["SlotCounter"]:
        """Lock the counters of the slots ``keys`` in primary-key order (no deadlock between two callers)."""
        keys = set(keys)
        if not keys:
            return []
        return list(self.select_for_update().filter(_slots_matching(keys)).order_by("pk"))

    def free(self, bookings: Iterable["Booking"] = (), offers: Iterable["WaitlistOffer"] = ()) -> list["SlotCounter"]:
        """
        Give back the seats of ``bookings`` leaving a seat-holding status and
        of ``offers`` (waiting-list holds, R-L3) leaving ``open``, in four
        queries whatever their number: lock their slots' counters, count the
        seats that the other bookings and open offers of those slots hold,
        write. A counter that disagrees with that count (it would go below
        zero, or it counted seats nobody holds) has drifted: it is logged,
        without personal data, and set to the count, never clamped. Return
        the counters that had drifted.
        """
        seats, leaving = {}, {"booking": set(), "offer": set()}
        for kind, holders in (("booking", bookings), ("offer", offers)):
            for holder in holders:
                key = (holder.window_id, holder.service, holder.date, holder.start)
                seats[key] = seats.get(key, 0) + holder.party_size
                leaving[kind].add(holder.pk)
        counters = self.lock(seats)
        if not counters:
            return []
        # Read after the lock: every booking or hold that took seats here has committed.
        held = dict.fromkeys(seats, 0)
        for rows in (
            Booking.objects.filter(_slots_matching(seats), status__in=rules.SEAT_HOLDING_STATUSES)
            .exclude(pk__in=leaving["booking"]),
            WaitlistOffer.objects.open().filter(_slots_matching(seats)).exclude(pk__in=leaving["offer"]),
        ):
            for window_id, service, day, start, taken in (
                rows.order_by().values_list("window_id", "service", "date", "start").annotate(seats=models.Sum("party_size"))
            ):
                held[(window_id, service, day, start)] += taken
        return self._write_counts(counters, seats, held)

    def _write_counts(self, counters, seats, held) -> list["SlotCounter"]:
        drifted = []
        for counter in counters:
            key = (counter.window_id, counter.service, counter.date, counter.start)
            if counter.booked - seats[key] != held[key]:
                drifted.append(counter)
                logger.warning(
                    "slot counter of window %s on %s at %s drifted: %d seats counted, %d given back, "
                    "%d held by the other bookings; set to %d",
                    counter.window_id, counter.date, counter.start, counter.booked, seats[key], held[key], held[key],
                )
            counter.booked = held[key]
        self.bulk_update(counters, ["booked"])
        return drifted


class SlotCounter(models.Model):
    """
    Seats taken in one slot of one window (R-B6). Bookings take and give
    back seats only through ``SlotCounter.objects.take`` and ``.free``; the
    CHECK constraint is the last line of defence against overbooking.
    """

    window = models.ForeignKey(
        Window, on_delete=models.CASCADE, related_name="slot_counters", verbose_name=_("window")
    )
    service = models.CharField(_("service"), max_length=30, choices=Service, default=Service.PICKUP)
    date = models.DateField(_("date"))
    start = models.TimeField(_("start"))
    capacity = models.PositiveSmallIntegerField(_("seats"))
    booked = models.PositiveSmallIntegerField(_("seats taken"), default=0)

    objects = SlotCounterQuerySet.as_manager()

    class Meta:
        verbose_name = _("seat counter of a slot")
        verbose_name_plural = _("seat counters of slots")
        constraints = [
            models.UniqueConstraint(fields=["window", "service", "date", "start"], name="slot_counter_unique"),
            models.CheckConstraint(condition=Q(booked__lte=models.F("capacity")), name="slot_counter_not_overbooked"),
        ]

    def __str__(self):
        return (
            f"{self.window.name} {self.get_service_display()} {day_in_words(self.date)} "
            f"{rules.format_time(self.start)}: {self.booked}/{self.capacity}"
        )


# Who comes to pick up the card (R-B4): ``Attendance`` lives in eligibility.rules, the one
# vocabulary of the booking, the wizard and the checklist; imported above for Booking.attendance.


class BookingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=Booking.ACTIVE_STATUSES)


class Booking(models.Model):
    """A booking of a service: card pickup (受取予約, R-B4, R-B10) or application support (R-A5)."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CHECKED_IN = "checked_in", _("Checked in")
        ISSUED = "issued", _("Issued")
        NO_SHOW = "no_show", _("Did not come")
        CANCELLED = "cancelled", _("Cancelled")
        AFFECTED = "affected", _("Affected by a closure")

    ACTIVE_STATUSES = (Status.BOOKED, Status.CHECKED_IN, Status.AFFECTED)

    code = models.CharField(_("reservation code"), max_length=8, unique=True)
    service = models.CharField(_("service"), max_length=30, choices=Service, default=Service.PICKUP)
    window = models.ForeignKey(Window, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("window"))
    date = models.DateField(_("date"))
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))
    party_size = models.PositiveSmallIntegerField(_("party size"))
    ward = models.CharField(_("ward of residence"), max_length=10, choices=Ward)
    attendance = models.CharField(_("who comes"), max_length=30, choices=Attendance)
    proxy_reason = models.PositiveSmallIntegerField(_("proxy reason"), null=True, blank=True)
    # Who comes as the proxy (R-E5), recorded by the reservation centre (issue #15); erased with the
    # rest of the personal data (R-B11).
    proxy_name = models.CharField(_("proxy's name"), max_length=100, blank=True)
    proxy_phone = models.CharField(_("proxy's phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=5, default="ja")
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.BOOKED)
    submission_token = models.CharField(_("submission token"), max_length=64, unique=True, null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    made_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="bookings_made",
        verbose_name=_("booked by staff"), help_text=_("The operator who booked on behalf of a caller (R-S2)."),
    )
    # A salted hash of the network the booking came from (booking.limits.client_key), never the
    # address itself: it groups bookings for the admins' review of clusters (issue #18).
    client_hash = models.CharField(_("network group"), max_length=32, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["date", "start", "pk"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [models.Index(fields=["window", "date", "start"])]
        constraints = [
            models.CheckConstraint(condition=Q(party_size__gte=1, party_size__lte=4), name="booking_party_size"),
            # R-A5: application support never by a proxy.
            models.CheckConstraint(
                condition=~Q(service=Service.APPLICATION_SUPPORT, attendance=Attendance.PROXY),
                name="booking_support_no_proxy",
            ),
            models.CheckConstraint(
                condition=~Q(email="", phone="") | Q(anonymised_at__isnull=False), name="booking_has_contact"
            ),
        ]

    def __str__(self):
        return self.display_code

    @property
    def display_code(self):
        return rules.format_code(self.code)

    @property
    def is_active(self):
        return self.status in self.ACTIVE_STATUSES

    def checklist(self, people=None):
        """
        Return what the party brings (R-E8, R-E4, R-E6): the ChecklistItems for
        its attendance and proxy reason, the youngest person's age on the day.
        ``people`` saves the query when the caller already has them.
        """
        people = self.people.all() if people is None else people
        applicant_age = youngest_age([person.birth_date for person in people], self.date)
        if self.service == Service.APPLICATION_SUPPORT:
            return application_support_checklist(self.attendance, applicant_age=applicant_age)  # R-A6
        return booking_checklist(self.attendance, proxy_reason=self.proxy_reason, applicant_age=applicant_age)

    @property
    def proxy_reason_label(self):
        """The proxy reason in words (R-E5), never only its number; "" without one."""
        return proxy_reason_titles().get(self.proxy_reason, "") if self.proxy_reason else ""

    @property
    def is_support(self):
        return self.service == Service.APPLICATION_SUPPORT


class BookingQuota(models.Model):
    """
    Today's count of successful online bookings under one key (a salted hash of
    a client address, an e-mail or a phone; never the value itself): the
    daily anti-hoarding limits (booking.limits). Taken with one conditional
    upsert in the booking's transaction, so a refused or failed booking
    gives its count back and concurrent bookings cannot pass the limit.
    """

    key = models.CharField(_("key (hashed)"), max_length=40)
    day = models.DateField(_("day"))
    count = models.PositiveSmallIntegerField(_("bookings made"), default=0)
    allowed = models.PositiveSmallIntegerField(_("bookings allowed"))

    class Meta:
        verbose_name = _("daily booking limit")
        verbose_name_plural = _("daily booking limits")
        constraints = [models.UniqueConstraint(fields=["key", "day"], name="booking_quota_once_per_day")]

    def __str__(self):
        return f"{self.day} {self.count}/{self.allowed}"


class BookingPerson(models.Model):
    """One person of a booking's party, with their own issuance-notice number (R-B4)."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="people", verbose_name=_("booking"))
    position = models.PositiveSmallIntegerField(_("order in the party"))
    # Empty for application support (R-A5: nobody has a notice before applying).
    notice_number = models.CharField(_("issuance notice number"), max_length=30, blank=True)
    name = models.CharField(_("name"), max_length=100)
    kana = models.CharField(_("name in katakana"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    # True while the booking is active: one active booking per notice number.
    active = models.BooleanField(_("booking active"), default=True)

    class Meta:
        ordering = ["booking", "position"]
        verbose_name = _("person of a booking")
        verbose_name_plural = _("people of a booking")
        constraints = [
            models.UniqueConstraint(fields=["booking", "position"], name="booking_person_position"),
            models.UniqueConstraint(
                fields=["notice_number"],
                condition=Q(active=True) & ~Q(notice_number=""),
                name="one_active_booking_per_notice_number",
            ),
        ]

    def __str__(self):
        return f"{self.booking} #{self.position}"


class BookingEvent(models.Model):
    """One change of a booking: who, when, what, before → after, why (R-B10, R-S4)."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events", verbose_name=_("booking"))
    at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("staff account")
    )
    actor_label = models.CharField(_("done by"), max_length=50, default="resident")
    action = models.CharField(_("action"), max_length=30)
    before = models.CharField(_("before"), max_length=200, blank=True)
    after = models.CharField(_("after"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("booking event")
        verbose_name_plural = _("booking events (audit trail)")

    def __str__(self):
        return f"{self.booking} {self.action} {self.at:%Y-%m-%d %H:%M}"

    @property
    def action_label(self):
        """The action in the reader's language, from the one table of action words (rules.ACTION_LABELS)."""
        return rules.action_label(self.action)

    @staticmethod
    def _state_label(value):
        """
        A status in the words of Booking.Status; a slot as stored by the
        booking services ("kita 2026-11-26 09:00") in words: the window's
        name, the date and the time (北区役所 11月26日（木） 9:00).
        """
        if value in Booking.Status.values:
            return Booking.Status(value).label
        return slot_in_words(value)

    @property
    def before_label(self):
        return self._state_label(self.before)

    @property
    def after_label(self):
        return self._state_label(self.after)


# A slot as the audit trail stores it (booking.services._slot_label): "kita 2026-11-26 09:00".
SLOT_LABEL = re.compile(r"^(?P<code>[-\w]+) (?P<date>\d{4}-\d{2}-\d{2}) (?P<hour>\d{1,2}):(?P<minute>\d{2})$")
# The windows' names for the audit trail, read once and kept a few minutes (one query, not one per row).
WINDOW_NAMES_SECONDS = 300
_window_names: dict[str, object] = {"read_at": None, "names": {}}


def window_names():
    """Return {code: (name in Japanese, name in English)} of every window, read at most every few minutes."""
    read_at = _window_names["read_at"]
    if read_at is None or time.monotonic() - read_at > WINDOW_NAMES_SECONDS:
        _window_names["names"] = {code: (ja, en) for code, ja, en in Window.objects.values_list("code", "name_ja", "name_en")}
        _window_names["read_at"] = time.monotonic()
    return _window_names["names"]


def forget_window_names():
    """Read the windows' names again next time (tests; a renamed window)."""
    _window_names["read_at"] = None


def slot_in_words(value):
    """Return a stored slot label in words (window name, date, time); anything else as it is."""
    match = SLOT_LABEL.match(value or "")
    if not match:
        return value
    try:
        day = dt.date.fromisoformat(match["date"])
        start = dt.time(int(match["hour"]), int(match["minute"]))
    except ValueError:
        return value
    names = window_names().get(match["code"])
    if names is None:
        name = match["code"]
    else:
        name = names[1] if (get_language() or "ja")[:2] == "en" and names[1] else names[0]
    return f"{name} {day_in_words(day)} {rules.format_time(start)}"


class StaffAssignment(models.Model):
    """A clerk's window (R-S1): clerks see and act only on the windows assigned to them."""

    user = models.ForeignKey(
        "auth.User", on_delete=models.CASCADE, related_name="window_assignments", verbose_name=_("staff account")
    )
    window = models.ForeignKey(
        Window, on_delete=models.CASCADE, related_name="staff_assignments", verbose_name=_("window")
    )

    class Meta:
        verbose_name = _("window assignment")
        verbose_name_plural = _("window assignments")
        constraints = [models.UniqueConstraint(fields=["user", "window"], name="staff_assignment_unique")]

    def __str__(self):
        return f"{self.user} → {self.window.name}"


class WaitlistEntry(models.Model):
    """
    A place on the waiting list (キャンセル待ち, SPEC §9, R-L1): one service, one
    window or any window the ward may use, a date range, the party and a
    contact. It is offered freed seats first come, first served (R-L2).
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Offered a time")
        BOOKED = "booked", _("Booked")
        EXPIRED = "expired", _("Ended")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE_STATUSES = (Status.WAITING, Status.OFFERED)

    code = models.CharField(_("waiting-list code"), max_length=8, unique=True)
    service = models.CharField(_("service"), max_length=30, choices=Service, default=Service.PICKUP)
    # None: any window the ward may use for the service (R-L1).
    window = models.ForeignKey(
        Window, on_delete=models.PROTECT, null=True, blank=True, related_name="waitlist_entries",
        verbose_name=_("window"),
    )
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
    party_size = models.PositiveSmallIntegerField(_("party size"))
    ward = models.CharField(_("ward of residence"), max_length=10, choices=Ward)
    attendance = models.CharField(_("who comes"), max_length=30, choices=Attendance)
    proxy_reason = models.PositiveSmallIntegerField(_("proxy reason"), null=True, blank=True)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=5, default="ja")
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.WAITING)
    booking = models.OneToOneField(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="waitlist_entry",
        verbose_name=_("booking"),
    )
    created_at = models.DateTimeField(_("joined at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("waiting-list entry")
        verbose_name_plural = _("waiting-list entries")
        indexes = [models.Index(fields=["service", "status", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(party_size__gte=1, party_size__lte=4), name="waitlist_party_size"),
            models.CheckConstraint(condition=Q(date_from__lte=models.F("date_to")), name="waitlist_date_range"),
            models.CheckConstraint(
                condition=~Q(service=Service.APPLICATION_SUPPORT, attendance=Attendance.PROXY),
                name="waitlist_support_no_proxy",
            ),
        ]

    def __str__(self):
        return self.display_code

    @property
    def display_code(self):
        return rules.format_code(self.code)

    @property
    def is_active(self):
        return self.status in self.ACTIVE_STATUSES

    @property
    def is_support(self):
        return self.service == Service.APPLICATION_SUPPORT


class WaitlistPerson(models.Model):
    """
    One person of a waiting-list entry. ``key`` makes one active entry per
    notice number (pickup) or per person, name and date of birth (application
    support, R-L1); it is emptied when the entry ends.
    """

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="people", verbose_name=_("entry"))
    position = models.PositiveSmallIntegerField(_("order in the party"))
    notice_number = models.CharField(_("issuance notice number"), max_length=30, blank=True)
    name = models.CharField(_("name"), max_length=100)
    kana = models.CharField(_("name in katakana"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    key = models.CharField(_("person key"), max_length=200, blank=True, editable=False)

    class Meta:
        ordering = ["entry", "position"]
        verbose_name = _("person of a waiting-list entry")
        verbose_name_plural = _("people of a waiting-list entry")
        constraints = [
            models.UniqueConstraint(fields=["entry", "position"], name="waitlist_person_position"),
            models.UniqueConstraint(fields=["key"], condition=~Q(key=""), name="one_active_waitlist_entry_per_person"),
        ]

    def __str__(self):
        return f"{self.entry} #{self.position}"


class WaitlistOfferQuerySet(models.QuerySet):
    def open(self):
        return self.filter(outcome=WaitlistOffer.Outcome.OPEN)


class WaitlistOffer(models.Model):
    """
    Seats offered to a waiting-list entry (R-L2). While ``open`` the offer
    holds its seats in the slot's counter exactly as a booking does (R-L3);
    ``SlotCounter.objects.free`` counts it. An entry has one open offer at most.
    """

    class Outcome(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers", verbose_name=_("entry"))
    window = models.ForeignKey(Window, on_delete=models.CASCADE, related_name="waitlist_offers", verbose_name=_("window"))
    service = models.CharField(_("service"), max_length=30, choices=Service, default=Service.PICKUP)
    date = models.DateField(_("date"))
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))
    party_size = models.PositiveSmallIntegerField(_("party size"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome, default=Outcome.OPEN)
    made_at = models.DateTimeField(_("offered at"))
    expires_at = models.DateTimeField(_("offer ends at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = WaitlistOfferQuerySet.as_manager()

    class Meta:
        ordering = ["made_at", "pk"]
        verbose_name = _("waiting-list offer")
        verbose_name_plural = _("waiting-list offers")
        indexes = [
            models.Index(fields=["outcome", "expires_at"]),
            models.Index(fields=["window", "service", "date", "start"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["entry"], condition=Q(outcome="open"), name="waitlist_one_open_offer"),
        ]

    def __str__(self):
        return f"{self.entry} {self.date} {self.start:%H:%M} ({self.outcome})"


class Message(models.Model):
    """
    A message to a booking's party, written in the same transaction as the
    change it tells about (a transactional outbox). Sending is the
    messaging layer's job; a row waits as ``pending`` until then.
    """

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Booking confirmation")
        REMINDER = "reminder", _("Reminder")
        RESCHEDULED = "rescheduled", _("Booking moved")
        CANCELLED = "cancelled", _("Booking cancelled")
        CLOSURE_NOTICE = "closure_notice", _("Closure notice")
        WAITLIST_JOINED = "waitlist_joined", _("Waiting list: joined")
        WAITLIST_OFFER = "waitlist_offer", _("Waiting list: a time offered")
        WAITLIST_ENDED = "waitlist_ended", _("Waiting list: entry ended")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent (no e-mail address)")

    # A message is about a booking, or about a waiting-list entry (its offers, SPEC §9): one of the two.
    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, null=True, blank=True, related_name="messages", verbose_name=_("booking")
    )
    entry = models.ForeignKey(
        WaitlistEntry, on_delete=models.CASCADE, null=True, blank=True, related_name="messages",
        verbose_name=_("waiting-list entry"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.PENDING)
    due_at = models.DateTimeField(_("due at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed for sending at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["state", "due_at"])]
        constraints = [
            # One outbox row per event: a booking is confirmed once, reminded
            # once per appointment time, told of each change once.
            models.UniqueConstraint(fields=["booking", "kind", "due_at"], name="message_once_per_event"),
            models.UniqueConstraint(
                fields=["booking"], condition=Q(kind="confirmation"), name="message_one_confirmation"
            ),
            models.UniqueConstraint(fields=["entry", "kind", "due_at"], name="message_entry_once_per_event"),
            models.CheckConstraint(
                condition=Q(booking__isnull=False, entry__isnull=True) | Q(booking__isnull=True, entry__isnull=False),
                name="message_of_booking_or_entry",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.booking or self.entry} ({self.state})"
