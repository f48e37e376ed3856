"""Every page text exists in Swedish and English, once, and every text a template asks for exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from fieldkit import i18n

ROOT = Path(__file__).resolve().parent.parent / "fieldkit"


def test_no_text_key_is_defined_twice():
    tree = ast.parse((ROOT / "i18n.py").read_text(encoding="utf-8"))
    texts = next(node.value for node in ast.walk(tree)
                 if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "TEXTS")
    keys = [key.value for key in texts.keys]
    assert sorted({k for k in keys if keys.count(k) > 1}) == []


def test_every_text_has_swedish_and_english():
    missing = [key for key, texts in i18n.TEXTS.items() if not texts.get("sv") or not texts.get("en")]
    assert missing == []


def test_every_text_a_template_uses_exists():
    used = set()
    for template in (ROOT / "templates").rglob("*.html"):
        used |= set(re.findall(r"""\b_\(\s*['"]([a-z0-9_]+)['"]\s*[,)]""", template.read_text(encoding="utf-8")))
    assert sorted(used - set(i18n.TEXTS)) == []
