"""The information pages (SPEC §7): the city's page rewritten for residents."""

from django.urls import path

from eligibility import lifecycle_views

from . import views

app_name = "info"

urlpatterns = [
    path("", views.guide_index, name="index"),
    path("applying/", views.guide_page, {"page": "applying"}, name="applying"),
    path("lost-application-form/", views.guide_page, {"page": "lost_application"}, name="lost_application"),
    path("issuance-notice/", views.guide_page, {"page": "issuance_notice"}, name="issuance_notice"),
    path("pickup/", views.guide_page, {"page": "pickup"}, name="pickup"),
    path("pins/", views.guide_page, {"page": "pins"}, name="pins"),
    path("fees/", views.guide_page, {"page": "fees"}, name="fees"),
    path("renewal/", views.guide_page, {"page": "renewal"}, name="renewal"),
    path("invalidation/", views.guide_page, {"page": "invalidation"}, name="invalidation"),
    path("other-procedures/", views.guide_page, {"page": "other_procedures"}, name="other_procedures"),
    path("contacts/", views.guide_page, {"page": "contacts"}, name="contacts"),
    # Card lifecycle (SPEC §5); the rules and forms live in eligibility.
    path("card-expiry/", lifecycle_views.card_validity, name="card_validity"),
    path("moving-to-niigata/", lifecycle_views.move_in, name="move_in"),
]
