"""
Every page, e-mail and API message in English carries no Japanese, except
an explicit allowlist of proper nouns and terms that stay Japanese by design.

Strings that bypass translation (hard-coded Japanese in templates, Python
strings not passed through gettext, name_ja where name_en exists, holiday
names, Japanese-style dates) show up here as Japanese on an /en/ page. The
reverse (English msgids left untranslated on Japanese pages) and the language
switch are checked at the end.
"""

import datetime as dt
import json
import re
from html.parser import HTMLParser

import pytest
import time_machine
from django.test import Client

from reservations.admin import closure_reason, in_language
from reservations.booking import services
from reservations.booking.services import booking_cancel, booking_create, booking_reschedule, booking_transition
from reservations.messaging import outbox
from reservations.models import Booking, BookingBlock, Closure, Message, Window
from tests.conftest import TOKYO
from tests.reservations.factories import NOW, api_body, booking_data, notice_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("city_windows", "booking_day")]

# Hiragana, katakana (and their extensions), CJK ideographs, CJK symbols and
# punctuation (、。「」〒…), and the full-width / half-width forms (（）！ｱ…).
JAPANESE = re.compile(
    "[\u3000-\u303f\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+"
)

# --- The allowlist ---------------------------------------------------------------------
# Exact Japanese text allowed anywhere on an English page, e-mail or API answer.
ALLOWED = {
    "日本語": "the language switcher names Japanese in Japanese, as every bilingual site does",
    "新潟 太郎": "the test resident's own typed name, echoed back",
    "新潟 花子": "the test caller's own name, typed by the operator, echoed back",
    "ニイガタ タロウ": "the resident's typed kana echoed back, and the katakana example of the kana field's help",
    "ニイガタ ハナコ": "the caller's kana typed by the operator, echoed back",
    "“マイナンバーカード”": "the title of the city's web page that the guide cites as its source",
    # The envelope address residents must copy by hand (SPEC §7): in Japanese, or the post will not arrive.
    "〒219-8732": "postal code of the application centre, copied onto an envelope by hand",
    "日本郵便株式会社川崎東郵便局郵便私書箱第2号": "postal address of the application centre, copied by hand",
    "地方公共団体情報システム機構": "addressee (J-LIS) of the hand-written envelope, and J-LIS's official name",
    "個人番号カード交付申請書受付センター 宛": "addressee of the hand-written envelope",
}

# Official Japanese names of documents, procedures and offices. The English pages
# deliberately give them in parentheses after the English term, because residents
# meet them in Japanese on paper and at the counter. Allowed ONLY in parentheses,
# "(…)" or "（…）". The value is the English term the Japanese follows.
OFFICIAL_TERMS = {
    "マイナンバーカード": "My Number Card (the card's everyday name)",
    "個人番号カード": "the card's legal name, on the fee lines",
    "個人番号": "My Number, in the warning not to type it",
    "交付通知書": "issuance notice postcard",
    "通知カード": "notification card",
    "個人番号通知書": "individual number notice",
    "住基カード": "Basic Resident Register card (short name)",
    "住民基本台帳カード": "Basic Resident Register card",
    "個人番号カード顔写真証明書": "photo certificate",
    "個人番号カード交付申請書兼電子証明書発行申請書": "application form",
    "個人番号カード・電子証明書暗証番号設定依頼書": "PIN setting request form",
    "個人番号カードコールセンター": "Individual Number Card call centre",
    "マイナポイント": "My Number point scheme",
    "有効期限": "expiry date printed on the card",
    "有効期限通知書": "expiry notice",
    "暗証番号": "PIN",
    "署名用": "signature certificate PIN",
    "署名用電子証明書": "signature certificate",
    "利用者証明用": "user authentication PIN",
    "利用者証明用電子証明書": "user authentication certificate",
    "住民基本台帳事務用・券面事項入力補助用": "resident registry and card-face input support PINs",
    "電子証明書": "electronic certificates",
    "代理交付": "pickup by a proxy",
    "代理人": "proxy",
    "復代理人": "sub-proxy",
    "委任状": "letter of attorney",
    "代理行為目録": "list of powers",
    "成年被後見人": "adult ward",
    "被保佐人・被補助人": "person under curatorship or assistance",
    "ひきこもり": "prolonged social withdrawal",
    "診断書": "medical certificate",
    "登記事項証明書": "certificate of registered matters",
    "戸籍謄本": "family register copy",
    "本籍": "registered domicile",
    "罹災証明書": "disaster victim certificate",
    "令和6年能登半島地震": "2024 Noto Peninsula earthquake",
    "転入届": "move-in notification",
    "転出証明書": "move-out certificate",
    "券面記載事項変更届": "card-face change notification",
    "紛失・廃止届": "loss or cancellation notification",
    "旧氏": "former surname",
    "差出有効期限": "reply-by date on the envelope",
    "簡易書留": "registered post",
    "申請補助サービス": "application support service",
    "区民生活課": "Residents' Services Section",
    "窓口サービス課": "Counter Services Section",
    "来庁": "checked in (staff action)",
    "交付済": "card issued (staff action)",
    "不来庁": "did not come (staff action)",
    # The ID documents of R-E1 (eligibility.rules.DOCUMENT_TYPES, name_ja), listed with their English names.
    "運転免許証": "driver's licence",
    "運転経歴証明書": "driving history certificate",
    "旅券": "passport",
    "身体障害者手帳": "physical disability certificate",
    "精神障害者保健福祉手帳": "mental disability certificate",
    "療育手帳": "rehabilitation certificate",
    "在留カード": "residence card",
    "特別永住者証明書": "special permanent resident certificate",
    "健康保険証": "health insurance card",
    "医療受給者証": "medical care recipient certificate",
    "年金手帳": "pension book",
    "介護保険証": "long-term care insurance card",
    "母子手帳": "maternal and child health handbook",
    "社員証": "employee ID",
    "学生証": "student ID",
}

_ALLOWED_PATTERN = re.compile(
    "|".join(
        [re.escape(text) for text in sorted(ALLOWED, key=len, reverse=True)]
        + [
            rf"\({re.escape(term)}\)|（{re.escape(term)}）"
            for term in sorted(OFFICIAL_TERMS, key=len, reverse=True)
        ]
    )
)


def japanese_leaks(text):
    """Return snippets around the Japanese in ``text`` that the allowlist does not cover."""
    cleaned = _ALLOWED_PATTERN.sub(lambda match: " " * len(match.group()), text)
    spans = []
    for match in JAPANESE.finditer(cleaned):
        start, end = max(match.start() - 30, 0), min(match.end() + 30, len(text))
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)  # one snippet for leaks close together
        else:
            spans.append((start, end))
    return [" ".join(text[start:end].split()) for start, end in spans]


# --- What a reader sees -----------------------------------------------------------------

VISIBLE_ATTRIBUTES = ("title", "alt", "aria-label", "placeholder", "aria-description")


class VisibleText(HTMLParser):
    """Collect the text a reader sees or hears: text outside scripts and styles, and labelling attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in VISIBLE_ATTRIBUTES:
            if attributes.get(name):
                self.chunks.append(attributes[name])
        is_button = tag == "button" or (tag == "input" and attributes.get("type") in ("submit", "button", "reset"))
        if is_button and attributes.get("value"):
            self.chunks.append(attributes["value"])
        if tag == "meta" and attributes.get("name") == "description" and attributes.get("content"):
            self.chunks.append(attributes["content"])
        if tag in ("script", "style", "template"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.chunks.append(data)


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.chunks)


class Leaks:
    """Collect (where, snippet) of every leak, to fail once with the whole list."""

    def __init__(self):
        self.found = []
        self.checked = 0

    def html(self, where, response_or_html, status=200, *, data=()):
        """
        Check a page. ``data`` are texts the page shows as recorded by people
        (the audit trail's reasons), not interface text: they are left out.
        """
        if isinstance(response_or_html, str):
            html = response_or_html
        else:
            assert response_or_html.status_code == status, f"{where}: status {response_or_html.status_code}"
            html = response_or_html.content.decode()
            if "<html" in html:
                assert '<html lang="en"' in html, f"{where}: not an English page"
        text = visible_text(html)
        for recorded in data:
            text = text.replace(recorded, " ")
        self.text(where, text)

    def get(self, client, path, status=200, **kwargs):
        self.html(path, client.get(path, **kwargs), status)

    def post(self, client, path, data, label, status=200, **kwargs):
        self.html(f"POST {path} ({label})", client.post(path, data, **kwargs), status)

    def text(self, where, text):
        self.checked += 1
        for snippet in japanese_leaks(text):
            if (where, snippet) not in self.found:
                self.found.append((where, snippet))

    def json(self, where, value, *, allowed_keys=()):
        """Check every string in a JSON value; keys in ``allowed_keys`` hold Japanese by contract."""
        self.checked += 1

        def walk(node, path):
            if isinstance(node, dict):
                for key, item in node.items():
                    if key not in allowed_keys:
                        walk(item, f"{path}.{key}")
            elif isinstance(node, list):
                for index, item in enumerate(node):
                    walk(item, f"{path}[{index}]")
            elif isinstance(node, str):
                for snippet in japanese_leaks(node):
                    self.found.append((f"{where} {path}", snippet))

        walk(value, "$")

    def assert_none(self):
        assert self.checked, "nothing was checked"
        report = "\n".join(f"  {where}: …{snippet}…" for where, snippet in self.found)
        assert not self.found, f"Japanese left on English pages ({len(self.found)}):\n{report}"


@pytest.fixture
def leaks():
    return Leaks()


def test_the_checker_finds_japanese_outside_the_allowlist():
    text = visible_text(
        '<html><head><title>予約</title><style>p::before{content:"注"}</style></head><body>'
        '<p>The issuance notice (交付通知書)</p><p>交付通知書</p><script>var a = "スクリプト";</script>'
        '<img alt="地図"><input type="submit" value="送信"><input type="hidden" value="隠し">'
        "<p>Name: 新潟 太郎（ニイガタ タロウ）</p><p>日本語</p><p>2026年12月1日</p></body></html>"
    )
    joined = " | ".join(japanese_leaks(text))
    for leak in ("予約", "地図", "送信", "年", "（"):
        assert leak in joined, leak
    for hidden in ("注", "スクリプト", "隠し"):
        assert hidden not in joined, hidden
    assert japanese_leaks("The issuance notice (交付通知書) 日本語 新潟 太郎") == []
    assert japanese_leaks("(交付通知書") != []


# --- Helpers that walk the resident's pages ----------------------------------------------

BIRTH = {"birth_year": "1990", "birth_month": "4", "birth_day": "1"}


def person_fields(index, *, number=None, kana="にいがた たろう", born=("1990", "4", "1")):
    prefix = f"p{index}-"
    return {
        prefix + "notice_number": number or notice_number(),
        prefix + "name": "新潟 太郎",
        prefix + "kana": kana,
        prefix + "birth_year": born[0],
        prefix + "birth_month": born[1],
        prefix + "birth_day": born[2],
    }


def review_token(html):
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


STATES = ("booked", "checked_in", "issued", "no_show", "cancelled", "affected")


def english_booking(status="booked", *, window="kita", date=dt.date(2026, 11, 26), start=None):
    """Make a booking in English and bring it to ``status`` as the services do (one slot per state)."""
    start = start or (dt.datetime(2026, 1, 1, 9) + dt.timedelta(minutes=15 * STATES.index(status))).time()
    booking = booking_create(data=booking_data(window, date=date, start=start, language="en"), now=NOW)
    if status in ("checked_in", "issued", "no_show"):
        with_today(date, lambda: booking_transition(
            booking=booking, action="no_show" if status == "no_show" else "check_in", actor=None,
        ))
        if status == "issued":
            with_today(date, lambda: booking_transition(booking=booking, action="issue", actor=None))
    elif status == "cancelled":
        booking_cancel(booking=booking, reason="resident", now=NOW)
    elif status == "affected":
        closure = closure_on(date, window=booking.window, start_time=start)
        services.bookings_mark_affected([booking], actor=None, reason=in_language(lambda: closure_reason(closure)))
    booking.refresh_from_db()
    assert booking.status == status
    return booking


def with_today(day, work):
    with time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=TOKYO), tick=False):
        return work()


def closure_on(day, *, window=None, start_time=None):
    """Close ``day`` (or the quarter of an hour from ``start_time``) with a note in both languages."""
    end_time = None
    if start_time is not None:
        end_time = (dt.datetime.combine(day, start_time) + dt.timedelta(minutes=15)).time()
    return Closure.objects.create(
        window=window, start_date=day, end_date=day, start_time=start_time, end_time=end_time, kind="temporary",
        note_ja="停電のため臨時休業します。", note_en="Power cut in the building.",
    )


def look_up(client, booking):
    response = client.post("/en/booking/", {"code": booking.display_code, **BIRTH})
    assert response.status_code == 302, response.content.decode()[:2000]


# --- The resident's pages -----------------------------------------------------------------


INFO_PAGES = [
    "applying/", "lost-application-form/", "issuance-notice/", "pickup/", "pins/", "fees/", "renewal/",
    "invalidation/", "other-procedures/", "contacts/", "card-expiry/", "moving-to-niigata/",
]


def test_information_pages_have_no_japanese_in_english(client, leaks):
    from portal import info_urls

    # Every guide page of portal/info_urls.py is in the list above.
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
    closure_on(dt.date(2026, 12, 4))  # all windows, with a public note in both languages
    Closure.objects.create(window=Window.objects.get(code="kita"), start_date=dt.date(2026, 12, 8),
                           end_date=dt.date(2026, 12, 8), start_time=dt.time(13), end_time=dt.time(15),
                           kind="temporary", note_ja="研修のため", note_en="Staff training")
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


def test_booking_path_has_no_japanese_in_english(client, leaks):
    leaks.html("GET /en/book/", client.get("/en/book/"))
    for label, data in {
        "errors": {},
        "proxy without a reason": {"ward": "kita", "attendance": "proxy", "party_size": "1", "proxy_reason": ""},
        "outside Niigata": {"ward": "outside", "attendance": "in_person", "party_size": "1", "proxy_reason": ""},
    }.items():
        leaks.html(f"POST /en/book/ ({label})", client.post("/en/book/", data))
    response = client.post("/en/book/", {"ward": "kita", "attendance": "proxy", "party_size": "2", "proxy_reason": "6"})
    assert response.status_code == 302
    leaks.html("/en/book/window/", client.get("/en/book/window/"))
    BookingBlock.objects.create(start_date=dt.date(2026, 12, 10), end_date=dt.date(2026, 12, 11),
                                note_ja="システム更新のため予約を停止します。", note_en="Bookings paused for a system update.")
    closure_on(dt.date(2026, 12, 4))
    for path in ["/en/book/kita/", "/en/book/kita/?date=2026-12-01", "/en/book/kita/?date=2026-11-28",
                 "/en/book/kita/?date=2026-12-04", "/en/book/kita/?date=2026-12-10", "/en/book/kita/?date=2026-12-20",
                 "/en/book/kita/?date=nonsense", "/en/book/cityhall/", "/en/book/cityhall/?date=2026-11-29"]:
        client.get(path.removeprefix("/en"))  # the Japanese page first: a cache must not serve it in English
        leaks.html(path, client.get(path))
    details = "/en/book/kita/2026-12-01/0900/"
    leaks.html(f"GET {details}", client.get(details))
    wrong = {"email": "", "phone": "",
             **person_fields(0, number="123456789018", kana="taro", born=("1990", "2", "30")),
             **person_fields(1, number="12", kana="", born=("", "", ""))}
    leaks.html(f"POST {details} (errors)", client.post(details, wrong))
    same_number = notice_number()
    duplicate = {"email": "not an address", "phone": "123456789018",
                 **person_fields(0, number=same_number), **person_fields(1, number=same_number)}
    leaks.html(f"POST {details} (more errors)", client.post(details, duplicate))
    right = {"email": "taro@example.jp", "phone": "025-000-0000", **person_fields(0), **person_fields(1)}
    assert client.post(details, right).status_code == 302
    review = client.get("/en/book/review/")
    leaks.html("GET /en/book/review/", review)
    response = client.post("/en/book/review/", {"token": review_token(review.content.decode())})
    assert response["Location"] == "/en/book/done/"
    leaks.html("GET /en/book/done/", client.get("/en/book/done/"))
    booking = Booking.objects.get()
    assert booking.language == "en"
    ics = client.get("/en/book/done/calendar.ics").content.decode()
    leaks.text("/en/book/done/calendar.ics", ics)

    # The slot fills while the resident types: the review page offers other times (409).
    other = Client()
    other.post("/en/book/", {"ward": "kita", "attendance": "in_person", "party_size": "1", "proxy_reason": ""})
    other.post("/en/book/kita/2026-12-02/0900/", {"email": "a@example.jp", "phone": "", **person_fields(0)})
    page = other.get("/en/book/review/").content.decode()
    client_api = Client()
    client_api.post("/api/v1/bookings", api_body(date="2026-12-02", party=2), content_type="application/json")
    leaks.html("POST /en/book/review/ (slot full)", other.post("/en/book/review/", {"token": review_token(page)}), 409)
    leaks.assert_none()


def test_manage_pages_have_no_japanese_in_english(client, leaks):
    leaks.get(client, "/en/booking/")
    leaks.post(client, "/en/booking/", {"code": ""}, "errors")
    leaks.post(client, "/en/booking/", {"code": "ZZZZ-ZZZZ", **BIRTH}, "no match")
    no_such_day = {**BIRTH, "birth_month": "2", "birth_day": "30"}
    leaks.post(client, "/en/booking/", {"code": "ZZZZ-ZZZZ", **no_such_day}, "bad date")
    for status in STATES:
        look_up(client, english_booking(status))
        leaks.html(f"/en/booking/manage/ ({status})", client.get("/en/booking/manage/"))
        if status != "booked":
            leaks.post(client, "/en/booking/manage/cancel/", {}, f"{status}: refused", follow=True)
            continue
        for path in ["/en/booking/manage/move/", "/en/booking/manage/move/?date=2026-12-03",
                     "/en/booking/manage/move/?window=cityhall&date=2026-11-29", "/en/booking/manage/cancel/"]:
            leaks.get(client, path)
        move = "/en/booking/manage/move/"
        leaks.post(client, move, {"window": "kita", "date": "", "start": ""}, "no time", follow=True)
        leaks.post(client, move, {"window": "kita", "date": "2026-11-28", "start": "09:00"}, "closed day", follow=True)
        leaks.post(client, move, {"window": "kita", "date": "2026-12-03", "start": "10:00"}, "moved", follow=True)
        leaks.text("/en/booking/manage/calendar.ics", client.get("/en/booking/manage/calendar.ics").content.decode())
        leaks.post(client, "/en/booking/manage/cancel/", {}, "cancelled", follow=True)
    blocked = Client()
    for _ in range(10):
        blocked.post("/en/booking/", {"code": "ZZZZZZZZ", **BIRTH})
    leaks.post(blocked, "/en/booking/", {"code": "ZZZZZZZZ", **BIRTH}, "blocked", status=429)
    leaks.assert_none()


# --- Staff ------------------------------------------------------------------------------------


def test_staff_pages_have_no_japanese_in_english(client, clerk_kita, operator, leaks):
    leaks.html("GET /en/staff/login/", client.get("/en/staff/login/"))
    leaks.html("POST /en/staff/login/ (error)", client.post("/en/staff/login/", {"username": "clerk-kita",
                                                                               "password": "wrong"}))
    day = dt.date(2026, 11, 26)
    bookings = {status: english_booking(status) for status in STATES}
    phone_only = booking_create(data=booking_data("kita", date=day, start=dt.time(11), email="", phone="0250000000",
                                                  attendance="proxy", proxy_reason=6), now=NOW)
    Message.objects.filter(booking=bookings["booked"], kind="confirmation").update(state="failed",
                                                                                 last_error="550 refused")
    client.force_login(clerk_kita)
    for path in ["/en/staff/", "/en/staff/affected/", "/en/staff/search/", f"/en/staff/windows/kita/?date={day}",
                 "/en/staff/windows/kita/", "/en/staff/windows/kita/?date=2026-11-28",
                 f"/en/staff/windows/kita/print/?date={day}", "/en/staff/windows/kita/stats/?month=2026-11",
                 "/en/staff/windows/kita/stats/", "/en/staff/windows/kita/stats/?month=nonsense"]:
        leaks.html(path, client.get(path))
    csv = client.get(f"/en/staff/windows/kita/export.csv?date={day}").content.decode("utf-8-sig")
    leaks.text("/en/staff/windows/kita/export.csv", csv)
    for query in ("にいがた", "新潟", "nobody", ""):
        leaks.html(f"POST /en/staff/search/ ({query!r})", client.post("/en/staff/search/", {"q": query}))
    for status, booking in [*bookings.items(), ("phone only", phone_only)]:
        base = f"/en/staff/booking/{booking.code}/"
        # The history shows each event's reason as recorded (a closure's in Japanese, the admin's language).
        recorded = [event.reason for event in booking.events.all() if event.reason]
        leaks.html(f"{base} ({status})", client.get(base), data=recorded)
        for action in ("check_in", "issue", "no_show", "cancel"):
            leaks.html(f"{base}{action}/ ({status})", client.get(f"{base}{action}/"))
    base = f"/en/staff/booking/{bookings['booked'].code}/"
    leaks.html(f"{base}move/", client.get(f"{base}move/"))
    leaks.html(f"{base}move/?date=2026-12-01", client.get(f"{base}move/?date=2026-12-01"))
    leaks.html(f"POST {base}cancel/ (no reason)", client.post(f"{base}cancel/", {"reason": ""}))
    leaks.html(f"POST {base}check_in/ (not today)", client.post(f"{base}check_in/", follow=True))
    leaks.html(f"POST {base}move/ (closed day)",
               client.post(f"{base}move/", {"window": "kita", "date": "2026-11-28", "start": "09:00"}, follow=True))
    leaks.html(f"POST {base}move/ (moved)",
               client.post(f"{base}move/", {"window": "kita", "date": "2026-12-01", "start": "10:00"}, follow=True))
    leaks.html(f"POST {base}cancel/",
               client.post(f"{base}cancel/", {"reason": "Called to cancel"}, follow=True))
    leaks.html("/en/staff/windows/chuo/ (not her window: 404)", client.get("/en/staff/windows/chuo/"), 404)

    client.force_login(operator)
    leaks.html("/en/staff/ (operator)", client.get("/en/staff/"))
    leaks.html("/en/staff/book/", client.get("/en/staff/book/"))
    leaks.html("/en/staff/book/?window=cityhall&date=2026-11-29",
               client.get("/en/staff/book/?window=cityhall&date=2026-11-29"))
    leaks.post(client, "/en/staff/book/", {"window": "chuo", "date": "2026-11-25"}, "errors")
    data = {"window": "chuo", "date": "2026-12-01", "ward": "chuo", "attendance": "in_person", "start": "09:00",
            "p0-notice_number": "555555555555555", "p0-name": "新潟 花子", "p0-kana": "ニイガタ ハナコ",
            "p0-birth_year": "1980", "p0-birth_month": "1", "p0-birth_day": "2", "phone": "025-111-2222", "email": ""}
    leaks.html("POST /en/staff/book/", client.post("/en/staff/book/", data, follow=True))
    leaks.html("/en/staff/windows/cityhall/ (operator)", client.get("/en/staff/windows/cityhall/?date=2026-11-29"))
    leaks.assert_none()


# --- Error pages ------------------------------------------------------------------------------


def test_error_pages_have_no_japanese_in_english(client, leaks):
    leaks.html("/en/no-such-page/", client.get("/en/no-such-page/"), 404)
    leaks.html("/en/windows/nowhere/", client.get("/en/windows/nowhere/"), 404)
    leaks.html("/en/what-to-bring/questions/nonsense/", client.get("/en/what-to-bring/questions/nonsense/"), 404)
    # A form posted without its CSRF token is the 403 a resident can meet.
    strict = Client(enforce_csrf_checks=True)
    leaks.html("POST /en/book/ without CSRF token (403)", strict.post("/en/book/", {"ward": "kita"}), 403)
    leaks.assert_none()


# --- E-mails --------------------------------------------------------------------------------


def test_emails_have_no_japanese_in_english(leaks):
    booking = booking_create(
        data=booking_data("kita", date=dt.date(2026, 12, 1), language="en", party=2, attendance="proxy",
                          proxy_reason=6),
        now=NOW,
    )
    booking_reschedule(booking=booking, window=booking.window, date=dt.date(2026, 12, 3), start=dt.time(10), now=NOW)
    booking_cancel(booking=booking, reason="Called to cancel", now=NOW, by_staff=True)
    half_past_nine = dt.time(9, 30)  # City Hall's first slot
    affected = booking_create(
        data=booking_data("cityhall", date=dt.date(2026, 12, 4), start=half_past_nine, language="en"), now=NOW
    )
    closure = closure_on(dt.date(2026, 12, 4))
    services.bookings_mark_affected([affected], actor=None, reason=in_language(lambda: closure_reason(closure)))
    reminder = booking_create(
        data=booking_data("cityhall", date=dt.date(2026, 12, 5), start=half_past_nine, language="en"), now=NOW
    )
    messages = list(Message.objects.filter(booking__in=[booking, affected, reminder]))
    assert {message.kind for message in messages} == set(Message.Kind.values)
    escaped = []
    for message in messages:
        subject, text, html, attachments = outbox.render(message)
        where = f"e-mail {message.kind}"
        leaks.text(f"{where} (subject)", subject)
        leaks.text(f"{where} (text)", text)
        leaks.html(f"{where} (HTML)", html)
        for name, content, _mimetype in attachments:
            leaks.text(f"{where} ({name})", content)
        # Plain text is not HTML: "The applicant's" must not arrive as "The applicant&#x27;s".
        escaped += [(where, entity) for entity in re.findall(r"&(?:#x?[0-9a-fA-F]+|amp|lt|gt|quot);", subject + text)]
    leaks.assert_none()
    assert escaped == []


def test_closure_notice_from_the_admin_speaks_each_bookings_language(admin_client, admin_user):
    from django.conf import settings

    english = booking_create(data=booking_data("kita", date=dt.date(2026, 12, 1), language="en"), now=NOW)
    japanese = booking_create(data=booking_data("kita", date=dt.date(2026, 12, 1), language="ja"), now=NOW)
    url = f"/{settings.ADMIN_PATH}reservations/closure/add/"
    form = {"window": english.window.pk, "kind": "temporary", "start_date": "2026-12-01", "end_date": "2026-12-01",
            "start_time": "", "end_time": "", "note_ja": "停電", "note_en": "Power cut", "_save": "Save"}
    preview = admin_client.post(url, form)
    confirm = {name: value for name, value in preview.context["hidden_fields"]}
    confirm[preview.context["confirm_field"]] = preview.context["fingerprint"]
    assert admin_client.post(url, confirm).status_code == 302

    notice = Message.objects.get(booking=english, kind="closure_notice")
    assert "Power cut" in notice.note and japanese_leaks(notice.note) == []
    assert "停電" in Message.objects.get(booking=japanese, kind="closure_notice").note
    # The audit trail stays in the staff's language.
    assert {event.reason for event in english.events.filter(action="affected")} == {
        event.reason for event in japanese.events.filter(action="affected")
    }
    assert "停電" in english.events.get(action="affected").reason


# --- The JSON API ----------------------------------------------------------------------------

EN = {"Accept-Language": "en"}
# Keys whose values are Japanese by contract (API.md): a window's Japanese name beside name_en,
# and the people's own names and kana.
JAPANESE_BY_CONTRACT = ("name", "kana")


def api_post(client, url, body):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data, content_type="application/json", headers=EN)


def test_api_answers_have_no_japanese_in_english(client, leaks):
    closure_on(dt.date(2026, 12, 4))
    BookingBlock.objects.create(start_date=dt.date(2026, 12, 10), end_date=dt.date(2026, 12, 11),
                                note_ja="システム更新のため予約を停止します。", note_en="Bookings paused for a system update.")
    client.get("/api/v1/windows/kita/availability")  # in Japanese first: a cache must not answer it in English
    for url in ["/api/v1/windows", "/api/v1/windows/kita/schedule?from=2026-11-01&to=2027-01-31",
                "/api/v1/windows/cityhall/schedule?from=2026-11-01&to=2027-01-31",
                "/api/v1/windows/kita/availability", "/api/v1/windows/cityhall/availability",
                "/api/v1/windows/kita/schedule?from=nonsense",
                "/api/v1/windows/kita/availability?from=2026-01-01&to=2026-12-31",
                "/api/v1/windows/nowhere/schedule", "/api/v1/nowhere", "/api/v1/eligibility/proxy-reasons",
                "/api/v1/eligibility/card-validity?birth_date=1975-08-20&issue_date=2018-02-01",
                "/api/v1/eligibility/card-validity?birth_date=2000-01-02&issue_date=2000-01-01",
                "/api/v1/eligibility/card-validity"]:
        response = client.get(url, headers=EN)
        leaks.json(f"GET {url}", response.json(), allowed_keys=JAPANESE_BY_CONTRACT)

    bad_bookings = {
        "not JSON": "{",
        "not an object": [],
        "empty": {},
        "wrong types": api_body(date="tomorrow", start="9", people="many", email=5),
        "rules": api_body(window="kita", ward="chuo", date="2026-11-25"),
        "closed day": api_body(date="2026-11-28"),
        "no such slot": api_body(start="09:07"),
        "too many": api_body(party=3),
        "people": api_body(people=[{"notice_number": "123456789018", "name": "", "kana": "taro",
                                    "birth_date": "1990-02-30"}]),
        "no contact": api_body(email="", phone=""),
        "under 15 alone": api_body(people=[{"notice_number": notice_number(), "name": "新潟 太郎",
                                            "kana": "ニイガタ タロウ", "birth_date": "2020-01-01"}]),
        "proxy without reason": api_body(attendance="proxy"),
        "beyond horizon": api_body(date="2027-03-01"),
    }
    for label, body in bad_bookings.items():
        response = api_post(client, "/api/v1/bookings", body)
        assert response.status_code == 422, (label, response.content)
        leaks.json(f"POST /api/v1/bookings ({label})", response.json(), allowed_keys=JAPANESE_BY_CONTRACT)
    made = api_post(client, "/api/v1/bookings", api_body(party=2, language="en"))
    assert made.status_code == 201
    leaks.json("POST /api/v1/bookings (201)", made.json(), allowed_keys=JAPANESE_BY_CONTRACT)
    full = api_post(client, "/api/v1/bookings", api_body())
    leaks.json("POST /api/v1/bookings (409)", full.json(), allowed_keys=JAPANESE_BY_CONTRACT)
    code = made.json()["code"]
    for label, body in {"found": {"code": code, "birth_date": "1990-04-01"},
                        "not found": {"code": code, "birth_date": "1991-04-01"},
                        "bad": {"code": "", "birth_date": "x"}, "not JSON": "{"}.items():
        response = api_post(client, "/api/v1/bookings/lookup", body)
        leaks.json(f"POST /api/v1/bookings/lookup ({label})", response.json(), allowed_keys=JAPANESE_BY_CONTRACT)
    moves = {
        "closed": {"birth_date": "1990-04-01", "window": "kita", "date": "2026-11-28", "start": "09:00"},
        "bad": {"birth_date": "1990-04-01", "window": "kita", "date": "x", "start": "y"},
        "moved": {"birth_date": "1990-04-01", "window": "kita", "date": "2026-12-03", "start": "10:00"},
    }
    for label, body in moves.items():
        response = api_post(client, f"/api/v1/bookings/{code}/reschedule", body)
        leaks.json(f"POST reschedule ({label})", response.json(), allowed_keys=JAPANESE_BY_CONTRACT)
    for body in ({"birth_date": "x"}, {"birth_date": "1990-04-01"}):
        response = api_post(client, f"/api/v1/bookings/{code}/cancel", body)
        leaks.json(f"POST cancel {body}", response.json(), allowed_keys=JAPANESE_BY_CONTRACT)
    for url, body in [
        ("/api/v1/eligibility/identity", {"role": "applicant_in_person", "documents": [{"type": "student_id"}]}),
        ("/api/v1/eligibility/identity", {"role": "nobody", "documents": "x"}),
        ("/api/v1/eligibility/checklist", {"attendance": "proxy", "proxy_reason": 4, "applicant_age": 9,
                                           "sub_proxy": True}),
        ("/api/v1/eligibility/checklist", {"attendance": "with_representative", "applicant_age": 40,
                                           "adult_ward": True, "replacing_card": True}),
        ("/api/v1/eligibility/checklist", {"attendance": "x"}),
        ("/api/v1/eligibility/move-in", {"started_living_on": "2026-03-10", "move_in_notified_on": "2026-03-25",
                                         "card_presented_at_move_in": True}),
        ("/api/v1/eligibility/move-in", {"started_living_on": "2026-03-10", "move_in_notified_on": "2026-03-01"}),
        ("/api/v1/fees/quote", {"reason": "lost"}),
        ("/api/v1/fees/quote", {"reason": "x", "noto_earthquake": "yes"}),
    ]:
        response = api_post(client, url, body)
        leaks.json(f"POST {url} {body}", response.json(), allowed_keys=JAPANESE_BY_CONTRACT)
    leaks.assert_none()


# --- The other way round: Japanese pages without untranslated English ----------------------

# Three or more English words in a row on a Japanese page are an untranslated msgid, unless listed.
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ ,.]+[A-Za-z][A-Za-z'’-]*){2,}")
ENGLISH_ALLOWED = {
    "Niigata City My Number Card": "the portal's name in e-mail senders and titles",
}


def english_runs(text):
    return [run for run in ENGLISH_RUN.findall(text) if run not in ENGLISH_ALLOWED and not run.isupper()]


def test_japanese_pages_show_no_untranslated_english(client, clerk_kita):
    pages = ["/", "/guide/", *(f"/guide/{page}" for page in INFO_PAGES), "/windows/", "/windows/kita/",
             "/windows/cityhall/?month=2026-11", "/what-to-bring/", "/what-to-bring/questions/who/",
             "/what-to-bring/documents/?role=applicant_in_person&documents=student_id", "/what-to-bring/proxy/",
             "/what-to-bring/proxy/?proxy_reason=4&applicant_age=8", "/what-to-bring/pin/", "/fees/",
             "/fees/?reason=lost&old_card_returned=no&with_certificates=yes&noto_earthquake=no", "/book/", "/booking/",
             "/no-such-page/", "/staff/login/"]
    found = []
    for path in pages:
        response = client.get(path)
        assert '<html lang="ja"' in response.content.decode(), path
        found += [(path, run) for run in english_runs(visible_text(response.content.decode()))]
    booking = english_booking("booked")
    client.force_login(clerk_kita)
    for path in ["/staff/", f"/staff/windows/kita/?date={booking.date}", f"/staff/booking/{booking.code}/",
                 f"/staff/booking/{booking.code}/cancel/", "/staff/windows/kita/stats/?month=2026-11"]:
        found += [(path, run) for run in english_runs(visible_text(client.get(path).content.decode()))]
    assert_no_english(found)


def assert_no_english(found):
    report = "\n".join(f"  {where}: {run}" for where, run in found)
    assert not found, f"English left on Japanese pages ({len(found)}):\n{report}"


def test_japanese_form_errors_show_no_untranslated_english(client):
    found = []
    for path, data in [("/book/", {}), ("/booking/", {"code": ""}), ("/staff/login/", {"username": "x"}),
                       ("/guide/card-expiry/", {"birth_year": "1975"}), ("/what-to-bring/questions/who/", {})]:
        response = client.post(path, data)
        found += [(f"POST {path}", run) for run in english_runs(visible_text(response.content.decode()))]
    assert_no_english(found)


# --- The language switch keeps the page ---------------------------------------------------------


class SwitchLinks(HTMLParser):
    """Collect {language: href} of the language switch's links (<a hreflang>)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("hreflang"):
            self.links[attributes["hreflang"]] = attributes["href"]


def switch_links(response):
    parser = SwitchLinks()
    parser.feed(response.content.decode())
    return parser.links


def assert_switch_keeps_the_page(client, path):
    """``path`` is the Japanese address; its English twin is /en + path, query string included."""
    english = "/en" + path
    japanese_page, english_page = client.get(path), client.get(english)
    assert japanese_page.status_code == english_page.status_code == 200, path
    assert switch_links(japanese_page) == {"en": english}, path
    assert switch_links(english_page) == {"ja": path}, english


def test_language_switch_keeps_the_page_and_its_query(client, clerk_kita):
    pages = [
        "/", "/windows/", "/windows/kita/", "/windows/cityhall/?month=2026-11", "/guide/",
        *(f"/guide/{page}" for page in INFO_PAGES),
        "/what-to-bring/",
        "/what-to-bring/documents/?role=applicant_in_person&documents=student_id&documents=pension_book",
        "/what-to-bring/proxy/?proxy_reason=4&applicant_age=8", "/what-to-bring/pin/",
        "/fees/?reason=lost&old_card_returned=no&with_certificates=yes&noto_earthquake=no",
        "/book/", "/booking/", "/staff/login/",
    ]
    for path in pages:
        assert_switch_keeps_the_page(client, path)

    # The wizard and the booking path keep their answers in the session, so both languages show the same step.
    client.post("/what-to-bring/questions/who/", {"attendance": "in_person"})
    assert_switch_keeps_the_page(client, "/what-to-bring/questions/age/")
    client.post("/book/", {"ward": "kita", "attendance": "in_person", "party_size": "1", "proxy_reason": ""})
    for path in ["/book/window/", "/book/kita/", "/book/kita/?date=2026-12-01", "/book/kita/2026-12-01/0900/"]:
        assert_switch_keeps_the_page(client, path)
    client.post("/book/kita/2026-12-01/0900/", {"email": "taro@example.jp", "phone": "", **person_fields(0)})
    review = client.get("/book/review/")
    assert_switch_keeps_the_page(client, "/book/review/")
    client.post("/book/review/", {"token": review_token(review.content.decode())})
    assert_switch_keeps_the_page(client, "/book/done/")
    look_up(client, Booking.objects.get())
    for path in ["/booking/manage/", "/booking/manage/move/?date=2026-12-03", "/booking/manage/cancel/"]:
        assert_switch_keeps_the_page(client, path)

    booking = english_booking("booked")
    client.force_login(clerk_kita)
    for path in ["/staff/", "/staff/affected/", f"/staff/windows/kita/?date={booking.date}",
                 "/staff/windows/kita/stats/?month=2026-11", f"/staff/booking/{booking.code}/",
                 f"/staff/booking/{booking.code}/cancel/", f"/staff/booking/{booking.code}/move/?date=2026-12-01"]:
        assert_switch_keeps_the_page(client, path)
