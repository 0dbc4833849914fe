"""The information pages (SPEC §7) and the card lifecycle pages render in Japanese and English."""

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

GUIDE = [
    "index", "applying", "lost_application", "issuance_notice", "pickup", "pins", "fees", "renewal",
    "invalidation", "other_procedures", "contacts", "card_validity", "move_in",
]


def url(name, language):
    with translation.override(language):
        return reverse(f"info:{name}")


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("name", GUIDE)
def test_every_guide_page_renders(client, name, language):
    path = url(name, language)
    assert path.startswith("/en/guide/" if language == "en" else "/guide/")
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert html.count("<h1") == 1
    assert reverse("info:index").rstrip("/") in html  # the guide's own navigation


@pytest.mark.parametrize("language", ["ja", "en"])
def test_fee_page_renders(client, language):
    with translation.override(language):
        path = reverse("fees:quote")
    assert client.get(path).status_code == 200


def test_guide_is_linked_from_the_nav_and_the_home_page(client):
    html = client.get("/en/").content.decode()
    assert 'href="/en/guide/"' in html
    assert 'href="/en/guide/card-expiry/"' in html and 'href="/en/fees/"' in html


def test_lost_card_page_says_to_call_the_hotline_first(client):
    html = client.get("/en/guide/other-procedures/").content.decode()
    assert 'href="tel:0120950178"' in html
    assert html.index("0120-95-0178") < html.index("loss or cancellation notification")


def test_contacts_list_every_ward_office_with_tel_links(client):
    html = client.get("/en/guide/contacts/").content.decode()
    for phone in ("0253871265", "0252502235", "0252237106", "0253824203", "0250255674", "0253726105",
                  "0252647211", "0256728326", "0252450300", "0120950178"):
        assert f'href="tel:{phone}"' in html


def test_lost_application_page_has_the_hand_written_address(client):
    html = client.get("/guide/lost-application-form/").content.decode()
    assert "219-8732" in html and "川崎東郵便局郵便私書箱第2号" in html and "個人番号カード交付申請書受付センター" in html


def test_pages_link_the_tools(client):
    assert reverse("eligibility:wizard_start") in client.get("/guide/pickup/").content.decode()
    assert reverse("eligibility:pin_checker") in client.get("/guide/pins/").content.decode()
    assert reverse("fees:quote") in client.get("/guide/fees/").content.decode()


# --- "When does my card expire?" and "I am moving to Niigata" --------------------------


def date_fields(prefix, day):
    year, month, dom = day.split("-")
    return {f"{prefix}_year": year, f"{prefix}_month": month, f"{prefix}_day": dom}


def test_card_expiry_page_shows_the_dates(client):
    data = {**date_fields("birth", "1975-08-20"), **date_fields("issue", "2018-02-01")}
    response = client.post("/en/guide/card-expiry/", data)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="result"' in html
    assert "Aug. 20, 2027" in html and "Aug. 20, 2022" in html and "May 20, 2027" in html


def test_card_expiry_page_refuses_an_issue_before_birth(client):
    data = {**date_fields("birth", "2000-01-02"), **date_fields("issue", "2000-01-01")}
    html = client.post("/en/guide/card-expiry/", data).content.decode()
    assert 'id="result"' not in html
    assert "The issue date cannot be before the date of birth." in html


def test_card_expiry_page_refuses_an_impossible_date(client):
    data = {**date_fields("birth", "1975-02-30"), **date_fields("issue", "2018-02-01")}
    html = client.post("/en/guide/card-expiry/", data).content.decode()
    assert "That date does not exist." in html and 'id="result"' not in html


def test_card_expiry_page_needs_all_three_parts(client):
    data = {**date_fields("birth", "1975-08-20"), **date_fields("issue", "2018-02-01"), "application_year": "2018"}
    html = client.post("/en/guide/card-expiry/", data).content.decode()
    assert "Enter the year, the month and the day." in html


def test_move_in_page_gives_the_card_face_change_deadline(client, frozen_now):
    import datetime as dt

    frozen_now(dt.date(2026, 4, 1))
    data = {
        **date_fields("planned_move_out", "2026-03-01"), **date_fields("started_living", "2026-03-10"),
        **date_fields("move_in_notified", "2026-03-10"), "card_presented_at_move_in": "no",
    }
    html = client.post("/en/guide/moving-to-niigata/", data).content.decode()
    assert "Your card is still valid." in html and "June 8, 2026" in html


def test_move_in_page_says_why_the_card_ended(client):
    data = {
        **date_fields("started_living", "2026-03-10"), **date_fields("move_in_notified", "2026-03-25"),
        "card_presented_at_move_in": "yes",
    }
    html = client.post("/en/guide/moving-to-niigata/", data).content.decode()
    assert "Your card is no longer valid." in html and "more than 14 days" in html


def test_move_in_page_requires_the_answers(client):
    html = client.post("/en/guide/moving-to-niigata/", {}).content.decode()
    assert 'id="result"' not in html and "This field is required." in html


@pytest.mark.parametrize("page", ["fees", "renewal", "invalidation"])
def test_guide_pages_read_the_fees_from_the_fee_table(client, monkeypatch, page):
    """R-F…: the amounts in the guide come from fees.rules.FEES, not from the text."""
    from fees import rules as fee_rules

    monkeypatch.setitem(fee_rules.FEES, "card", 900)
    body = client.get(f"/guide/{page}/").content.decode()
    assert "900円" in body and "800円" not in body
