"""
The parts of a page that are the same on every page of a language, rendered
once per process (issue #17): the header's title and menu, the footer, the
head's style sheet and icon links, the booking steps.

    {% load chrome %}
    {% chrome "footer" %}…{% endchrome %}
    {% chrome "steps" step %}…{% endchrome %}   (one copy per value of ``step``)

A part is kept under its name, the active language, the script prefix (every
``{% url %}`` inside depends on both) and the values after the name; nothing
else may vary inside it: no request, no user, no message, no CSRF token, no
CSP nonce. The language links (they carry the current path) and the
messages stay outside. What is kept is the rendered text, for the life of
the process (a new template or catalogue comes with a restart); with the
template engine's debug on (development, where templates change under a
running server) nothing is kept, and a changed setting (in tests) forgets them.
"""

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

_KEPT: dict[tuple, str] = {}


@receiver(setting_changed)
def _forget(**kwargs):
    """A changed setting (tests do it) may change a part: render them afresh."""
    _KEPT.clear()


class ChromeNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context):
        key = (self.name.resolve(context), get_language(), get_script_prefix(),
               *(value.resolve(context) for value in self.vary_on))
        try:
            return _KEPT[key]
        except KeyError:
            pass
        html = mark_safe(self.nodelist.render(context))
        if not context.template.engine.debug:
            _KEPT[key] = html
        return html


@register.tag
def chrome(parser, token):
    """``{% chrome "name" [values…] %}…{% endchrome %}``: see the module's docstring."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'chrome' takes a name and the values the part varies on")
    nodelist = parser.parse(("endchrome",))
    parser.delete_first_token()
    return ChromeNode(nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]])
