from django.contrib.auth import views as auth_views
from django.urls import path

from portal.auth import ThrottledLoginView
from reservations.counter import clusters
from reservations.counter import views as staff_views

app_name = "staff"

urlpatterns = [
    path("login/", ThrottledLoginView.as_view(template_name="staff/login.html", redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="staff:login"), name="logout"),
    path("", staff_views.home, name="home"),
    path("search/", staff_views.search, name="search"),
    path("affected/", staff_views.affected, name="affected"),
    path("clusters/", clusters.cluster_list, name="clusters"),
    path("clusters/cancel/", clusters.cluster_cancel, name="clusters_cancel"),
    path("book/", staff_views.phone_booking, name="phone_booking"),
    path("booking/<str:code>/", staff_views.booking_detail, name="booking"),
    path("booking/<str:code>/move/", staff_views.booking_move, name="booking_move"),
    path("booking/<str:code>/undo/", staff_views.booking_undo, name="booking_undo"),
    path("booking/<str:code>/<str:action>/", staff_views.booking_action, name="booking_action"),
    path("windows/<slug:code>/", staff_views.day_list, name="day_list"),
    path("windows/<slug:code>/print/", staff_views.day_list_print, name="day_list_print"),
    path("windows/<slug:code>/export.csv", staff_views.day_list_csv, name="day_list_csv"),
    path("windows/<slug:code>/waitlist/", staff_views.waiting_list, name="waiting_list"),
    path("windows/<slug:code>/stats/", staff_views.statistics, name="statistics"),
    path("windows/<slug:code>/stats.csv", staff_views.statistics_csv, name="statistics_csv"),
]
