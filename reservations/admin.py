from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import BookingBlock, CapacityOverride, Closure, OpeningRule, RecurringClosure, Window


class OpeningRuleInline(admin.TabularInline):
    model = OpeningRule
    extra = 0
    fields = ["weekday", "nth", "opens_at", "closes_at"]


class CapacityOverrideInline(admin.TabularInline):
    model = CapacityOverride
    extra = 0
    fields = ["date", "capacity", "note"]
    ordering = ["-date"]
    show_change_link = True


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    list_display = ["name_ja", "code", "kind", "ward", "capacity", "slot_minutes", "open_on_holidays", "phone"]
    list_filter = ["kind"]
    search_fields = ["code", "name_ja", "name_en"]
    inlines = [OpeningRuleInline]
    fieldsets = [
        (None, {"fields": ["code", "name_ja", "name_en", "kind", "ward", "sort_order"]}),
        (_("Contact"), {"fields": ["unit_ja", "unit_en", "address_ja", "address_en", "phone"]}),
        (_("Slots"), {"fields": ["capacity", "slot_minutes", "open_on_holidays"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The code is used in addresses and by partner systems (R-W1).
        return ["code"] if obj else []



@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["start_date", "end_date", "window_label", "kind", "start_time", "end_time", "note_ja"]
    list_filter = ["kind", "window", "start_date"]
    date_hierarchy = "start_date"
    search_fields = ["note_ja", "note_en"]
    fields = ["window", "kind", "start_date", "end_date", "start_time", "end_time", "note_ja", "note_en"]

    @admin.display(description=_("window"), ordering="window")
    def window_label(self, obj):
        return obj.window.name_ja if obj.window_id else _("all windows")


@admin.register(RecurringClosure)
class RecurringClosureAdmin(admin.ModelAdmin):
    list_display = ["kind", "pattern", "window_label", "nth", "weekday", "days_after", "start_month", "start_day", "end_month", "end_day"]
    list_filter = ["kind", "window"]
    fieldsets = [
        (None, {"fields": ["window", "kind", "pattern"]}),
        (_("Every month"), {"fields": ["nth", "weekday", "days_after"]}),
        (_("Every year"), {"fields": ["start_month", "start_day", "end_month", "end_day"]}),
        (_("Shown to residents"), {"fields": ["note_ja", "note_en"]}),
    ]

    @admin.display(description=_("window"), ordering="window")
    def window_label(self, obj):
        return obj.window.name_ja if obj.window_id else _("all windows")


@admin.register(CapacityOverride)
class CapacityOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "window", "capacity", "note"]
    list_filter = ["window", "date"]
    date_hierarchy = "date"


@admin.register(BookingBlock)
class BookingBlockAdmin(admin.ModelAdmin):
    list_display = ["start_date", "end_date", "window_label", "note_ja"]
    list_filter = ["window", "start_date"]
    date_hierarchy = "start_date"

    @admin.display(description=_("window"), ordering="window")
    def window_label(self, obj):
        return obj.window.name_ja if obj.window_id else _("all windows")
