"""
portal.templatetags.fast_fields makes the markup crispy-forms makes (issue
#17): compared, whitespace aside, on every field of the booking pages that
use it (start, details), unbound, filled, refused, in both languages.
"""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from reservations.booking.forms import ContactForm, LookupForm, PersonPageForm, StartForm
from reservations.models import Service


def _squeeze(html):
    return re.sub(r"\s+", " ", str(html)).strip()


def _both(form, *names):
    """(crispy's markup, fast_fields' markup) of the fields ``names`` of ``form`` (all: the whole form)."""
    if not names:
        crispy = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))
        fast = Template("{% load fast_fields %}{{ form|bs_fields }}").render(Context({"form": form}))
        return _squeeze(crispy), _squeeze(fast)
    crispy = "".join(Template("{% load crispy_forms_tags %}{{ field|as_crispy_field }}").render(Context({"field": form[n]}))
                     for n in names)
    fast = "".join(Template("{% load fast_fields %}{{ field|bs_field }}").render(Context({"field": form[n]})) for n in names)
    return _squeeze(crispy).replace("> <", "><"), _squeeze(fast).replace("> <", "><")


START_DATA = [
    None,
    {"ward": "kita", "attendance": "in_person", "party_size": "1"},
    {"ward": "outside", "party_size": "1"},
    {"ward": "kita", "attendance": "proxy", "party_size": "9"},
    {"ward": "kita", "attendance": "proxy", "proxy_reason": "4", "party_size": "2"},
    {"ward": "kita", "attendance": "in_person", "proxy_reason": "3", "party_size": "1"},
    {"ward": "<b>", "attendance": "\"x\"", "party_size": "'"},
]


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("service", [Service.PICKUP, Service.APPLICATION_SUPPORT])
@pytest.mark.parametrize("data", START_DATA)
def test_the_start_form_is_crispys(language, service, data):
    with translation.override(language):
        form = StartForm(data, service=service) if data is not None else StartForm(initial={"party_size": "1"},
                                                                                   service=service)
        if data is not None:
            form.is_valid()
        crispy, fast = _both(form)
        assert fast == crispy


PERSON_DATA = [
    None,
    {"p0-notice_number": "123456789012", "p0-name": "", "p0-kana": "x"},  # a My Number, forgotten (R-B5)
    {"p0-notice_number": "ab", "p0-name": "<script>", "p0-kana": "ニイガタ", "p0-birth_year": "1990"},
    {"p0-notice_number": "1234567", "p0-name": "新潟 太郎", "p0-kana": "にいがた たろう", "p0-birth_year": "1990",
     "p0-birth_month": "4", "p0-birth_day": "1"},
]


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("service", [Service.PICKUP, Service.APPLICATION_SUPPORT])
@pytest.mark.parametrize("data", PERSON_DATA)
def test_the_person_fields_are_crispys(language, service, data):
    with translation.override(language):
        form = PersonPageForm(data, prefix="p0", service=service, initial={"name": 'a"<b>'})
        if data is not None:
            form.is_valid()
        names = [name for name in ("notice_number", "name", "kana") if name in form.fields]
        crispy, fast = _both(form, *names)
        assert fast == crispy


@pytest.mark.parametrize("data", [None, {}, {"email": "x", "phone": "12"}, {"email": "a@example.jp", "phone": "123456789012"},
                                  {"email": "a@example.jp", "phone": "025-000-0000"}])
def test_the_contact_fields_are_crispys(data):
    form = ContactForm(data, initial={"email": "", "phone": ""})
    if data is not None:
        form.is_valid()
    crispy, fast = _both(form, "email", "phone")
    assert fast == crispy


def test_other_fields_go_to_crispy():
    """A widget it does not build (a checkbox, a textarea, a field with its own class) is crispy's own."""

    class Other(forms.Form):
        agree = forms.BooleanField()
        note = forms.CharField(widget=forms.Textarea)

    form = LookupForm()
    crispy, fast = _both(form, "birth_year")  # a class of its own
    assert fast == crispy
    crispy, fast = _both(Other({"note": ""}), "agree", "note")
    assert fast == crispy
