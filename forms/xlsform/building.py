"""What the importer builds: plain definition data that remembers its survey row."""

from __future__ import annotations

from dataclasses import dataclass, field

from .survey import Entry, Group


class Data(dict):
    """A mapping for `from_dict` that knows its survey row, so loader problems name it."""

    def __init__(self, line: int, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = line


@dataclass
class Run:
    """A run of questions that becomes one section."""

    data: Data
    local_ids: set[str] = field(default_factory=set)


def own_id(node: Entry | Group) -> str:
    """The name to make an id of: `fieldkit_id` when fieldkit's export had to avoid a name pyxform reserves."""
    return node.row.text("fieldkit_id") or node.name


def keep_name(data: Data, node: Entry | Group, local: str) -> None:
    """Remember the XLSForm name on the question when its id is another (`numberAsString` -> `numberasstring`),
    so the export writes it back; not the `<id>_fieldkit` name fieldkit's own export gives a reserved id."""
    if node.name and node.name not in (local, f"{local}_fieldkit"):
        data["xlsform_name"] = node.name
