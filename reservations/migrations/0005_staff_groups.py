"""
The staff roles as Django groups (R-S1, R-S2):

- clerk (窓口職員): day lists and counter actions for the windows assigned to them;
- operator (予約センター): books, moves and cancels for any window by phone;
- city_admin (管理者): everything, and the Django admin for windows and calendars.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMIN_MODELS = ["window", "openingrule", "recurringclosure", "closure", "capacityoverride", "bookingblock",
                "staffassignment"]


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in ("clerk", "operator"):
        Group.objects.get_or_create(name=name)
    admins, _created = Group.objects.get_or_create(name="city_admin")
    permissions = Permission.objects.filter(content_type__app_label="reservations", content_type__model__in=ADMIN_MODELS)
    viewing = Permission.objects.filter(
        content_type__app_label="reservations",
        content_type__model__in=["booking", "bookingevent", "message"],
        codename__startswith="view_",
    )
    users = Permission.objects.filter(content_type__app_label="auth", content_type__model__in=["user", "group"])
    admins.permissions.add(*permissions, *viewing, *users)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["clerk", "operator", "city_admin"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reservations", "0004_staff_and_messages"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
