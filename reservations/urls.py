from django.urls import path

from reservations.booking import views as booking_views
from reservations.booking import waitlist_views
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
    # The waiting list (キャンセル待ち, SPEC §9): join, look up, accept, decline, leave.
    path("waitlist/", waitlist_views.lookup, name="waitlist_lookup"),
    path("waitlist/join/", waitlist_views.join, name="waitlist_join"),
    path("waitlist/joined/", waitlist_views.joined, name="waitlist_joined"),
    path("waitlist/entry/", waitlist_views.entry_page, name="waitlist_entry"),
    path("waitlist/entry/accept/", waitlist_views.accept, name="waitlist_accept"),
    path("waitlist/entry/decline/", waitlist_views.decline, name="waitlist_decline"),
    path("waitlist/entry/cancel/", waitlist_views.cancel, name="waitlist_cancel"),
    path("waitlist/forget/", waitlist_views.forget, name="waitlist_forget"),
]
