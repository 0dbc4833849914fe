"""
The shape of the code (docs/architecture.md): the import direction and the
size of views and functions. No database.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = ("portal", "reservations", "eligibility", "fees")
# STYLE.md: every rule and service function has a typed signature.
TYPED = (
    "reservations/rules", "reservations/booking/services.py", "reservations/booking/request.py",
    "reservations/counter/access.py", "eligibility/rules.py", "eligibility/lifecycle.py", "fees/rules.py",
    "portal/dates.py",
)
MAX_VIEW_LINES = 30
MAX_FUNCTION_LINES = 60


def test_imports_follow_the_architecture_and_have_no_cycles():
    """import-linter checks the contracts of pyproject.toml: layers, pure rules, no cycles."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def _production_files():
    for package in PRODUCTION:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _functions(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _is_view(path, node):
    """A module-level function of a views or api module whose first parameter is the request."""
    first = node.args.args[0].arg if node.args.args else None
    return node.col_offset == 0 and first == "request" and (path.stem.endswith("views") or path.stem == "api")


def _length(node):
    return node.end_lineno - node.lineno + 1


@pytest.mark.parametrize("limit, kind", [(MAX_FUNCTION_LINES, "function"), (MAX_VIEW_LINES, "view")])
def test_no_function_or_view_is_too_long(limit, kind):
    too_long = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({_length(node)} lines)"
        for path in _production_files()
        for node in _functions(path)
        if _length(node) > limit and (kind == "function" or _is_view(path, node))
    ]
    assert too_long == [], f"{kind}s over {limit} lines: {too_long}"


def test_no_import_inside_a_function():
    """
    Imports sit at the top of a module, where the import contracts see them;
    only ``AppConfig.ready`` imports late (Django's place for signal handlers).
    """
    inside = [
        f"{path.relative_to(ROOT)}:{child.lineno}"
        for path in _production_files()
        for node in _functions(path)
        if node.name != "ready"
        for child in ast.walk(node)
        if isinstance(child, (ast.Import, ast.ImportFrom))
    ]
    assert inside == []


def test_rules_and_services_have_typed_signatures():
    untyped = []
    for place in TYPED:
        path = ROOT / place
        for module in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            for node in _functions(module):
                arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
                bare = [a.arg for a in arguments if a.annotation is None and a.arg not in ("self", "cls")]
                if bare or node.returns is None:
                    untyped.append(f"{module.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert untyped == []
