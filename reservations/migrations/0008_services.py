
import datetime as dt

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


SUPPORT_WALK_IN = ("kita", "nishi")  # R-A4: no bookings for application support there


def offer_services(apps, schema_editor):
    """
    Every window offers pickup with the seats, slots and holidays it had
    (existing bookings and counters become pickup's); every ward office offers
    application support (R-A3 defaults: Mon–Fri 09:00–16:00, 30-minute slots,
    2 per slot), walk-in only at Kita and Nishi (R-A4).
    """
    Window = apps.get_model("reservations", "Window")
    WindowService = apps.get_model("reservations", "WindowService")
    OpeningRule = apps.get_model("reservations", "OpeningRule")
    for window in Window.objects.all():
        WindowService.objects.create(
            window=window, service="pickup", booking="required", capacity=window.capacity,
            slot_minutes=window.slot_minutes, open_on_holidays=window.open_on_holidays,
        )
        if window.kind != "ward":
            continue
        WindowService.objects.create(
            window=window, service="application_support",
            booking="walk_in" if window.code in SUPPORT_WALK_IN else "required",
            capacity=2, slot_minutes=30, open_on_holidays=False,
        )
        for weekday in range(5):
            OpeningRule.objects.create(
                window=window, service="application_support", weekday=weekday, nth=0,
                opens_at=dt.time(9), closes_at=dt.time(16),
            )


class Migration(migrations.Migration):

    dependencies = [
        ('reservations', '0007_booking_limits'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='WindowService',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('service', models.CharField(choices=[('pickup', 'Card pickup'), ('application_support', 'Application support')], max_length=30, verbose_name='service')),
                ('booking', models.CharField(choices=[('required', 'Booked in advance'), ('walk_in', 'Walk-in only')], default='required', help_text='Walk-in: the portal takes no bookings for this service here and says so (R-A4).', max_length=10, verbose_name='booking')),
                ('capacity', models.PositiveSmallIntegerField(default=2, help_text='How many people can be served at once (counters staffed). A day can override it.', validators=[django.core.validators.MaxValueValidator(50)], verbose_name='seats per slot')),
                ('slot_minutes', models.PositiveSmallIntegerField(default=15, help_text='Pickup: about 15 minutes per person. Application support: 30 minutes.', validators=[django.core.validators.MinValueValidator(5), django.core.validators.MaxValueValidator(120)], verbose_name='slot length (minutes)')),
                ('open_on_holidays', models.BooleanField(default=False, help_text='Ward offices close on national holidays; the City Hall window opens on them.', verbose_name='open on national holidays')),
                ('lead_days', models.PositiveSmallIntegerField(blank=True, help_text="The first bookable day, in days from today. Empty: the service's setting (pickup 1, application support 0).", null=True, validators=[django.core.validators.MaxValueValidator(30)], verbose_name='days ahead')),
                ('lead_minutes', models.PositiveSmallIntegerField(blank=True, help_text="A slot must start at least this long from now. Empty: the service's setting (application support 30).", null=True, validators=[django.core.validators.MaxValueValidator(1440)], verbose_name='minutes ahead')),
                ('horizon_days', models.PositiveSmallIntegerField(blank=True, help_text='The last bookable day, in days from today. Empty: the setting (30).', null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(93)], verbose_name='booking horizon (days)')),
            ],
            options={
                'verbose_name': 'service of a window',
                'verbose_name_plural': 'services of a window',
                'ordering': ['window__sort_order', 'service'],
            },
        ),
        migrations.AlterModelOptions(
            name='openingrule',
            options={'ordering': ['window', 'service', 'weekday', 'nth'], 'verbose_name': 'opening rule', 'verbose_name_plural': 'opening rules'},
        ),
        migrations.RemoveConstraint(
            model_name='bookingperson',
            name='one_active_booking_per_notice_number',
        ),
        migrations.RemoveConstraint(
            model_name='capacityoverride',
            name='capacity_override_unique',
        ),
        migrations.RemoveConstraint(
            model_name='openingrule',
            name='opening_rule_unique',
        ),
        migrations.RemoveConstraint(
            model_name='slotcounter',
            name='slot_counter_unique',
        ),
        migrations.AddField(
            model_name='booking',
            name='service',
            field=models.CharField(choices=[('pickup', 'Card pickup'), ('application_support', 'Application support')], default='pickup', max_length=30, verbose_name='service'),
        ),
        migrations.AddField(
            model_name='bookingblock',
            name='service',
            field=models.CharField(blank=True, choices=[('pickup', 'Card pickup'), ('application_support', 'Application support')], help_text='Leave empty for every service.', max_length=30, verbose_name='service'),
        ),
        migrations.AddField(
            model_name='capacityoverride',
            name='service',
            field=models.CharField(choices=[('pickup', 'Card pickup'), ('application_support', 'Application support')], default='pickup', max_length=30, verbose_name='service'),
        ),
        migrations.AddField(
            model_name='openingrule',
            name='service',
            field=models.CharField(choices=[('pickup', 'Card pickup'), ('application_support', 'Application support')], default='pickup', max_length=30, verbose_name='service'),
        ),
        migrations.AddField(
            model_name='slotcounter',
            name='service',
            field=models.CharField(choices=[('pickup', 'Card pickup'), ('application_support', 'Application support')], default='pickup', max_length=30),
        ),
        migrations.AlterField(
            model_name='bookingperson',
            name='notice_number',
            field=models.CharField(blank=True, max_length=30, verbose_name='issuance notice number'),
        ),
        migrations.AddConstraint(
            model_name='booking',
            constraint=models.CheckConstraint(condition=models.Q(('attendance', 'proxy'), ('service', 'application_support'), _negated=True), name='booking_support_no_proxy'),
        ),
        migrations.AddConstraint(
            model_name='bookingperson',
            constraint=models.UniqueConstraint(condition=models.Q(('active', True), models.Q(('notice_number', ''), _negated=True)), fields=('notice_number',), name='one_active_booking_per_notice_number'),
        ),
        migrations.AddConstraint(
            model_name='capacityoverride',
            constraint=models.UniqueConstraint(fields=('window', 'service', 'date'), name='capacity_override_unique'),
        ),
        migrations.AddConstraint(
            model_name='openingrule',
            constraint=models.UniqueConstraint(fields=('window', 'service', 'weekday', 'nth'), name='opening_rule_unique'),
        ),
        migrations.AddConstraint(
            model_name='slotcounter',
            constraint=models.UniqueConstraint(fields=('window', 'service', 'date', 'start'), name='slot_counter_unique'),
        ),
        migrations.AddField(
            model_name='windowservice',
            name='window',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='offers', to='reservations.window'),
        ),
        migrations.AddConstraint(
            model_name='windowservice',
            constraint=models.UniqueConstraint(fields=('window', 'service'), name='window_service_unique'),
        ),
        migrations.AddConstraint(
            model_name='windowservice',
            constraint=models.CheckConstraint(condition=models.Q(('slot_minutes__gte', 5)), name='window_service_slot_minutes_min'),
        ),
        migrations.RunPython(offer_services, migrations.RunPython.noop),
    ]
