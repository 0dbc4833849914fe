from django.db import migrations


class Migration(migrations.Migration):
    """A window's seats, slot length and holidays now belong to each of its services (WindowService)."""

    dependencies = [("reservations", "0008_services")]

    operations = [
        migrations.RemoveConstraint(
            model_name="window",
            name="window_slot_minutes_min",
        ),
        migrations.RemoveField(
            model_name="window",
            name="capacity",
        ),
        migrations.RemoveField(
            model_name="window",
            name="open_on_holidays",
        ),
        migrations.RemoveField(
            model_name="window",
            name="slot_minutes",
        ),
    ]
