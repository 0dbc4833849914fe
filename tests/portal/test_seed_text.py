"""
The information pages and tools say what the city's page (the seed) says and
nothing it does not (issue #13, SPEC §7), in Japanese and in English.
"""

import html
import re

import pytest
from django.utils.html import strip_tags

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/guide/", "/guide/applying/", "/guide/lost-application-form/", "/guide/issuance-notice/", "/guide/pickup/",
    "/guide/pins/", "/guide/fees/", "/guide/renewal/", "/guide/invalidation/", "/guide/other-procedures/",
    "/guide/contacts/", "/guide/card-expiry/", "/guide/moving-to-niigata/",
    "/what-to-bring/", "/what-to-bring/documents/", "/what-to-bring/proxy/", "/what-to-bring/pin/", "/fees/",
]


def text(response):
    """Return the page's text, tags stripped and white space collapsed."""
    assert response.status_code == 200
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(strip_tags(body)).split())


def page(client, path, language):
    return text(client.get(path if language == "ja" else "/en" + path))


def wizard_result(client, language, answers):
    prefix = "" if language == "ja" else "/en"
    client.get(f"{prefix}/what-to-bring/questions/")
    for step, data in answers:
        client.post(f"{prefix}/what-to-bring/questions/{step}/", data)
    return text(client.get(f"{prefix}/what-to-bring/questions/result/"))


IN_PERSON = [("who", {"attendance": "in_person"}), ("age", {"applicant_age": "40"}),
             ("guardian", {"adult_ward": "no"}), ("cards", {"has_notification_card": "on"})]
PROXY = [("who", {"attendance": "proxy"}), ("reason", {"proxy_reason": "8"}), ("age", {"applicant_age": "30"}),
         ("guardian", {"adult_ward": "no"}), ("cards", {})]


# --- Wording everywhere -----------------------------------------------------------------


def test_japanese_pages_say_hagaki_in_katakana_and_no_ambiguous_day_counts(client):
    for path in PAGES:
        content = page(client, path, "ja")
        for wrong in ("はがき", "葉書", "15日目", "31日目", "郵送で通知"):
            assert wrong not in content, (path, wrong)
    content = wizard_result(client, "ja", IN_PERSON)
    assert "お手元に届いたハガキです。" in content and "はがき" not in content


def test_english_pages_say_driving_licence(client):
    for path in PAGES:
        content = page(client, path, "en").lower()
        assert "driver's licen" not in content and "driver’s licen" not in content and "license" not in content, path
    assert "Driving licence" in page(client, "/what-to-bring/", "en")
    assert "Driving licence" in page(client, "/what-to-bring/documents/", "en")


# --- The old card (R-E8): renewal and reissue -------------------------------------------


def test_old_card_note_covers_renewal_and_reissue(client):
    ja = page(client, "/what-to-bring/", "ja")
    assert "カードを更新・再交付する場合" in ja and "カードを更新する場合のみ" not in ja
    en = page(client, "/what-to-bring/", "en")
    assert "Only when you are renewing or reissuing a card (for example after it expired or was damaged)." in en


# --- Removed: what the seed does not say ------------------------------------------------


def test_contacts_page_gives_no_ward_office_reception_hours(client):
    ja = page(client, "/guide/contacts/", "ja")
    assert "区役所の受付は平日" not in ja
    assert "区役所でのカードの受け取りは、祝日を除く月曜から金曜の午前9時～午後5時で、完全予約制です。" in ja
    en = page(client, "/guide/contacts/", "en")
    assert "Ward offices answer" not in en
    assert "Card pickups at ward offices are Monday to Friday except national holidays, 9:00–17:00" in en


@pytest.mark.parametrize("path", ["/what-to-bring/proxy/", "/guide/pickup/"])
def test_proxy_notice_is_not_said_to_come_by_post(client, path):
    ja = page(client, path, "ja")
    assert "旨を通知します" in ja and "郵送で" not in ja
    en = page(client, path, "en")
    assert "the city later notifies the applicant" in en
    assert "by post that" not in en and "writes to the applicant" not in en


def test_proxy_checklist_notice_is_not_said_to_come_by_post(client):
    ja = wizard_result(client, "ja", PROXY)
    assert "旨を通知します" in ja and "郵送で" not in ja
    en = wizard_result(client, "en", PROXY)
    assert "the city later notifies the applicant" in en and "by post" not in en


def test_move_in_deadlines_say_more_than_14_and_30_days(client):
    ja = page(client, "/guide/moving-to-niigata/", "ja")
    assert "14日を経過した後に提出すると、カードは失効します。" in ja
    assert "転出予定日から30日を経過した後に提出すると、カードは失効します。" in ja
    en = page(client, "/guide/moving-to-niigata/", "en")
    assert "If you file it more than 14 days after that day, the card becomes invalid." in en
    assert "If you file it more than 30 days after that date, the card becomes invalid." in en
    assert "15th day" not in en and "31st day" not in en


# --- Added: what the seed says ------------------------------------------------------------


@pytest.mark.parametrize("path", ["/guide/pins/", "/what-to-bring/pin/"])
def test_user_authentication_pin_not_needed_when_that_certificate_was_declined(client, path):
    ja = page(client, path, "ja")
    assert "申請時に利用者証明用電子証明書を不要とされた方は" in ja
    en = page(client, path, "en")
    assert re.search(r"(not needed|no user authentication PIN is needed) if you declined the user authentication certificate", en)


def test_cards_are_not_picked_up_at_branch_offices_liaison_offices_or_service_corners(client):
    assert "出張所・連絡所・行政サービスコーナーでは受け取れません。" in page(client, "/guide/pickup/", "ja")
    assert ("Cards cannot be picked up at branch offices, liaison offices or administrative service corners."
            in page(client, "/guide/pickup/", "en"))


@pytest.mark.parametrize("path", ["/what-to-bring/", "/guide/pickup/"])
def test_lost_notification_card_and_resident_register_card(client, path):
    ja = page(client, path, "ja")
    assert "外出先で紛失した場合は、事前に警察署に遺失物届を提出してください。" in ja
    assert "住民基本台帳カード：紛失した場合は窓口にお申し出ください。" in ja
    en = page(client, path, "en")
    assert "If you lost it outside your home, first file a lost property report with the police." in en
    assert "Basic Resident Register card: tell the counter that you lost it." in en


def test_pin_request_form_can_be_downloaded(client):
    assert "市のホームページからダウンロードした書式" in page(client, "/guide/applying/", "ja")
    assert "or download it from the city's web page" in page(client, "/guide/applying/", "en")


def test_proxy_second_visit_for_added_certificates_lists_the_documents(client):
    ja = page(client, "/guide/other-procedures/", "ja")
    assert "照会書の回答書欄及び委任状欄の事前記入" in ja and "代理人の顔写真入り本人確認書類（コピー不可）" in ja
    en = page(client, "/guide/other-procedures/", "en")
    assert "the inquiry letter with its answer and letter-of-attorney sections filled in beforehand" in en
    assert "the proxy's own photo ID and the applicant's ID (originals, no copies)" in en


@pytest.mark.parametrize("path", ["/guide/", "/guide/pins/"])
def test_card_without_certificates_does_not_work_online_or_at_convenience_stores(client, path):
    assert "顔認証マイナンバーカード等）は、電子証明書を使うオンラインサービスやコンビニ交付サービスには利用できません。" in page(
        client, path, "ja")
    assert "such as a face-authentication card, cannot be used for online services" in page(client, path, "en")


def test_issuance_notice_page_points_to_the_mailing_times(client):
    assert "発送時期は、市のホームページにまとめて掲載しています。受け取り時期の目安としてご活用ください。" in page(
        client, "/guide/issuance-notice/", "ja")
    assert "shows when issuance notices and cards delivered by post are being mailed" in page(
        client, "/guide/issuance-notice/", "en")


# --- Consistency ----------------------------------------------------------------------------


def test_home_page_phone_line_does_not_mix_half_and_full_width_punctuation(client):
    body = client.get("/").content.decode()
    line = re.search(r'<p class="booking-phone">(.*?)</p>', body, re.S).group(1)
    visible = html.unescape(strip_tags(line))
    assert "新潟市マイナンバーカード予約センター" in visible and "025-245-0300" in visible
    assert not re.search(r"[()]|: ", visible), visible
    english = html.unescape(strip_tags(re.search(r'<p class="booking-phone">(.*?)</p>', client.get("/en/").content.decode(),
                                                 re.S).group(1)))
    assert "Weekdays 8:30–17:30, closed 29 December to 3 January." in english
