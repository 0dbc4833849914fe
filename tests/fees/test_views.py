"""The fee calculator page (SPEC §6)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_fee_page_renders_the_questions(client, prefix):
    response = client.get(prefix + "/fees/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="reason"' in html and 'name="noto_earthquake"' in html
    assert 'id="result"' not in html


def test_fee_page_explains_each_line(client):
    response = client.get("/en/fees/", {"reason": "lost", "old_card_returned": "yes", "with_certificates": "yes",
                                        "noto_earthquake": "no"})
    html = response.content.decode()
    assert 'id="result"' in html
    assert "You pay 1,000 yen" in html
    assert "800 yen" in html and "200 yen" in html
    assert "loss, theft, damage" in html


def test_fee_page_free_result(client):
    html = client.get("/en/fees/", {"reason": "renewal", "old_card_returned": "yes", "with_certificates": "yes",
                                    "noto_earthquake": "no"}).content.decode()
    assert "Free of charge" in html


def test_fee_page_missing_answer_shows_an_error(client):
    html = client.get("/en/fees/", {"reason": "lost"}).content.decode()
    assert 'id="result"' not in html
    assert "invalid-feedback" in html
