"""
One form field as Bootstrap 5 markup, the same markup crispy-forms'
``as_crispy_field`` (crispy-bootstrap5) makes, built in Python (issue #17).

    {% load fast_fields %}
    {{ form.name|bs_field }}

crispy renders a field through a dozen nested templates (a radio group of
nine wards: about a hundred template nodes per option), which made the form
three quarters of the start page's cost. The hot pages of the booking path
(start, details) use this filter instead; every other page keeps crispy.
The markup is crispy's, whitespace aside: the wrapper ``div_<id>``, the
label or, for a radio group, the fieldset and its legend, the asterisk of a
required field, the ``is-invalid`` classes, ``aria-invalid``, the
``aria-describedby`` of the help text and the messages, the messages' ids
(``<id>_error``, ``error_<n>_<id>``) that the error summary links to.
tests/portal/test_fast_fields.py compares the two on every field of those
pages, unbound, filled and refused.

Only text-like inputs, selects and radio groups without a class of their
own are built here; any other field is handed to crispy as before.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.template.defaultfilters import unordered_list
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

register = template.Library()

# crispy's class name of each widget (crispy_forms_field's converters).
_INPUT_CLASSES = {forms.TextInput: "textinput", forms.EmailInput: "emailinput", forms.NumberInput: "numberinput",
                  forms.URLInput: "urlinput"}


def _attributes(attrs: dict) -> str:
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {name}")
        elif value is not False and value is not None:
            parts.append(f' {name}="{escape(value)}"')
    return "".join(parts)


def _label(field, tag: str, extra: str = "") -> str:
    required = field.field.required
    asterisk = '<span class="asteriskField">*</span>' if required else ""
    target = "" if tag == "legend" else f' for="{escape(field.id_for_label)}"'
    return (f'<{tag}{target} class="form-label{" requiredField" if required else ""}{extra}"> '
            f'{conditional_escape(field.label)}{asterisk} </{tag}>')


def _errors(field) -> str:
    if not field.errors:
        return ""
    lines = " ".join(f'<p id="error_{n}_{field.auto_id}"><strong>{conditional_escape(error)}</strong></p>'
                     for n, error in enumerate(field.errors, 1))
    return f' <div id="{field.auto_id}_error" class="invalid-feedback"> {lines} </div>'


def _help(field) -> str:
    if not field.help_text:
        return ""
    return f' <div id="{field.auto_id}_helptext" class="form-text">{field.help_text}</div>'


def _control_attrs(field, css: str) -> dict:
    """The attributes crispy gives a control: the widget's own, its class, required, aria-*, the id."""
    widget = field.field.widget
    attrs = {key: value for key, value in widget.attrs.items() if key != "type"}
    attrs["class"] = f"{css}{' is-invalid' if field.errors else ''}"
    attrs.update(field.build_widget_attrs({}))
    attrs["id"] = field.auto_id
    return attrs


def _input(field, css_name: str) -> str:
    widget = field.field.widget
    value = widget.format_value(field.value())
    head = f'<input type="{widget.input_type}" name="{field.html_name}"'
    if value is not None:
        head += f' value="{escape(value)}"'
    return head + _attributes(_control_attrs(field, f"{css_name} form-control")) + ">"


def _select(field) -> str:
    widget = field.field.widget
    chosen = set(widget.format_value(field.value()))
    options = " ".join(
        f'<option value="{escape(value)}"{" selected" if str(value) in chosen else ""}>{conditional_escape(label)}</option>'
        for value, label in widget.choices
    )
    return f'<select name="{field.html_name}"{_attributes(_control_attrs(field, "select form-select"))}> {options} </select>'


def _radios(field) -> str:
    widget = field.field.widget
    chosen = set(widget.format_value(field.value()))
    flags = {key: value for key, value in field.build_widget_attrs({}).items() if key in ("required", "aria-invalid")}
    invalid = " is-invalid" if field.errors else ""
    choices = list(widget.choices)
    options = []
    for index, (value, label) in enumerate(choices):
        option_id = f"{field.auto_id}_{index}"
        checked = " checked" if str(value) in chosen else ""
        errors = _errors(field) if index == len(choices) - 1 else ""
        options.append(
            f'<div class="form-check"> <input type="radio" class="form-check-input{invalid}" name="{field.html_name}" '
            f'value="{escape(value)}" id="{option_id}"{_attributes(flags)}{checked}> <label for="{option_id}" '
            f'class="form-check-label"> {conditional_escape(label)} </label>{errors} </div>'
        )
    described = " ".join(part for part, shown in ((f"{field.auto_id}_helptext", field.help_text),
                                                  (f"{field.auto_id}_error", field.errors)) if shown)
    fieldset = f'<fieldset aria-describedby="{described}">' if described else "<fieldset>"
    return (f'<div id="div_{field.auto_id}" class="mb-3"> {fieldset} {_label(field, "legend", " fs-6")} '
            f'<div > {" ".join(options)} </div>{_help(field)} </fieldset> </div>')


def _fast(field) -> str | None:
    """The markup of ``field``, or None when crispy should render it."""
    widget = field.field.widget
    if field.is_hidden or "class" in widget.attrs or not field.auto_id or not field.label:
        return None
    if type(widget) is forms.RadioSelect:
        return _radios(field)
    if type(widget) is forms.Select:
        control = _select(field)
    elif type(widget) in _INPUT_CLASSES:
        control = _input(field, _INPUT_CLASSES[type(widget)])
    else:
        return None
    return f'<div id="div_{field.auto_id}" class="mb-3"> {_label(field, "label")} {control}{_errors(field)}{_help(field)} </div>'


@register.filter
def bs_field(field):
    """``field`` as crispy's ``as_crispy_field`` renders it (bootstrap5), without its templates."""
    markup = _fast(field)
    return as_crispy_field(field) if markup is None else mark_safe(markup)


@register.filter
def bs_fields(form):
    """``form`` as crispy's ``|crispy`` renders a form without a helper: its own errors, then every field."""
    errors = ""
    if form.non_field_errors():
        errors = (f'<div class="alert alert-block alert-danger"> <ul class="m-0"> '
                  f"{unordered_list(form.non_field_errors())} </ul> </div> ")
    return mark_safe(errors + " ".join(str(bs_field(field)) for field in form))
