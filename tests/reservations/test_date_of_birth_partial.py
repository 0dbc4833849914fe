"""
The date-of-birth partial loops over the three date fields only (issue #17),
not the whole form: the same markup as before (tests/reservations/reference/
_date_of_birth.html, which looped over every field), in ja and en, blank,
filled and with errors, for each form that shows it.
"""

import pytest
from django.template import engines
from django.template.loader import render_to_string
from django.utils import translation

from eligibility.lifecycle_forms import CardValidityForm
from reservations.booking.forms import LookupForm, PersonPageForm

from .test_fragments import REFERENCE, _squeeze

FORMS = [
    lambda data: PersonPageForm(data, prefix="p0"),
    lambda data: PersonPageForm(data, prefix="p1", service="application_support"),
    lambda data: LookupForm(data),
    lambda data: CardValidityForm(data),
]
DATA = [
    None,
    {"p0-birth_year": "1990", "p0-birth_month": "4", "p0-birth_day": "1", "birth_year": "1990", "birth_month": "4",
     "birth_day": "1", "p1-birth_year": "1990", "p1-birth_month": "4", "p1-birth_day": "1"},
    {"p0-birth_year": "19", "p0-birth_month": "13", "p0-birth_day": "31", "birth_year": "x", "birth_month": "2",
     "birth_day": "30", "p1-birth_year": "", "p1-birth_month": "2", "p1-birth_day": "30"},
]


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("make", FORMS)
@pytest.mark.parametrize("data", DATA)
def test_the_date_of_birth_fields_render_as_the_reference(language, make, data):
    with translation.override(language):
        form = make(data)
        if data is not None:
            form.is_valid()
        context = {"form": form}
        before = engines["django"].from_string((REFERENCE / "_date_of_birth.html").read_text()).render(context)
        after = render_to_string("reservations/_date_of_birth.html", context)
    assert _squeeze(after) == _squeeze(before)
    assert after.count("<input") == 3
