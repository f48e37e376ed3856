"""Messages about an XLSForm, each naming the file, the sheet and the row."""

from __future__ import annotations

from dataclasses import dataclass

from ..loader import DefinitionError, Problem

#: Order in which sheets are reported: file-level messages first.
SHEET_ORDER = {"": 0, "settings": 1, "survey": 2, "choices": 3}

#: Codes of messages that `skip_unsupported` turns into warnings.
UNSUPPORTED = "unsupported"


@dataclass(frozen=True)
class RowProblem(Problem):
    """A problem on one row of one sheet, printed as `FILE: survey row 17: message`.

    `line` is the row number as a spreadsheet shows it (the header is row 1);
    0 means the message is about the whole sheet or file.
    """

    sheet: str = ""

    def __str__(self) -> str:
        if self.sheet and self.line:
            return f"{self.file}: {self.sheet} row {self.line}: {self.message}"
        if self.sheet:
            return f"{self.file}: {self.sheet} sheet: {self.message}"
        return f"{self.file}: {self.message}"


class XLSFormError(DefinitionError):
    """An XLSForm that cannot be imported; `problems` lists every message."""


class Messages:
    """Collects errors, unsupported constructs and warnings while importing one file."""

    def __init__(self, filename: str):
        self.filename = filename
        self.items: list[tuple[str, RowProblem]] = []  # (severity, problem)

    def copy(self) -> "Messages":
        """Another collector that starts with these messages (a fresh run over a workbook already read)."""
        other = Messages(self.filename)
        other.items = list(self.items)
        return other

    def _add(self, severity: str, sheet: str, row: int, message: str, code: str) -> None:
        self.items.append((severity, RowProblem(self.filename, row, message, code, sheet)))

    def error(self, sheet: str, row: int, message: str, code: str = "invalid") -> None:
        self._add("error", sheet, row, message, code)

    def unsupported(self, sheet: str, row: int, message: str) -> None:
        self._add("unsupported", sheet, row, message, UNSUPPORTED)

    def warning(self, sheet: str, row: int, message: str, code: str = "warning") -> None:
        self._add("warning", sheet, row, message, code)

    def of(self, *severities: str) -> list[RowProblem]:
        found = [(i, p) for i, (s, p) in enumerate(self.items) if s in severities]
        found.sort(key=lambda pair: (SHEET_ORDER.get(pair[1].sheet, 9), pair[1].line, pair[0]))
        return [p for _, p in found]

    @property
    def has_errors(self) -> bool:
        return any(s == "error" for s, _ in self.items)

    @property
    def has_unsupported(self) -> bool:
        return any(s == "unsupported" for s, _ in self.items)
