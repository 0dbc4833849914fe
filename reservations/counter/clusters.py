"""
Suspicious clusters (issue #18, item 6), for city admins only: upcoming
online bookings that share an e-mail, a phone or a client address (its
salted hash, Booking.client_hash), with their largest burst, and a bulk
cancel with a confirmation step and a required reason. Each cancellation
goes through booking_cancel, which frees the seats, keeps the audit trail
(R-S4) and queues the cancellation message with the reason.

Nothing personal travels in a URL: the list is a GET without parameters, the
selection and the reason are posted.
"""

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from reservations.booking.services import CancelNotice, NotChangeable, booking_cancel
from reservations.counter import access
from reservations.counter.views import staff_required
from reservations.models import Booking
from reservations.rules import hoarding

REVIEWED = (Booking.Status.BOOKED, Booking.Status.AFFECTED)  # seats held or to be rebooked
KIND_LABELS = {
    hoarding.EMAIL: gettext_lazy("Same e-mail"),
    hoarding.PHONE: gettext_lazy("Same phone"),
    hoarding.ADDRESS: gettext_lazy("Same network"),
}
MAX_CLUSTERS = 50


class ClusterCancelForm(forms.Form):
    """The bookings of a cluster to cancel and, on the confirmation step, why (sent to each party)."""

    bookings = forms.ModelMultipleChoiceField(
        queryset=Booking.objects.none(), to_field_name="code", widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Bookings to cancel"),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (sent to each party)"), max_length=300, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, confirming: bool = False, today: dt.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bookings"].queryset = (
            reviewable(today).select_related("window").prefetch_related("people").order_by("date", "start", "pk")
        )
        self.fields["reason"].required = confirming


def _admin_only(request: HttpRequest) -> None:
    if access.CITY_ADMIN not in access.roles(request.user):
        raise Http404("city admins only")


def reviewable(today: dt.date):
    """Upcoming online bookings that hold (or held) seats: what a hoarder would keep."""
    return Booking.objects.filter(status__in=REVIEWED, date__gte=today, made_by__isnull=True)


def find_clusters(today: dt.date) -> list[dict]:
    """Return the clusters of today's reviewable bookings, each with its bookings (two queries)."""
    traces = [
        hoarding.BookingTrace(pk, created_at, email, phone, client or "")
        for pk, created_at, email, phone, client in reviewable(today).values_list(
            "pk", "created_at", "email", "phone", "client_hash"
        )
    ]
    found = hoarding.clusters(
        traces, min_size=settings.CLUSTER_MIN_BOOKINGS, min_burst=settings.CLUSTER_BURST_BOOKINGS,
        burst_window=dt.timedelta(seconds=settings.CLUSTER_BURST_SECONDS),
    )[:MAX_CLUSTERS]
    wanted = {pk for cluster in found for pk in cluster.pks}
    bookings = Booking.objects.filter(pk__in=wanted).select_related("window").in_bulk()
    return [
        {"kind": KIND_LABELS[cluster.kind], "key": _shown_key(cluster), "size": cluster.size, "burst": cluster.burst,
         "seats": sum(bookings[pk].party_size for pk in cluster.pks),
         "bookings": sorted((bookings[pk] for pk in cluster.pks), key=lambda booking: booking.created_at)}
        for cluster in found
    ]


def _shown_key(cluster: hoarding.Cluster) -> str:
    """The e-mail or phone as counted (admins only, never in a URL); a network as a short pseudonym."""
    if cluster.kind == hoarding.ADDRESS:
        return _("network %(pseudonym)s") % {"pseudonym": cluster.key[:8]}
    return cluster.key


def cancel_bookings(bookings: list[Booking], *, actor: access.User, reason: str) -> int:
    """Cancel ``bookings`` one by one through booking_cancel (seats, audit trail, message); return how many."""
    cancelled = 0
    for booking in bookings:
        try:
            # The admin's reason stays internal; the resident is asked to contact the window (issue #18, 7f).
            booking_cancel(booking=booking, actor=actor, reason=reason, by_staff=True, notice=CancelNotice.ASK_THE_WINDOW)
        except NotChangeable:
            continue
        cancelled += 1
    return cancelled


@staff_required
@require_GET
def cluster_list(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    today = timezone.localdate()
    return render(request, "staff/clusters.html", {
        "clusters": find_clusters(today), "min_size": settings.CLUSTER_MIN_BOOKINGS,
        "burst_minutes": max(1, settings.CLUSTER_BURST_SECONDS // 60),
    })


@staff_required
@require_POST
def cluster_cancel(request: HttpRequest) -> HttpResponse:
    """Step 1 (from the list): confirm the selection and give a reason. Step 2 (``confirm``): cancel."""
    _admin_only(request)
    confirming = "confirm" in request.POST
    form = ClusterCancelForm(request.POST, confirming=confirming, today=timezone.localdate())
    valid = form.is_valid()
    if confirming and valid:
        count = cancel_bookings(list(form.cleaned_data["bookings"]), actor=request.user,
                                reason=form.cleaned_data["reason"])
        messages.success(request, _("%(count)d bookings cancelled; each party is told.") % {"count": count})
        return redirect("staff:clusters")
    selected = form.cleaned_data.get("bookings")
    if not selected:
        messages.error(request, _("Choose at least one booking that can still be cancelled."))
        return redirect("staff:clusters")
    return render(request, "staff/clusters_confirm.html", {"form": form, "selected": selected,
                                                           "confirming": confirming})
