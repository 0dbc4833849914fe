"""The waiting list's mails (SPEC §9): joined, an offer with its deadline and time left, ended and why; ja and en."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from reservations.booking import waitlist
from reservations.booking.request import WaitlistData
from reservations.booking.services import booking_cancel
from reservations.messaging import outbox
from reservations.models import Message, Window

from .factories import NOW, person
from .waitlist_steps import fill_horizon

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("booking_day")]

DAY = dt.date(2026, 12, 1)


def join(language="ja", window="kita"):
    data = WaitlistData(
        service="pickup", window=Window.objects.with_rules().get(code=window) if window else None,
        date_from=DAY, date_to=dt.date(2026, 12, 10), ward="kita", attendance="in_person", proxy_reason=None,
        email="hanako@example.jp", phone="", language=language, people=(person(name="新潟 花子"),),
    )
    return waitlist.waitlist_join(data=data, now=NOW)


def rendered(entry, kind):
    return outbox.render(Message.objects.get(entry=entry, kind=kind))


@pytest.fixture
def full():
    return fill_horizon(now=NOW)


def test_joined_mail_says_the_code_and_how_offers_work_in_japanese(full):
    entry = join()
    subject, text, html, attachments = rendered(entry, "waitlist_joined")
    assert subject == f"キャンセル待ちに登録しました（{entry.display_code}）"
    assert "新潟 花子 様" in text or "新潟 花子" in text
    assert "30分間お取り置き" in text and entry.display_code in text
    assert f"/waitlist/?code={entry.display_code}" in text and f"/waitlist/?code={entry.display_code}" in html
    assert "12月1日（火）～12月10日（木）" in text and "北区役所" in text
    assert '<html lang="ja">' in html and attachments == []


def test_offer_mail_says_the_time_the_deadline_and_the_time_left(full):
    entry = join()
    booking_cancel(booking=full[0], now=NOW)
    subject, text, html, _attachments = rendered(entry, "waitlist_offer")
    assert subject == f"空き枠のご案内：11月25日（水）10:30までにご回答ください（{entry.display_code}）"
    assert "12月1日（火） 9:00–9:15" in text and "北区役所" in text
    assert "11月25日（水）10:30まで" in text and "（あと30分）" in text or "(あと30分)" in text
    assert f"/waitlist/?code={entry.display_code}" in html and "あと30分" in html
    assert "&#" not in subject + text and "&amp;" not in text


def test_offer_mail_in_english(full):
    entry = join(language="en")
    booking_cancel(booking=full[0], now=NOW)
    subject, text, html, _attachments = rendered(entry, "waitlist_offer")
    assert subject == f"A time is free for you: answer by Nov. 25 (Wed) 10:30 ({entry.display_code})"
    assert "Dec. 1 (Tue) 9:00–9:15" in text and "by Nov. 25 (Wed) 10:30 (30 minutes left)" in text
    assert "Kita Ward Office" in text and "/en/waitlist/?code=" in text
    assert '<html lang="en">' in html


@pytest.mark.parametrize("note, japanese, english", [
    ("offer_expired", "期限までにご回答がなかったため", "was not accepted in time"),
    ("dates_passed", "ご希望の期間内に空きが出なかったため", "have passed without a free time"),
])
def test_ended_mail_says_why_and_links_to_book_again(full, note, japanese, english):
    for language, words in (("ja", japanese), ("en", english)):
        entry = join(language=language)
        message = outbox.message_for_entry(entry, Message.Kind.WAITLIST_ENDED, NOW, note=note)
        subject, text, html, _attachments = outbox.render(message)
        assert words in text and words in html
        prefix = "/en" if language == "en" else ""
        assert f"{prefix}/book/" in text and 'href="http://' in html and f'{prefix}/book/"' in html
        assert entry.display_code in subject
        waitlist.waitlist_cancel(entry=entry, now=NOW)  # the person may join again


def test_an_expired_offer_sends_the_ended_mail(full, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = join()
        booking_cancel(booking=full[0], now=NOW)
    assert any(m.subject.startswith("空き枠のご案内") for m in mail.outbox)
    later = NOW + dt.timedelta(minutes=31)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert waitlist.expire_offers(later) == 1
    ended = Message.objects.get(entry=entry, kind="waitlist_ended")
    assert ended.note == "offer_expired" and ended.state == "sent"
    assert "期限までにご回答がなかったため" in mail.outbox[-1].body
