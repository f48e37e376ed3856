"""The audit log's details as a sentence for people, in the page's language; `key=value` for anything else."""

from __future__ import annotations

from typing import Any, Callable

from flask_babel import gettext, ngettext

from forms import registry
from sync import audit

from .i18n import label


def county_name(code: str) -> str:
    """A county as people know it, with its code: "Stockholms län (01)"; an unknown code as it is."""
    county = registry.county(str(code))
    return f"{county.name} ({county.code})" if county else str(code)


def _role(d: dict[str, Any]) -> str:
    return gettext("Role: %(role)s", role=label("role", d["role"]) if d.get("role") else "–")


def _ingest(d: dict[str, Any]) -> str:
    source = gettext("by file") if d.get("source") == "file" else gettext("over the network")
    return gettext("Received %(source)s: %(new)s new, %(updated)s updated, %(unchanged)s unchanged, "
                   "%(conflicts)s conflicts, %(rejected)s rejected.", source=source,
                   **{k: d.get(k, 0) for k in ("new", "updated", "unchanged", "conflicts", "rejected")})


def _export(d: dict[str, Any]) -> str:
    if d.get("report") == "kvartal":
        return gettext("%(format)s: quarterly feedback for %(county)s, %(quarter)s.",
                       format=label("export_format", d["format"]), county=county_name(d["county"]),
                       quarter=d["quarter"])
    counties = ", ".join(county_name(c) for c in d.get("counties") or []) or gettext("every county")
    text = ngettext("%(format)s: %(questionnaire)s for %(counties)s, %(num)s submission.",
                    "%(format)s: %(questionnaire)s for %(counties)s, %(num)s submissions.",
                    int(d["submissions"]), format=label("export_format", d["format"]),
                    questionnaire=d.get("questionnaire", ""), counties=counties)
    if d.get("round"):
        text += " " + gettext("Survey round %(round)s.", round=d["round"])
    if d.get("include_personal"):
        text += " " + gettext("Personal answers included.")
    return text


def _import(d: dict[str, Any]) -> str:
    return gettext("From %(file)s: %(rows)s rows, %(added)s added, %(updated)s updated, %(unchanged)s unchanged.",
                   **{k: d.get(k, 0) for k in ("file", "rows", "added", "updated", "unchanged")})


def _edit(d: dict[str, Any]) -> str:
    questions = ", ".join(d.get("questions") or [])
    return gettext("Revision %(number)s changed %(questions)s. Comment: %(comment)s",
                   number=d.get("number", "?"), questions=questions or "–", comment=d.get("comment") or "–")


SENTENCES: dict[str, Callable[[dict[str, Any]], str]] = {
    "sync_ingest": _ingest,
    "export": _export,
    "import_submissions": _import,
    "edit": _edit,
    "excluded": lambda d: gettext("Reason: %(reason)s", reason=d.get("reason") or "–"),
    "login": _role,
    "user_added": lambda d: _role(d) + (" · " + gettext("County: %(county)s", county=county_name(d["county"]))
                                        if d.get("county") else ""),
    "sync_refused": lambda d: gettext("Refused (%(reason)s): %(message)s", reason=d.get("reason") or "?",
                                      message=d.get("message") or ""),
}


def sentence(action: str, details: dict[str, Any]) -> str:
    """Details of one audit entry as people read them; unknown shapes fall back to `key=value`."""
    render = SENTENCES.get(action)
    if render is not None:
        try:
            return render(details)
        except (KeyError, TypeError, ValueError):
            pass
    return audit.describe(details)
