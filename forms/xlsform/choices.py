"""The choices sheet: choice lists by name, read and checked when a question first uses them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import OTHER, SPECIAL_CODES
from .naming import make_code, unique
from .problems import Messages
from .texts import Texts
from .workbook import Row, Workbook, cell_text


@dataclass
class ChoiceSet:
    """A list as fieldkit sees it: choices, special codes present, and whether it has `annat`."""

    choices: list[dict]
    specials: list[str]
    has_annat: bool
    #: Each choice's other untagged columns, {code: {column: text}}: what a choice_filter may compare.
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)


#: Columns of the choices sheet that are not attributes a choice_filter compares.
OWN_COLUMNS = {"list_name", "name", "label", "score", "image", "audio", "video", "media"}


class ChoiceLists:
    def __init__(self, workbook: Workbook, messages: Messages, texts: Texts):
        self.msg = messages
        self.texts = texts
        self.has_sheet = workbook.sheet("choices") is not None
        self.rows: dict[str, list[Row]] = {}
        self.sets: dict[str, ChoiceSet | None] = {}
        sheet = workbook.sheet("choices")
        for row in sheet.rows if sheet else ():
            list_name = row.text("list_name")
            if list_name:
                self.rows.setdefault(list_name, []).append(row)
            elif row.text("name") or row.tagged("label"):
                messages.warning("choices", row.number, "the row has no list_name; it is ignored", "no-list")

    def get(self, list_name: str, row_number: int) -> ChoiceSet | None:
        """The list a survey row names; None (with messages) if it is unknown or broken."""
        if list_name not in self.rows:
            have = f"no choices row has list_name {list_name!r}" if self.has_sheet else \
                "the workbook has no choices sheet"
            self.msg.error("survey", row_number, f"unknown choice list {list_name!r}: {have}", "unknown-list")
            return None
        if list_name not in self.sets:
            self.sets[list_name] = self.read(list_name)
        return self.sets[list_name]

    def repeated(self, list_name: str) -> str | None:
        """A choice name used twice in the list (ODK allows it in a filtered list), or None; no messages."""
        names = [row.text("name") for row in self.rows.get(list_name, [])]
        return next((name for i, name in enumerate(names) if name and name in names[:i]), None)

    def read(self, list_name: str) -> ChoiceSet | None:
        choices: list[dict] = []
        specials: list[str] = []
        seen: dict[str, int] = {}
        codes: set[str] = set()
        attributes: dict[str, dict[str, str]] = {}
        ok = True
        for row in self.rows[list_name]:
            raw = row.text("name")
            if not raw:
                self.msg.error("choices", row.number, f"a choice in list {list_name!r} has no name", "no-name")
                ok = False
            elif raw in seen:
                self.msg.error("choices", row.number, f"choice {raw!r} repeats in list {list_name!r} "
                                                      f"(first on row {seen[raw]})", "duplicate-choice")
                ok = False
            elif raw in SPECIAL_CODES:
                seen[raw] = row.number
                specials.append(raw)
            else:
                seen[raw] = row.number
                choices.append(self.choice(row, raw, list_name, codes))
                attributes[choices[-1]["code"]] = {base: cell_text(value) for (base, tag), value in row.cells.items()
                                                   if tag is None and base not in OWN_COLUMNS and cell_text(value)}
        return ChoiceSet(choices, specials, OTHER in seen, attributes) if ok else None

    def choice(self, row: Row, raw: str, list_name: str, codes: set[str]) -> dict:
        code = unique(make_code(raw), codes)
        if code != raw:
            self.msg.warning("choices", row.number, f"choice {raw!r} in list {list_name!r} becomes {code!r} "
                                                    "(codes are letters, digits, '_' and '-')", "renamed")
        choice = {"code": code, "label": self.texts.label(row, "label", raw)}
        value = row.get("score")
        if value is None:
            return choice
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            choice["score"] = value
            return choice
        text = cell_text(value)
        try:
            # Text keeps 1.0 a float: Excel stores a whole 1.0 as 1, so fieldkit's export writes "1.0".
            choice["score"] = float(text) if re.search(r"[.eE]", text) else int(text)
        except ValueError:  # reported; the list stays usable so the questions on it are still checked
            self.msg.error("choices", row.number, f"score {text!r} is not a number", "score")
        return choice
