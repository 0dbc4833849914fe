from django.shortcuts import render


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
    context = {}
    if page == "contacts":
        from reservations.models import Window

        context["ward_offices"] = Window.objects.filter(kind="ward")
    return render(request, f"portal/guide/{page}.html", context)
