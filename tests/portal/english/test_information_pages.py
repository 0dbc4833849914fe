"""The information pages and tools in English: the guide, the windows pages, what to bring, fees."""

import datetime as dt

import pytest

from reservations.models import Window
from tests.reservations.factories import ClosureFactory, closure_with_notes

from .checks import INFO_PAGES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("city_windows", "booking_day")]


def test_information_pages_have_no_japanese_in_english(client, leaks):
    from portal import info_urls

    # Every guide page of portal/info_urls.py is in INFO_PAGES (checks.py).
    routes = {str(pattern.pattern) for pattern in info_urls.urlpatterns}
    assert routes == {"", *INFO_PAGES}
    for path in ["/en/", "/en/guide/", *(f"/en/guide/{page}" for page in INFO_PAGES)]:
        leaks.html(path, client.get(path))

    def dates(prefix, day):
        year, month, dom = day.split("-")
        return {f"{prefix}_year": year, f"{prefix}_month": month, f"{prefix}_day": dom}

    expiry = {
        "result": {**dates("birth", "1975-08-20"), **dates("issue", "2018-02-01")},
        "adult at 20": {**dates("birth", "2003-06-01"), **dates("issue", "2022-02-01"),
                        **dates("application", "2021-12-01"), **dates("certificate", "2024-05-01")},
        "errors": {**dates("birth", "2000-01-02"), **dates("issue", "2000-01-01"), "application_year": "2018"},
        "impossible date": {**dates("birth", "1975-02-30"), **dates("issue", "2018-02-01")},
        "empty": {},
    }
    for label, data in expiry.items():
        leaks.html(f"POST /en/guide/card-expiry/ ({label})", client.post("/en/guide/card-expiry/", data))
    move_in = {
        "valid, change due": {**dates("planned_move_out", "2026-11-01"), **dates("started_living", "2026-11-10"),
                              **dates("move_in_notified", "2026-11-12"), "card_presented_at_move_in": "no"},
        "valid, shown": {**dates("started_living", "2026-11-10"), **dates("move_in_notified", "2026-11-12"),
                         "card_presented_at_move_in": "yes"},
        "late 14 days": {**dates("started_living", "2026-03-10"), **dates("move_in_notified", "2026-03-25"),
                         "card_presented_at_move_in": "yes"},
        "late 30 days": {**dates("planned_move_out", "2026-01-01"), **dates("started_living", "2026-02-05"),
                         **dates("move_in_notified", "2026-02-06"), "card_presented_at_move_in": "yes"},
        "90 days missed": {**dates("started_living", "2026-03-10"), **dates("move_in_notified", "2026-03-10"),
                           "card_presented_at_move_in": "no"},
        "moved out again": {**dates("started_living", "2026-09-10"), **dates("move_in_notified", "2026-09-10"),
                            **dates("moved_out_again", "2026-10-01"), "card_presented_at_move_in": "no"},
        "inconsistent": {**dates("started_living", "2026-09-10"), **dates("move_in_notified", "2026-09-01"),
                         "card_presented_at_move_in": "no"},
        "empty": {},
    }
    for label, data in move_in.items():
        leaks.html(f"POST /en/guide/moving-to-niigata/ ({label})", client.post("/en/guide/moving-to-niigata/", data))
    leaks.assert_none()


def test_windows_pages_have_no_japanese_in_english(client, leaks):
    closure_with_notes(dt.date(2026, 12, 4))  # all windows, with a public note in both languages
    ClosureFactory(window=Window.objects.get(code="kita"), start_date=dt.date(2026, 12, 8), start_time=dt.time(13),
                   end_time=dt.time(15), note_ja="研修のため", note_en="Staff training")
    leaks.html("/en/windows/", client.get("/en/windows/"))
    for window in Window.objects.all():
        path = f"/en/windows/{window.code}/"
        leaks.html(path, client.get(path))
    # November: Culture Day, Labour Thanksgiving, the maintenance Sunday; December/January: the year-end;
    # January: New Year's Day and Coming of Age Day; an unreadable month gives a notice.
    for code in ("kita", "cityhall"):
        for month in ("2026-11", "2026-12", "2027-01", "2027-05", "nonsense"):
            path = f"/en/windows/{code}/?month={month}"
            client.get(path.removeprefix("/en"))  # the Japanese page first: a cache must not serve it in English
            leaks.html(path, client.get(path))
    leaks.assert_none()


def test_what_to_bring_and_fees_have_no_japanese_in_english(client, leaks):
    for path in ["/en/what-to-bring/", "/en/what-to-bring/documents/", "/en/what-to-bring/proxy/",
                 "/en/what-to-bring/pin/", "/en/fees/"]:
        leaks.html(path, client.get(path))

    # The wizard: every question, with an error, and the results of several paths.
    def step(name, data):
        url = f"/en/what-to-bring/questions/{name}/"
        leaks.html(f"GET {url}", client.get(url))
        if name != "cards":  # only check boxes: nothing to get wrong
            leaks.html(f"POST {url} (error)", client.post(url, {}))
        response = client.post(url, data)
        assert response.status_code == 302, (url, data)

    paths = [
        [("who", {"attendance": "proxy"}), ("reason", {"proxy_reason": "4"}), ("age", {"applicant_age": "9"}),
         ("cards", {"has_notification_card": "on"}), ("sub-proxy", {"sub_proxy": "yes"})],
        [("who", {"attendance": "in_person"}), ("age", {"applicant_age": "34"}), ("guardian", {"adult_ward": "yes"}),
         ("cards", {"replacing_card": "on", "has_resident_register_card": "on"})],
        [("who", {"attendance": "with_legal_representative"}), ("age", {"applicant_age": "12"}), ("cards", {})],
        # Case 6 (aged 75 or over) is not asked the age (issue #13).
        [("who", {"attendance": "proxy"}), ("reason", {"proxy_reason": "6"}),
         ("guardian", {"adult_ward": "no"}), ("cards", {})],
    ]
    for answers in paths:
        client.get("/en/what-to-bring/questions/")
        for name, data in answers:
            step(name, data)
        leaks.html("/en/what-to-bring/questions/result/", client.get("/en/what-to-bring/questions/result/"))

    from eligibility import rules

    every_document = list(rules.DOCUMENT_TYPES)
    for role in (rules.APPLICANT_IN_PERSON, rules.APPLICANT_BY_PROXY, rules.PROXY):
        for documents in (["pension_book"], ["student_id", "employee_id"], every_document, []):
            query = {"role": role, "documents": documents}
            leaks.html(f"/en/what-to-bring/documents/ {query}", client.get("/en/what-to-bring/documents/", query))
        query = {"role": role, "documents": [rules.PHOTO_CERTIFICATE, "health_insurance_card"], "b_has_photo": "on",
                 "photo_certificate_basis": next(iter(rules.photo_certificate_bases()))}
        leaks.html(f"/en/what-to-bring/documents/ {query}", client.get("/en/what-to-bring/documents/", query))
    leaks.html("/en/what-to-bring/documents/ (error)", client.get("/en/what-to-bring/documents/", {"role": "x"}))
    for reason in range(1, 12):
        for age in ("", "8", "80"):
            query = {"proxy_reason": str(reason), "applicant_age": age}
            leaks.html(f"/en/what-to-bring/proxy/ {query}", client.get("/en/what-to-bring/proxy/", query))

    from fees import rules as fee_rules

    for reason in fee_rules.REASONS:
        for returned in ("yes", "no"):
            query = {"reason": reason, "old_card_returned": returned, "with_certificates": "yes",
                     "noto_earthquake": "no"}
            leaks.html(f"/en/fees/ {query}", client.get("/en/fees/", query))
    query = {"reason": "lost", "old_card_returned": "no", "with_certificates": "no", "noto_earthquake": "yes"}
    leaks.html(f"/en/fees/ {query}", client.get("/en/fees/", query))
    leaks.html("/en/fees/ (error)", client.get("/en/fees/", {"reason": "nonsense"}))
    leaks.assert_none()
