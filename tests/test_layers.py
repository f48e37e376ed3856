"""Imports run one way, like the data: forms <- sync (the store) <- exports <- fieldkit (pages and commands)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Each package and the packages of ours it may import.
ALLOWED = {
    "forms": set(),
    "sync": {"forms"},
    "exports": {"forms", "sync"},
    "fieldkit": {"forms", "sync", "exports"},
}
FORBIDDEN_OUTSIDE_FIELDKIT = {"flask", "flask_wtf", "flask_babel"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_package_imports_only_the_packages_below_it(package):
    ours = set(ALLOWED)
    wrong = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        imported = _imports(path)
        bad = (imported & ours) - ALLOWED[package] - {package}
        if package != "fieldkit":
            bad |= imported & FORBIDDEN_OUTSIDE_FIELDKIT
        if bad:
            wrong[str(path.relative_to(ROOT))] = sorted(bad)
    assert wrong == {}


def test_loading_the_libraries_loads_nothing_of_the_web_app():
    code = ("import sys, forms, sync, exports\n"
            "import sync.store, sync.ingest, sync.reviewing, sync.safekeeping, exports.report\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('fieldkit', 'flask')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
