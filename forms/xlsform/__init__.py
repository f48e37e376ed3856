"""XLSForm import and export: questionnaires portable to and from ODK, KoboToolbox and SurveyCTO.

A staged pipeline. Import: `workbook` reads the file into sheets of rows,
`survey` builds the tree of groups and questions, `importer` maps it to
plain definition data and checks it with `forms.loader.from_dict`;
`expressions` translates relevant, constraint and calculation XPath, and
`computed` builds calculations, constraint rules and metadata entries. Export: `exporter`
writes the same mapping backwards, with `to_xpath` for conditions and limits.
docs/xlsform.md has the rules.
"""

from .exporter import ExportResult, export_xlsform, to_sheets
from .importer import ImportResult, import_xlsform
from .naming import make_id
from .problems import RowProblem, XLSFormError

__all__ = [
    "ExportResult", "ImportResult", "RowProblem", "XLSFormError", "export_xlsform", "import_xlsform", "make_id",
    "to_sheets",
]
