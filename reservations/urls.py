from django.urls import path

from . import views

app_name = "reservations"

urlpatterns = [
    path("", views.window_list, name="window_list"),
    path("<slug:code>/", views.window_detail, name="window_detail"),
]
