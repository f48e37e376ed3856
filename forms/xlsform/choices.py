"""The choices sheet: choice lists by name, read and checked when a question first uses them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..model import OTHER, SPECIAL_CODES
from . import media
from .naming import make_code, unique
from .problems import Messages
from .texts import Texts
from .workbook import Row, Workbook, cell_text, split_header


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
    """The form's choice lists: those of the choices sheet, and those read from files (`media`).

    `files` caches what each file gave, across the import's runs (the same dict is passed to each).
    """

    def __init__(self, workbook: Workbook, messages: Messages, texts: Texts, media_dir: Path | None = None,
                 files: dict[str, media.ChoicesFile] | None = None):
        self.msg = messages
        self.texts = texts
        self.path = workbook.path
        self.media_dir = media_dir
        self.files = files if files is not None else {}
        self.has_sheet = workbook.sheet("choices") is not None
        self.rows: dict[str, list[Row]] = {}
        self.sets: dict[str, ChoiceSet | None] = {}
        self.sheet_of: dict[str, str] = {}  # a list read from a file: the file, named in its rows' messages
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

    def from_file(self, name: str, parameters: str, row_number: int) -> tuple[str | None, str | None]:
        """(the list's name, None) for `select_one_from_file <name>`; (None, why) when the file is missing.

        A file that is there but broken is an error (None, None): the form is wrong, not beyond fieldkit.
        """
        columns = file_columns(parameters)
        key = name if columns == ("name", "label") else f"{name} (value={columns[0]} label={columns[1]})"
        found = self.files.get(key)
        if found is None:
            found = self.files[key] = media.load(name, self.path, self.media_dir, columns)
        if found.missing:
            return None, found.missing
        if found.error:
            self.msg.error("survey", row_number, found.error, "choices-file")
            return None, None
        if key not in self.sheet_of:
            if key in self.rows:  # a list of the choices sheet with the very name of the file
                self.msg.error("survey", row_number, f"the choices sheet has a list named {key!r}, like the file "
                                                     "this row reads its choices from: rename the list", "choices-file")
                return None, None
            self.rows[key] = found.rows
            self.sheet_of[key] = name
        return key, None

    def file_of(self, list_name: str) -> Path | None:
        """Where a list read from a file was found; None for a list of the choices sheet."""
        found = self.files.get(list_name)
        return found.path if found is not None and list_name in self.sheet_of else None

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
        sheet = self.sheet_of.get(list_name, "choices")  # a file's rows are named in that file
        for row in self.rows[list_name]:
            raw = row.text("name")
            if not raw:
                self.msg.error(sheet, row.number, f"a choice in list {list_name!r} has no name", "no-name")
                ok = False
            elif raw in seen:
                self.msg.error(sheet, row.number, f"choice {raw!r} repeats in list {list_name!r} "
                                                      f"(first on row {seen[raw]})", "duplicate-choice")
                ok = False
            elif raw in SPECIAL_CODES:
                seen[raw] = row.number
                specials.append(raw)
            else:
                seen[raw] = row.number
                choices.append(self.choice(row, raw, list_name, codes, sheet))
                attributes[choices[-1]["code"]] = {base: cell_text(value) for (base, tag), value in row.cells.items()
                                                   if tag is None and base not in OWN_COLUMNS and cell_text(value)}
        return ChoiceSet(choices, specials, OTHER in seen, attributes) if ok else None

    def choice(self, row: Row, raw: str, list_name: str, codes: set[str], sheet: str = "choices") -> dict:
        code = unique(make_code(raw), codes)
        if code != raw:
            self.msg.warning(sheet, row.number, f"choice {raw!r} in list {list_name!r} becomes {code!r} "
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
            self.msg.error(sheet, row.number, f"score {text!r} is not a number", "score")
        return choice


def file_columns(parameters: str) -> tuple[str, str]:
    """The value and label columns of a choices file: `name` and `label`, or those `parameters` names
    (`value=id label=title`, as pyxform reads them)."""
    found = {"value": "name", "label": "label"}
    for word in parameters.replace(";", " ").replace(",", " ").split():
        key, _sep, value = word.partition("=")
        if key.strip().lower() in found and value.strip():
            found[key.strip().lower()] = split_header(value.strip())[0]
    return found["value"], found["label"]
