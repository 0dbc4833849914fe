from django.urls import path

from . import views

app_name = "eligibility"

urlpatterns = [
    path("", views.index, name="index"),
    path("questions/", views.wizard_start, name="wizard_start"),
    path("questions/result/", views.wizard_result, name="wizard_result"),
    path("questions/<slug:step>/", views.wizard_step, name="wizard_step"),
    path("documents/", views.document_check, name="document_check"),
    path("proxy/", views.proxy, name="proxy"),
    path("pin/", views.pin_checker, name="pin_checker"),
]
