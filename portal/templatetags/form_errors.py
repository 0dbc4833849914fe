"""
The error summary at the top of a form page: every error of the page's forms,
each a link to its field (GOV.UK and DADS pattern; WCAG 3.3.1, 2.4.3).

    {% load form_errors %}
    {% error_summary form %}            {# one form #}
    {% error_summary people contact %}  {# lists of forms work too #}

The summary is announced (role="alert") and takes the focus when the page
loads (autofocus), so a keyboard or screen-reader user starts there; each
link moves the focus to the field, whose own message is linked to it by
aria-describedby (Django and crispy-forms render that).
"""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


def _target(bound_field):
    """The id the summary links to: the input itself, or the first radio or checkbox of a group."""
    if bound_field.id_for_label:
        return bound_field.id_for_label
    subwidgets = bound_field.subwidgets
    if subwidgets and subwidgets[0].id_for_label:
        return subwidgets[0].id_for_label
    return bound_field.auto_id or ""


def _label(bound_field):
    group = getattr(bound_field.field, "error_group", None)
    label = str(bound_field.label)
    if group:
        # Translators: names a field of a group in the error summary, e.g. "Date of birth (Year)".
        label = _("%(group)s (%(field)s)") % {"group": group, "field": label}
    return label


def form_error_entries(form, *, group=""):
    """Return (target id, label, message) for each error of a bound form, in page order."""
    if form is None or not getattr(form, "is_bound", False) or not form.errors:
        return []
    visible = form.visible_fields()
    first = _target(visible[0]) if visible else ""

    def with_group(label):
        if group and label:
            # Translators: a group (e.g. "Person 2") and a field label in the error summary.
            return _("%(group)s, %(field)s") % {"group": group, "field": label}
        return group or label

    entries = [(first, with_group(""), str(message)) for message in form.non_field_errors()]
    for bound_field in form.hidden_fields():
        entries.extend((first, with_group(""), str(message)) for message in bound_field.errors)
    # A date asked as three fields that all say "required" is one error, linked to its first field.
    seen = {}
    for bound_field in visible:
        target, label = _target(bound_field), with_group(_label(bound_field))
        field_group = getattr(bound_field.field, "error_group", None)
        for message in bound_field.errors:
            key = (str(field_group), str(message))
            if field_group and key in seen:
                index = seen[key]
                entries[index] = (entries[index][0], with_group(str(field_group)), entries[index][2])
                continue
            if field_group:
                seen[key] = len(entries)
            entries.append((target, label, str(message)))
    return entries


def _flatten(items):
    for item in items:
        if isinstance(item, (list, tuple)):
            yield from _flatten(item)
        elif item is not None and item != "":
            yield item


@register.inclusion_tag("portal/_error_summary.html")
def error_summary(*forms):
    forms = list(_flatten(forms))
    # Name the group ("Person 2") only when the page repeats a form.
    grouped = sum(1 for form in forms if getattr(form, "error_group", None)) > 1
    entries = []
    for form in forms:
        entries.extend(form_error_entries(form, group=getattr(form, "error_group", "") if grouped else ""))
    return {"entries": entries}



DATE_PARTS = ("birth_year", "birth_month", "birth_day")


@register.simple_tag
def date_part_errors(form):
    """
    Return the messages of a date asked as three fields (year, month, day),
    each once, for the line under the row: [{"message", "id", "label",
    "names"}]. A message of one field only is named by it ("Month: …"), one
    shared by the three (required) is not; ``id`` is the message's element,
    ``{{ field.auto_id }}-error`` of the first field that has it.
    """
    entries = {}
    for bound_field in (form[name] for name in DATE_PARTS if name in form.fields):
        for message in bound_field.errors:
            entry = entries.setdefault(str(message), {"message": str(message), "id": f"{bound_field.auto_id}-error", "fields": []})
            entry["fields"].append(bound_field)
    for entry in entries.values():
        entry["label"] = str(entry["fields"][0].label) if len(entry["fields"]) == 1 else ""
        entry["names"] = [bound_field.name for bound_field in entry.pop("fields")]
    return list(entries.values())


@register.simple_tag
def date_part_error_ids(entries, name):
    """Return the ids of the messages (date_part_errors) that field ``name`` is described by."""
    return " ".join(entry["id"] for entry in entries if name in entry["names"])
