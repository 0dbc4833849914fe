import logging

from django import forms
from django.contrib import admin, messages
from django.db import DatabaseError
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from reservations import rules
from reservations.booking import services
from reservations.models import (
    WaitlistEntry,
    WaitlistOffer,
    Booking,
    BookingBlock,
    BookingEvent,
    CapacityOverride,
    Closure,
    Message,
    OpeningRule,
    RecurringClosure,
    Window,
    WindowService,
    days_in_words,
)
from reservations.schedule import impact

logger = logging.getLogger(__name__)

# The flag the confirmation page posts back: a digest of the bookings the
# admin saw, so a list that changed meanwhile is shown again (R-S3).
IMPACT_CONFIRMED = "_impact_confirmed"


class ImpactNotConfirmed(Exception):
    """
    Raised from save_model/save_related, inside the admin's transaction, to
    roll the save back and show the confirmation page instead.
    """

    def __init__(self, bookings, *, marks, changed):
        super().__init__("impact not confirmed")
        self.bookings = bookings
        self.marks = marks
        self.changed = changed


class ImpactConfirmationMixin:
    """
    A two-step save for changes that hit existing bookings (R-S3, R-B9).

    When a valid form would hit bookings, the change is rolled back and a
    page lists them; its button posts the same form data again with
    IMPACT_CONFIRMED, and only then is the change saved and the bookings
    marked affected. Nothing hit: the save goes through at once.

    Marking is a booking write with its own durable transaction (the
    booking services'), so it runs once the admin's save has committed:
    ``mark_hit_bookings`` only notes the bookings on the request.
    """

    impact_template = "admin/reservations/impact_confirmation.html"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            response = super().changeform_view(request, object_id, form_url, extra_context)
        except ImpactNotConfirmed as pending:
            return self.render_impact_confirmation(request, object_id, pending)
        self.mark_noted_bookings(request)
        return response

    def require_confirmation(self, request, bookings, *, marks=True):
        """Raise ImpactNotConfirmed unless nothing is hit or the admin confirmed exactly ``bookings``."""
        if not bookings:
            return
        confirmed = request.POST.get(IMPACT_CONFIRMED)
        if confirmed == impact.fingerprint(bookings):
            return
        raise ImpactNotConfirmed(bookings, marks=marks, changed=bool(confirmed))

    def mark_hit_bookings(self, request, bookings, reason):
        """Note ``bookings`` to be marked affected, with ``reason``, once the save has committed."""
        if bookings:
            request.impact_to_mark = (bookings, reason)

    def mark_noted_bookings(self, request):
        """Mark the noted bookings affected (R-B9) and tell the admin how many."""
        bookings, reason = getattr(request, "impact_to_mark", ((), ""))
        request.impact_to_mark = ((), "")
        if not bookings:
            return []
        try:
            marked = services.bookings_mark_affected(bookings, actor=request.user, reason=reason)
        except DatabaseError:
            logger.exception("saved, but could not mark %d bookings affected", len(bookings))
            self.message_user(request, gettext(
                "The change was saved, but the bookings it hits could not be marked affected. Save it again to retry."
            ), messages.ERROR)
            return []
        if marked:
            self.message_user(
                request,
                ngettext(
                    "%(count)d booking was marked affected. Its party will be told, with a link to rebook.",
                    "%(count)d bookings were marked affected. Each party will be told, with a link to rebook.",
                    len(marked),
                )
                % {"count": len(marked)},
                messages.WARNING,
            )
        return marked

    def render_impact_confirmation(self, request, object_id, pending):
        opts = self.model._meta
        hidden = [
            (name, value)
            for name, values in request.POST.lists()
            if name not in ("csrfmiddlewaretoken", IMPACT_CONFIRMED)
            for value in values
        ]
        count = len(pending.bookings)
        if pending.marks:
            title = ngettext(
                "This change makes %(count)d booking impossible",
                "This change makes %(count)d bookings impossible",
                count,
            ) % {"count": count}
        else:
            title = ngettext(
                "%(count)d existing booking lies in these dates",
                "%(count)d existing bookings lie in these dates",
                count,
            ) % {"count": count}
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "opts": opts,
            "app_label": opts.app_label,
            "object_id": object_id,
            "bookings": pending.bookings,
            "count": count,
            "marks": pending.marks,
            "changed": pending.changed,
            "hidden_fields": hidden,
            "confirm_field": IMPACT_CONFIRMED,
            "fingerprint": impact.fingerprint(pending.bookings),
            "form_url": request.get_full_path(),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.impact_template, context)


class WindowServiceInline(admin.TabularInline):
    """The services a window offers, each with its own seats, slot length, lead time and horizon (R-A3, R-A4)."""

    model = WindowService
    extra = 0
    fields = ["service", "booking", "capacity", "slot_minutes", "open_on_holidays", "lead_days", "lead_minutes",
              "horizon_days"]


class OpeningRuleInline(admin.TabularInline):
    model = OpeningRule
    extra = 0
    fields = ["service", "weekday", "nth", "opens_at", "closes_at"]


class CapacityOverrideInline(admin.TabularInline):
    model = CapacityOverride
    extra = 0
    fields = ["service", "date", "capacity", "note"]
    ordering = ["-date"]
    show_change_link = True


def _today():
    return timezone.localdate()


def _dates(start, end):
    """A day or a period in words in the active language (12月10日（木）), for messages and the audit trail."""
    return days_in_words(start, end)


def in_language(describe):
    """
    Return ``describe()`` as a function of a language code, run in that
    language: bookings_mark_affected writes the audit trail in Japanese and each
    closure notice in its booking's language.
    """

    def reason(language):
        with translation.override(language):
            return str(describe())

    return reason


def closure_reason(closure):
    """Return why a Closure hits bookings, in words in the current language, for the audit trail and the notice."""
    parts = [str(closure.get_kind_display()), _dates(closure.start_date, closure.end_date)]
    if closure.start_time is not None:
        parts.append(rules.format_hours(closure.start_time, closure.end_time))
    note = closure.note or closure.note_en  # the note in this language, else whichever there is
    if note:
        parts.append(note)
    return " ".join(parts)


@admin.register(Window)
class WindowAdmin(ImpactConfirmationMixin, admin.ModelAdmin):
    list_display = ["name_ja", "code", "kind", "ward", "phone"]
    list_filter = ["kind", "offers__service"]
    search_fields = ["code", "name_ja", "name_en"]
    inlines = [WindowServiceInline, OpeningRuleInline]
    fieldsets = [
        (None, {"fields": ["code", "name_ja", "name_en", "kind", "ward", "sort_order"]}),
        (_("Contact"), {"fields": ["unit_ja", "unit_en", "address_ja", "address_en", "phone"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The code is used in addresses and by partner systems (R-W1).
        return ["code"] if obj else []

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            return
        # The window and its opening rules are saved by now, inside the
        # admin's transaction: read the new calendar from today on (R-B9).
        window = form.instance
        hits = impact.affected_bookings(window, _today(), None)
        self.require_confirmation(request, hits)
        self.mark_hit_bookings(
            request,
            hits,
            in_language(
                lambda: gettext("Capacity, slots or opening hours of %(window)s changed") % {"window": window.name}
            ),
        )


# The explicit choice of every window (stored as no window: the model's "all").
ALL_WINDOWS = "all"


class WindowOrAllForm(forms.ModelForm):
    """
    The window of a closure, recurring closure or booking block, chosen
    explicitly (issue #15): one window, or 全窓口 (stored as no window, which
    means every window). Nothing is preselected on the add form, so an
    admin never closes every window by leaving a field empty.
    """

    window = forms.ChoiceField(label=_("window"), help_text=_("One window, or all windows of the city."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["window"].choices = [
            ("", _("Choose: one window or all windows")),
            (ALL_WINDOWS, _("All windows of the city")),
            *((str(window.pk), window.name) for window in Window.objects.all()),
        ]
        if self.instance.pk and self.instance.window_id is None:
            self.initial["window"] = ALL_WINDOWS

    def clean_window(self):
        value = self.cleaned_data["window"]
        return None if value == ALL_WINDOWS else Window.objects.get(pk=value)


class AllWindowsLabelMixin:
    """A list column for rows that apply to one window or, left empty, to all."""

    @admin.display(description=_("window"), ordering="window")
    def window_label(self, obj):
        return obj.window.name_ja if obj.window_id else _("all windows")


@admin.register(Closure)
class ClosureAdmin(AllWindowsLabelMixin, ImpactConfirmationMixin, admin.ModelAdmin):
    form = WindowOrAllForm
    list_display = ["start_date", "end_date", "window_label", "kind", "start_time", "end_time", "note_ja"]
    list_filter = ["kind", "window", "start_date"]
    date_hierarchy = "start_date"
    search_fields = ["note_ja", "note_en"]
    fields = ["window", "kind", "start_date", "end_date", "start_time", "end_time", "note_ja", "note_en"]

    def save_model(self, request, obj, form, change):
        # R-W6, R-S3: show what the closure hits before it is saved.
        hits = impact.affected_bookings(obj.window, obj.start_date, obj.end_date, extra_closure=obj)
        self.require_confirmation(request, hits)
        super().save_model(request, obj, form, change)
        self.mark_hit_bookings(request, hits, in_language(lambda: closure_reason(obj)))


@admin.register(RecurringClosure)
class RecurringClosureAdmin(AllWindowsLabelMixin, ImpactConfirmationMixin, admin.ModelAdmin):
    form = WindowOrAllForm
    list_display = ["kind", "pattern", "window_label", "nth", "weekday", "days_after", "start_month", "start_day", "end_month", "end_day"]
    list_filter = ["kind", "window"]
    fieldsets = [
        (None, {"fields": ["window", "kind", "pattern"]}),
        (_("Every month"), {"fields": ["nth", "weekday", "days_after"]}),
        (_("Every year"), {"fields": ["start_month", "start_day", "end_month", "end_day"]}),
        (_("Shown to residents"), {"fields": ["note_ja", "note_en"]}),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Saved inside the admin's transaction: read the new calendar (R-B9).
        hits = impact.affected_bookings(obj.window, _today(), None)
        self.require_confirmation(request, hits)
        self.mark_hit_bookings(request, hits, in_language(lambda: str(obj)))


@admin.register(CapacityOverride)
class CapacityOverrideAdmin(ImpactConfirmationMixin, admin.ModelAdmin):
    list_display = ["date", "window", "service", "capacity", "note"]
    list_filter = ["service", "window", "date"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        hits = impact.affected_bookings(obj.window, obj.date, obj.date, capacity_override=obj, service=obj.service)
        self.require_confirmation(request, hits)
        super().save_model(request, obj, form, change)

        def reason():
            text = gettext("Seats per slot of %(service)s at %(window)s on %(date)s cut to %(capacity)d") % {
                "service": obj.get_service_display(),
                "window": obj.window.name,
                "date": _dates(obj.date, obj.date),
                "capacity": obj.capacity,
            }
            # The note has one field, in the admin's words.
            return f"{text}: {obj.note}" if obj.note else text

        self.mark_hit_bookings(request, hits, in_language(reason))


@admin.register(BookingBlock)
class BookingBlockAdmin(AllWindowsLabelMixin, ImpactConfirmationMixin, admin.ModelAdmin):
    form = WindowOrAllForm
    list_display = ["start_date", "end_date", "window_label", "service", "note_ja"]
    list_filter = ["service", "window", "start_date"]
    date_hierarchy = "start_date"

    def save_model(self, request, obj, form, change):
        # A block only stops new bookings (R-B2): show the bookings in its
        # dates, which stay valid, and mark nothing.
        self.require_confirmation(request, impact.bookings_in_block(obj), marks=False)
        super().save_model(request, obj, form, change)


# --- Bookings and their audit trail, read-only (R-B9, R-S4) ------------------


class CodeSearchMixin:
    """Find a booking's rows by its code as people type it: any case, with a hyphen, O for 0 (R-B7)."""

    code_lookup = "code"

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        code = rules.parse_code(search_term)
        if code:
            found = found | queryset.filter(**{self.code_lookup: code})
        return found, may_have_duplicates


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewing only: rows change through the booking services, never by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventLabelsMixin:
    """The audit trail in words: actions from rules.ACTION_LABELS, statuses from Booking.Status."""

    @admin.display(description=_("action"), ordering="action")
    def action_words(self, obj):
        return obj.action_label

    @admin.display(description=_("before"))
    def before_words(self, obj):
        return obj.before_label

    @admin.display(description=_("after"))
    def after_words(self, obj):
        return obj.after_label


class ActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return [(code, rules.action_label(code)) for code in rules.ACTION_LABELS]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


class BookingEventInline(EventLabelsMixin, admin.TabularInline):
    model = BookingEvent
    extra = 0
    fields = ["at", "action_words", "before_words", "after_words", "reason", "actor_label"]
    readonly_fields = fields
    can_delete = False
    verbose_name = _("change")
    verbose_name_plural = _("changes (audit trail)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(CodeSearchMixin, ReadOnlyAdmin):
    list_display = ["code_label", "service", "date", "start", "window", "party_size", "status", "created_at"]
    list_filter = ["service", "status", "window", "date"]
    list_select_related = ["window"]
    date_hierarchy = "date"
    search_fields = ["code"]
    search_help_text = _("Reservation code, e.g. 7QX2-M9KD.")
    ordering = ["date", "start", "pk"]
    fields = ["code", "service", "window", "date", "start", "end", "party_size", "ward", "attendance", "status",
              "made_by", "created_at", "updated_at"]
    inlines = [BookingEventInline]

    @admin.display(description=_("reservation code"), ordering="code")
    def code_label(self, obj):
        return obj.display_code


@admin.register(BookingEvent)
class BookingEventAdmin(CodeSearchMixin, EventLabelsMixin, ReadOnlyAdmin):
    code_lookup = "booking__code"
    list_display = ["at", "booking", "action_words", "before_words", "after_words", "reason", "actor_label"]
    list_filter = [ActionFilter, "at", "booking__window"]
    fields = ["booking", "at", "action_words", "before_words", "after_words", "reason", "actor_label"]
    readonly_fields = fields
    list_select_related = ["booking"]
    date_hierarchy = "at"
    search_fields = ["booking__code", "actor_label", "reason"]
    ordering = ["-at", "-pk"]


@admin.register(Message)
class MessageAdmin(CodeSearchMixin, ReadOnlyAdmin):
    code_lookup = "booking__code"
    list_display = ["due_at", "kind", "state", "booking", "entry", "note", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["booking", "entry"]
    search_fields = ["booking__code"]
    ordering = ["due_at", "pk"]


class WaitlistOfferInline(admin.TabularInline):
    model = WaitlistOffer
    extra = 0
    can_delete = False
    fields = ["window", "date", "start", "party_size", "outcome", "made_at", "expires_at", "ended_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(CodeSearchMixin, ReadOnlyAdmin):
    """The waiting list (SPEC §9), to look at: entries change through the waiting-list services only."""

    list_display = ["code_label", "service", "window", "date_from", "date_to", "party_size", "status", "created_at"]
    list_filter = ["service", "status", "window"]
    list_select_related = ["window"]
    search_fields = ["code"]
    ordering = ["created_at", "pk"]
    fields = ["code", "service", "window", "date_from", "date_to", "party_size", "ward", "attendance", "status",
              "booking", "created_at", "ended_at"]
    inlines = [WaitlistOfferInline]

    @admin.display(description=_("waiting-list code"), ordering="code")
    def code_label(self, obj):
        return obj.display_code
