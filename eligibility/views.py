"""
What to bring (SPEC §4): the wizard, the document checker, proxy pickup and
the PIN checker. Server-rendered and usable without JavaScript; the wizard's
answers live in the session, never in the URL.
"""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from . import rules
from .forms import (
    AdultWardStepForm,
    AgeStepForm,
    AttendanceStepForm,
    CardsStepForm,
    DocumentCheckForm,
    ProxyFitForm,
    ProxyReasonStepForm,
    SubProxyStepForm,
)

WIZARD = "eligibility_wizard"

# (slug, form, applies(answers)); one question a screen.
STEPS = [
    ("who", AttendanceStepForm, lambda a: True),
    ("reason", ProxyReasonStepForm, lambda a: a.get("attendance") == rules.Attendance.PROXY),
    # Case 6 (aged 75 or over) already says the age: no age question, but the adult-ward one.
    ("age", AgeStepForm, lambda a: a.get("proxy_reason") != 6),
    ("guardian", AdultWardStepForm, lambda a: (a.get("applicant_age") or 0) >= 18 or a.get("proxy_reason") == 6),
    ("cards", CardsStepForm, lambda a: True),
    (
        "sub-proxy",
        SubProxyStepForm,
        lambda a: a.get("attendance") == rules.Attendance.PROXY
        and rules.sub_proxy_allowed(applicant_age=a.get("applicant_age"), adult_ward=a.get("adult_ward", False)),
    ),
]
STEP_FORMS = {slug: form for slug, form, _applies in STEPS}


def index(request):
    return render(
        request,
        "eligibility/index.html",
        {
            "a_documents": rules.documents_of(rules.A),
            "b_documents": rules.documents_of(rules.B),
            "bases": rules.photo_certificate_bases().values(),
            "checklist": rules.booking_checklist(rules.Attendance.IN_PERSON),
        },
    )


def _answers(request):
    return dict(request.session.get(WIZARD) or {})


def _applicable(answers):
    return [slug for slug, _form, applies in STEPS if applies(answers)]


def _next_step(answers, after):
    slugs = _applicable(answers)
    position = slugs.index(after) + 1 if after in slugs else 0
    return slugs[position] if position < len(slugs) else None


def _first_unanswered(answers):
    """Return the first applicable step whose answer is missing, or None when the checklist can be shown."""
    for slug, form, applies in STEPS:
        if applies(answers) and any(name not in answers for name in form.base_fields):
            return slug
    return None


def wizard_start(request):
    request.session.pop(WIZARD, None)
    return redirect("eligibility:wizard_step", step="who")


def _keep_applicable(answers):
    """Return ``answers`` without those to questions that no longer apply."""
    kept = set()
    for slug in _applicable(answers):
        kept.update(STEP_FORMS[slug].base_fields)
    return {key: value for key, value in answers.items() if key in kept}


def _initial(form_class, answers):
    """Return the form's initial data from the answers so far (yes/no questions as "yes"/"no")."""
    initial = {}
    for name in form_class.base_fields:
        if name in answers:
            value = answers[name]
            initial[name] = ("yes" if value else "no") if name in ("adult_ward", "sub_proxy") else value
    return initial


@require_http_methods(["GET", "POST"])
def wizard_step(request, step):
    if step not in STEP_FORMS:
        raise Http404("no such question")
    answers = _answers(request)
    slugs = _applicable(answers)
    if step not in slugs:
        # A question that does not apply (or not yet): go to the first one still open.
        return redirect("eligibility:wizard_step", step=_first_unanswered(answers) or "who")
    form_class = STEP_FORMS[step]
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            answers = request.session[WIZARD] = _keep_applicable({**answers, **form.cleaned_data})
            following = _next_step(answers, step)
            return redirect("eligibility:wizard_step", step=following) if following else redirect("eligibility:wizard_result")
    else:
        form = form_class(initial=_initial(form_class, answers))
    number = slugs.index(step) + 1
    previous = slugs[number - 2] if number > 1 else None
    return render(
        request,
        "eligibility/wizard_step.html",
        {"form": form, "number": number, "total": len(slugs), "previous": previous},
    )


def wizard_result(request):
    answers = _answers(request)
    missing = _first_unanswered(answers)
    if missing:
        return redirect("eligibility:wizard_step", step=missing)
    attendance = answers["attendance"]
    reason = answers.get("proxy_reason")
    age = answers.get("applicant_age")
    adult_ward = answers.get("adult_ward", False)
    items = rules.booking_checklist(
        attendance,
        proxy_reason=reason,
        applicant_age=age,
        adult_ward=adult_ward,
        replacing_card=answers.get("replacing_card", False),
        has_notification_card=answers.get("has_notification_card", False),
        has_resident_register_card=answers.get("has_resident_register_card", False),
        sub_proxy=answers.get("sub_proxy", False),
    )
    return render(
        request,
        "eligibility/wizard_result.html",
        {
            "items": items,
            "attendance": attendance,
            "reason": rules.find_proxy_reason(reason) if reason else None,
            "reason_problem": rules.proxy_reason_problem(reason, applicant_age=age) if reason else None,
            "no_signature_certificate": rules.no_signature_certificate(applicant_age=age, adult_ward=adult_ward),
        },
    )


def document_check(request):
    """Tick the documents held; the answer says whether they are enough and why not (R-E1 … R-E3, R-E6)."""
    form = DocumentCheckForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        result = rules.check_identity(
            form.cleaned_data["role"],
            form.documents_held(),
            pickup_date=timezone.localdate(),
            photo_certificate_basis=form.cleaned_data["photo_certificate_basis"] or None,
        )
    return render(
        request,
        "eligibility/document_check.html",
        {"form": form, "result": result, "document_types": rules.DOCUMENT_TYPES},
    )


def proxy(request):
    """The 11 cases of R-E5 with their evidence, and whether a case fits."""
    form = ProxyFitForm(request.GET or None)
    fit = None
    if form.is_bound and form.is_valid():
        number, age = form.cleaned_data["proxy_reason"], form.cleaned_data["applicant_age"]
        fit = {
            "reason": rules.find_proxy_reason(number),
            "problem": rules.proxy_reason_problem(number, applicant_age=age),
            "sub_proxy": rules.sub_proxy_allowed(applicant_age=age, adult_ward=number == 2),
        }
    return render(request, "eligibility/proxy.html", {"reasons": rules.proxy_reasons(), "form": form, "fit": fit})


def pin_checker(request):
    return render(request, "eligibility/pin_checker.html")
