from django.shortcuts import render

from fees.rules import fee_amounts
from reservations.models import Window


def home(request):
    return render(request, "portal/home.html")


# --- Information pages (SPEC §7): the city's page rewritten for residents --------------

GUIDE_PAGES = (
    "applying",
    "lost_application",
    "issuance_notice",
    "pickup",
    "pins",
    "fees",
    "renewal",
    "invalidation",
    "other_procedures",
    "contacts",
)


def guide_index(request):
    return render(request, "portal/guide/index.html")


def guide_page(request, page):
    """Render one information page; ``page`` comes from the URLconf, never from the visitor."""
    context = {"fees": fee_amounts()}  # R-F…: the amounts come from fees.rules, not from the text
    if page == "contacts":
        context["ward_offices"] = Window.objects.filter(kind="ward")
    return render(request, f"portal/guide/{page}.html", context)
