"""
The English-page checks shared by the tests of this package.

Every page, e-mail and API message in English carries no Japanese, except
an explicit allowlist of proper nouns and terms that stay Japanese by design.

Strings that bypass translation (hard-coded Japanese in templates, Python
strings not passed through gettext, name_ja where name_en exists, holiday
names, Japanese-style dates) show up as Japanese on an /en/ page. The
reverse (English msgids left untranslated on Japanese pages) and the
language switch have their checks here too.
"""

import re
from html.parser import HTMLParser


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

# --- The pages every language test walks ---------------------------------------------------

INFO_PAGES = [
    "applying/", "lost-application-form/", "issuance-notice/", "pickup/", "pins/", "fees/", "renewal/",
    "invalidation/", "other-procedures/", "contacts/", "card-expiry/", "moving-to-niigata/",
]


# --- The other way round: Japanese pages without untranslated English ----------------------

# Three or more English words in a row on a Japanese page are an untranslated msgid, unless listed.
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ ,.]+[A-Za-z][A-Za-z'’-]*){2,}")
ENGLISH_ALLOWED = {
    "Niigata City My Number Card": "the portal's name in e-mail senders and titles",
}


def english_runs(text):
    return [run for run in ENGLISH_RUN.findall(text) if run not in ENGLISH_ALLOWED and not run.isupper()]

def assert_no_english(found):
    report = "\n".join(f"  {where}: {run}" for where, run in found)
    assert not found, f"English left on Japanese pages ({len(found)}):\n{report}"


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
