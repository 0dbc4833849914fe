"""A resident's steps through the booking pages, posted as a browser without JavaScript would."""

import re

from .factories import notice_number

BIRTH = {"birth_year": "1990", "birth_month": "4", "birth_day": "1"}


def person_fields(index, *, number=None, kana="にいがた たろう", born=(1990, 4, 1)):
    """Return the form fields of person ``index`` on the details page (``born``: year, month, day)."""
    prefix = f"p{index}-"
    return {
        prefix + "notice_number": number or notice_number(),
        prefix + "name": "新潟 太郎",
        prefix + "kana": kana,
        prefix + "birth_year": str(born[0]),
        prefix + "birth_month": str(born[1]),
        prefix + "birth_day": str(born[2]),
    }


def start(client, ward="kita", party=1, attendance="in_person", proxy_reason=""):
    return client.post("/en/book/", {"ward": ward, "attendance": attendance, "party_size": str(party),
                                     "proxy_reason": proxy_reason})


def fill_details(client, url="/en/book/kita/2026-12-01/0900/", party=1, **contact):
    data = {"email": "taro@example.jp", "phone": ""}
    data.update(contact)
    for index in range(party):
        data.update(person_fields(index))
    return client.post(url, data)


def review_token(html):
    """Return the one-time token of the review page's form."""
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def confirm(client):
    page = client.get("/en/book/review/")
    token = review_token(page.content.decode())
    return client.post("/en/book/review/", {"token": token}), token


def look_up(client, booking):
    """Open ``booking`` on the manage pages with its code and the test resident's date of birth."""
    response = client.post("/en/booking/", {"code": booking.display_code, **BIRTH})
    assert response.status_code == 302, response.content.decode()[:2000]
