"""The form's languages, and the texts of its translatable columns by fieldkit language code."""

from __future__ import annotations

from .languages import default_name, language_code, split_tag
from .problems import Messages
from .workbook import Row, Workbook, cell_text

#: Translatable columns that decide the languages, in the order they count.
SOURCES = (
    ("survey", ("label", "hint")),
    ("choices", ("label",)),
    ("settings", ("fieldkit_title", "fieldkit_description")),
)


class Texts:
    """Languages in order (the first language first), the code of untagged columns, and the form's own names.

    `names` holds a language's name only where it is not the one the export writes anyway (`Français` for fr
    is; `Kreyòl` for ht is not), so a form whose headers are fieldkit's own keeps its definition unchanged.
    """

    def __init__(self, languages: list[str], default: str, names: dict[str, str] | None = None):
        self.languages = languages
        self.default = default
        self.names = names or {}

    @classmethod
    def detect(cls, workbook: Workbook, default_tag: str, messages: Messages) -> "Texts":
        """Languages from the columns that hold text: `label::English (en)`, `label:english`, `label`.

        Untagged columns are in the settings' default_language, else in the
        first language a column names, else Swedish (with a warning).
        """
        found: list[str | None] = []
        named: dict[str, str] = {}  # code -> the first name a tag gives it (`Français`; none in `label::fr`)
        for tag in filter(None, [default_tag]):
            code, name = split_tag(tag)
            if name:
                named.setdefault(code, name)
        for sheet_name, bases in SOURCES:
            sheet = workbook.sheet(sheet_name)
            for base in bases if sheet else ():
                for column in sheet.columns:
                    if column.base == base and any(cell_text(r.cells.get((base, column.tag))) for r in sheet.rows):
                        code, name = split_tag(column.tag) if column.tag else (None, None)
                        found.append(code)
                        if name:
                            named.setdefault(code, name)
        tagged = [code for code in found if code]
        if default_tag:
            default = language_code(default_tag)
        elif tagged:
            default = tagged[0]
        else:
            default = "sv"
            if found:
                messages.warning("", 0, "the labels name no language, so they are read as Swedish (sv): set "
                                        "default_language on the settings sheet or name it in the column, "
                                        "e.g. label::English (en)", "language")
        languages: list[str] = []
        for code in found:
            if (code or default) not in languages:
                languages.append(code or default)
        languages = languages or [default]
        names = {code: named[code] for code in languages if code in named and named[code] != default_name(code)}
        return cls(languages, default, names)

    def texts(self, row: Row, base: str) -> dict[str, str]:
        """The texts of one translatable column; a tagged column wins over an untagged one."""
        tagged = row.tagged(base)
        result: dict[str, str] = {}
        for tag, text in tagged.items():
            if tag is not None:
                result.setdefault(language_code(tag), text)
        if None in tagged:
            result.setdefault(self.default, tagged[None])
        return {code: result[code] for code in self.languages if code in result}

    def label(self, row: Row, base: str, fallback: str) -> dict[str, str]:
        """Texts of a label, with one in the first language (another language's, else `fallback`)."""
        texts = self.texts(row, base)
        first = self.languages[0]
        if not texts.get(first):
            texts = {first: next(iter(texts.values()), fallback), **texts}
        return {code: texts[code] for code in self.languages if code in texts}

    def fixed(self, texts: dict[str, str]) -> dict[str, str]:
        """fieldkit's own wording (sv and en) in every language of the form."""
        return {code: texts.get(code, texts["en"]) for code in self.languages}
