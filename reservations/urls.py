from django.urls import path

from reservations.booking import views as booking_views
from reservations.schedule import views

app_name = "reservations"

urlpatterns = [
    path("windows/", views.window_list, name="window_list"),
    path("windows/<slug:code>/", views.window_detail, name="window_detail"),
    # The resident's booking path.
    path("book/", booking_views.start, name="book_start"),
    # Application support (申請補助, SPEC §8) starts here and goes on through the same steps.
    path("book/support/", booking_views.support_start, name="book_support"),
    path("book/window/", booking_views.choose_window, name="book_window"),
    path("book/review/", booking_views.review, name="book_review"),
    path("book/done/", booking_views.done, name="book_done"),
    path("book/done/calendar.ics", booking_views.done_ics, name="book_ics"),
    path("book/<slug:code>/", booking_views.choose_slot, name="book_calendar"),
    path("book/<slug:code>/<str:date>/<str:start>/", booking_views.details, name="book_details"),
    # Check, move or cancel a booking.
    path("booking/", booking_views.manage_lookup, name="manage_lookup"),
    path("booking/manage/", booking_views.manage, name="manage"),
    path("booking/manage/cancel/", booking_views.manage_cancel, name="manage_cancel"),
    path("booking/manage/move/", booking_views.manage_move, name="manage_move"),
    path("booking/manage/calendar.ics", booking_views.manage_ics, name="manage_ics"),
    path("booking/forget/", booking_views.manage_forget, name="manage_forget"),
]
