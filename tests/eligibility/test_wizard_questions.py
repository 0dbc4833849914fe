"""
The checklist wizard (issue #13): its question count never changes mid-way,
and it does not ask the age once 'aged 75 or over' was chosen.
"""

import re

import pytest

pytestmark = pytest.mark.django_db


def walk(client, prefix, answers):
    """Answer the questions in order; return the question line of each screen and the last redirect."""
    client.get(f"{prefix}/what-to-bring/questions/")
    shown, location = [], None
    for step, data in answers:
        page = client.get(f"{prefix}/what-to-bring/questions/{step}/")
        assert page.status_code == 200, (step, page.get("Location"))
        shown.append(re.search(r'<p class="small mb-1">(.*?)</p>', page.content.decode(), re.S).group(1).strip())
        location = client.post(f"{prefix}/what-to-bring/questions/{step}/", data)["Location"]
    return shown, location


IN_PERSON_ADULT = [("who", {"attendance": "in_person"}), ("age", {"applicant_age": "34"}),
                   ("guardian", {"adult_ward": "no"}), ("cards", {})]
PROXY_CHILD = [("who", {"attendance": "proxy"}), ("reason", {"proxy_reason": "4"}), ("age", {"applicant_age": "9"}),
               ("cards", {}), ("sub-proxy", {"sub_proxy": "no"})]


@pytest.mark.parametrize("answers", [IN_PERSON_ADULT, PROXY_CHILD], ids=["in-person adult", "proxy for a child"])
def test_questions_are_numbered_without_a_total_that_changes(client, answers):
    shown, location = walk(client, "/en", answers)
    assert shown == [f"Question {n}" for n in range(1, len(answers) + 1)]
    assert location.endswith("/questions/result/")
    shown_ja, _location = walk(client, "", answers)
    assert shown_ja == [f"質問{n}" for n in range(1, len(answers) + 1)]
    assert not any("全" in line for line in shown_ja)


def test_aged_75_or_over_is_not_asked_the_age(client):
    client.get("/en/what-to-bring/questions/")
    client.post("/en/what-to-bring/questions/who/", {"attendance": "proxy"})
    response = client.post("/en/what-to-bring/questions/reason/", {"proxy_reason": "6"})
    assert response["Location"].endswith("/questions/guardian/")
    assert client.get("/en/what-to-bring/questions/age/")["Location"].endswith("/questions/guardian/")
    assert client.post("/en/what-to-bring/questions/guardian/", {"adult_ward": "no"})["Location"].endswith(
        "/questions/cards/")
    assert client.post("/en/what-to-bring/questions/cards/", {})["Location"].endswith("/questions/result/")
    result = client.get("/en/what-to-bring/questions/result/")
    assert result.status_code == 200
    assert result.context["reason_problem"] is None
    html = result.content.decode()
    assert "Proxy reason 6" in html
    assert "Write near the proxy box that coming to the window is hard." in html


def test_an_age_given_before_choosing_case_6_is_dropped(client):
    walk(client, "/en", [("who", {"attendance": "proxy"}), ("reason", {"proxy_reason": "8"}),
                         ("age", {"applicant_age": "30"})])
    client.post("/en/what-to-bring/questions/reason/", {"proxy_reason": "6"})
    assert "applicant_age" not in client.session["eligibility_wizard"]


def test_an_adult_ward_aged_75_or_over_may_send_a_sub_proxy(client):
    client.get("/en/what-to-bring/questions/")
    client.post("/en/what-to-bring/questions/who/", {"attendance": "proxy"})
    client.post("/en/what-to-bring/questions/reason/", {"proxy_reason": "6"})
    client.post("/en/what-to-bring/questions/guardian/", {"adult_ward": "yes"})
    assert client.post("/en/what-to-bring/questions/cards/", {})["Location"].endswith("/questions/sub-proxy/")
