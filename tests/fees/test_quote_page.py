"""The fee calculator answers a form sent without a reason with an error (issue #13)."""

import pytest

pytestmark = pytest.mark.django_db

WITHOUT_REASON = {"old_card_returned": "yes", "with_certificates": "yes", "noto_earthquake": "no"}


@pytest.mark.parametrize("prefix, summary", [("", "入力内容に問題があります"), ("/en", "There is a problem")], ids=["ja", "en"])
def test_sending_the_form_without_a_reason_shows_an_error(client, prefix, summary):
    response = client.get(prefix + "/fees/", WITHOUT_REASON)
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    html = response.content.decode()
    assert 'id="result"' not in html
    assert 'id="error-summary"' in html and summary in html
    assert 'id="id_reason_error"' in html and 'href="#id_reason_0"' in html


def test_the_first_visit_shows_no_error(client):
    html = client.get("/en/fees/").content.decode()
    assert 'id="error-summary"' not in html and "invalid-feedback" not in html


def test_unrelated_query_parameters_do_not_send_the_form(client):
    html = client.get("/en/fees/", {"utm_source": "leaflet"}).content.decode()
    assert 'id="error-summary"' not in html
