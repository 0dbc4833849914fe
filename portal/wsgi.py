"""
The WSGI application, made ready before its first request (issue #17).

A process that has just started pays on its first requests for what Django does lazily:
importing every view (the URLconf), reading the translation catalogues of both languages,
compiling the templates of the pages and reading the static files' manifest. ``warm()`` does
that at start, so that no resident's request pays for it, and once in gunicorn's master with
``preload_app`` (gunicorn.conf.py) instead of once in each worker. It opens no database or
cache connection: a connection made before the fork would be shared by every worker.
"""

import os
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.wsgi import get_wsgi_application
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils.translation import trans_real

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()


def warm() -> int:
    """Import the URLconf, load both languages' catalogues and compile the project's templates; return how many."""
    get_resolver().url_patterns  # noqa: B018  (imports every view)
    for code, _name in settings.LANGUAGES:
        trans_real.translation(code)
    staticfiles_storage.url  # noqa: B018  (reads the manifest, with STATIC_MANIFEST)
    engine = engines["django"]
    compiled = 0
    for directory in engine.dirs:
        for path in sorted(Path(directory).rglob("*")):
            if path.suffix not in (".html", ".txt") or not path.is_file():
                continue
            try:
                engine.get_template(str(path.relative_to(directory)))
            except (TemplateDoesNotExist, TemplateSyntaxError):
                continue  # a fragment that only compiles inside another template is compiled there
            compiled += 1
    return compiled


warm()
