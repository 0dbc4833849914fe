"""
R-B11 (issue #18 item 5): nothing that names a resident outlives the
retention period: not the people and contacts of a booking, not the staff's
free-text reasons, not message notes, not an abandoned booking session; an
anonymised booking cannot be looked up; the job runs nightly and by command.
"""

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest
import time_machine
import yaml
from celery.schedules import crontab
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection

from reservations.booking import request
from reservations.booking.services import booking_cancel, booking_create, find_booking
from reservations.messaging import retention
from reservations.models import Booking, BookingEvent, Message
from tests.reservations.factories import NOW, TOKYO, booking_data, person

DAY = dt.date(2026, 12, 1)
# 90 days after DAY has passed: the booking is due for erasure.
AFTER_RETENTION = dt.datetime(2027, 3, 2, 3, 15, tzinfo=TOKYO)

NAME, KANA, NOTICE, BIRTH = "鳥屋野 潟子", "トヤノ カタコ", "739104628573910", dt.date(1961, 7, 23)
EMAIL, PHONE = "katako.toyano@example.jp", "025-999-4321"
REASON = "本人より電話 090-7777-8888 鳥屋野様"
PROXY_NAME, PROXY_PHONE = "沼垂 代理男", "0257778888"  # who comes as the proxy (issue #15)
SESSION_NAME, SESSION_NOTICE, SESSION_EMAIL = "白山 途中子", "846201937465120", "tochuko@example.jp"


def _book_and_cancel(staff):
    booking = booking_create(
        data=booking_data(
            "kita", date=DAY, email=EMAIL, phone=PHONE,
            people=(person(name=NAME, kana=KANA, notice_number=NOTICE, birth_date=BIRTH),),
        ),
        now=NOW,
    )
    booking_cancel(booking=booking, now=NOW, actor=staff, reason=REASON, by_staff=True)
    Message.objects.filter(booking=booking).update(last_error=f"550 mailbox unavailable: {EMAIL}")
    return booking


def _proxy_booking():
    return booking_create(
        data=booking_data("kita", date=DAY, start=dt.time(11), attendance="proxy", proxy_reason=1,
                          proxy_name=PROXY_NAME, proxy_phone=PROXY_PHONE),
        now=NOW,
    )


def _abandoned_session():
    """A resident stopped after the details step: the session holds them (R-B4 data)."""
    with time_machine.travel(NOW, tick=False):
        session = SessionStore()
        session[request.DETAILS] = {
            "people": [{"notice_number": SESSION_NOTICE, "name": SESSION_NAME, "kana": "ハクサン トチュウコ",
                        "birth_date": "1970-01-02"}],
            "email": SESSION_EMAIL, "phone": "",
        }
        session.create()
        session.save()
    return session.session_key


@pytest.mark.django_db
@pytest.mark.usefixtures("city_windows")
class TestErasure:
    def test_staff_reasons_and_message_notes_go_with_the_booking(self, admin_user):
        booking = _book_and_cancel(admin_user)
        assert BookingEvent.objects.filter(booking=booking, reason=REASON).exists()
        assert retention.anonymise_past_bookings(today=AFTER_RETENTION.date()) == 1
        assert list(BookingEvent.objects.filter(booking=booking).exclude(reason="")) == []
        assert list(Message.objects.filter(booking=booking).exclude(note="", last_error="")) == []
        # The audit trail keeps who, when and what (R-S4), and the counts stay.
        assert BookingEvent.objects.filter(booking=booking, action="cancelled", actor=admin_user).exists()
        assert Booking.objects.filter(date=DAY, status="cancelled", party_size=1).count() == 1

    def test_the_proxys_name_and_phone_go_with_the_booking(self):
        booking = _proxy_booking()
        assert (booking.proxy_name, booking.proxy_phone) == (PROXY_NAME, PROXY_PHONE)
        assert retention.anonymise_past_bookings(today=AFTER_RETENTION.date()) == 1
        booking.refresh_from_db()
        assert (booking.proxy_name, booking.proxy_phone) == ("", "")
        # Who came and why stay for the statistics; nothing names the proxy.
        assert (booking.attendance, booking.proxy_reason) == ("proxy", 1) and booking.anonymised_at

    def test_bookings_anonymised_before_the_fix_lose_their_reasons_too(self, admin_user):
        booking = _book_and_cancel(admin_user)
        Booking.objects.filter(pk=booking.pk).update(email="", phone="", anonymised_at=NOW)
        retention.erase_personal_data(today=AFTER_RETENTION.date())
        assert not BookingEvent.objects.filter(booking=booking).exclude(reason="").exists()
        assert not Message.objects.filter(booking=booking).exclude(note="", last_error="").exists()

    def test_an_anonymised_booking_cannot_be_looked_up(self, admin_user, client):
        booking = _book_and_cancel(admin_user)
        assert find_booking(booking.code, BIRTH) == booking
        retention.anonymise_past_bookings(today=AFTER_RETENTION.date())
        assert find_booking(booking.code, BIRTH) is None
        assert find_booking(booking.code, retention.ERASED_BIRTH_DATE) is None

    def test_expired_sessions_are_cleared_live_ones_kept(self):
        abandoned = _abandoned_session()
        with time_machine.travel(NOW + dt.timedelta(minutes=10), tick=False):
            live = SessionStore()
            live["x"] = 1
            live.create()
        with time_machine.travel(NOW + dt.timedelta(minutes=35), tick=False):
            retention.clear_expired_sessions()
        assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
        assert abandoned != live.session_key

    def test_command_erases_every_batch(self, admin_user, monkeypatch):
        monkeypatch.setattr(retention, "BATCH_SIZE", 1)
        for start in (dt.time(9), dt.time(9, 30)):
            booking_create(data=booking_data("kita", date=DAY, start=start), now=NOW)
        with time_machine.travel(AFTER_RETENTION, tick=False):
            call_command("erase_personal_data")
        assert not Booking.objects.filter(anonymised_at__isnull=True).exists()

    def test_command_refuses_a_retention_under_a_day(self):
        with pytest.raises(Exception, match="at least 1"):
            call_command("erase_personal_data", days=0)


def test_erasure_runs_nightly_on_the_clock_not_a_day_after_beat_starts():
    entry = settings.CELERY_BEAT_SCHEDULE["erase-personal-data"]
    assert entry["task"] == "reservations.erase_personal_data"
    assert entry["schedule"] == crontab(hour=3, minute=15)
    assert settings.CELERY_TIMEZONE == "Asia/Tokyo"
    assert isinstance(settings.CELERY_BEAT_SCHEDULE["clear-expired-sessions"]["schedule"], crontab)


def test_compose_keeps_the_beat_schedule_in_a_named_volume():
    root = Path(settings.BASE_DIR)
    compose = yaml.safe_load((root / "docker-compose.yml").read_text())
    beat = compose["services"]["beat"]
    schedule = next(arg.split("=", 1)[1] for arg in beat["command"] if arg.startswith("--schedule="))
    volume, mount = next(v.split(":")[:2] for v in beat["volumes"])
    assert volume in compose["volumes"] and schedule.startswith(mount + "/")
    assert not schedule.startswith("/tmp")
    # The mount point exists in the image (COPY . .), owned by the portal user: the volume is writable.
    assert (root / mount.removeprefix("/app/")).is_dir()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("city_windows")
def test_pg_dump_holds_no_personal_value_after_the_retention(admin_user):
    """Search the whole database, as a dump, for every personal value once the retention is over."""
    booking = _book_and_cancel(admin_user)
    booking_create(data=booking_data("kita", date=DAY, start=dt.time(10), email="other@example.jp"), now=NOW)
    _proxy_booking()
    session_key = _abandoned_session()
    session_data = Session.objects.get(session_key=session_key).session_data
    needles = [NAME, KANA, NOTICE, EMAIL, PHONE, REASON, "090-7777-8888", BIRTH.isoformat(), "other@example.jp",
               booking.code, session_key, session_data, PROXY_NAME, PROXY_PHONE]
    before = _pg_dump()
    assert [needle for needle in needles if needle not in before] == []  # committed, so pg_dump sees them
    with time_machine.travel(AFTER_RETENTION, tick=False):
        call_command("erase_personal_data")
    after = _pg_dump()
    found = [needle for needle in needles if needle in after]
    assert found == [booking.code]  # kept for the statistics, but it finds nothing (R-B11)
    assert find_booking(booking.code, BIRTH) is None
    for value in (SESSION_NAME, SESSION_NOTICE, SESSION_EMAIL, "鳥屋野", "トヤノ", "7777-8888"):
        assert value not in after


def _pg_dump():
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    command = ["pg_dump", "--data-only", "--no-owner", "-d", db["NAME"], "-U", db.get("USER") or "postgres"]
    if db.get("HOST"):
        command += ["-h", db["HOST"]]
    if db.get("PORT"):
        command += ["-p", str(db["PORT"])]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout


def test_embedded_beat_erases_personal_data_once_a_day(monkeypatch):
    """make run's sweeper (sweep_messages --every) runs the R-B11 job too, once per day."""
    from django.core.management import call_command

    from reservations.management.commands import sweep_messages

    runs = []
    monkeypatch.setattr(sweep_messages.retention, "erase_personal_data", lambda *, today: runs.append(today))
    monkeypatch.setattr(sweep_messages.outbox, "sweep", lambda: 0)
    expiries = []
    monkeypatch.setattr(sweep_messages.waitlist, "expire_offers", lambda: expiries.append(1))
    sleeps = iter([None, None, KeyboardInterrupt])

    def sleep(_seconds):
        step = next(sleeps)
        if step is KeyboardInterrupt:
            raise KeyboardInterrupt

    monkeypatch.setattr(sweep_messages.time, "sleep", sleep)
    with pytest.raises(KeyboardInterrupt):
        call_command("sweep_messages", every=60)
    assert len(runs) == 1
    assert len(expiries) == 3  # R-L2: offers past their time end on every round
