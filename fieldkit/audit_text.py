"""The audit log's details as a sentence for people, in the page's language; `key=value` for anything else."""

from __future__ import annotations

from typing import Any, Callable

from flask_babel import gettext, ngettext

from sync import audit


def _ingest(d: dict[str, Any]) -> str:
    source = gettext("by file") if d.get("source") == "file" else gettext("over the network")
    return gettext("Received %(source)s: %(new)s new, %(updated)s updated, %(unchanged)s unchanged, "
                   "%(conflicts)s conflicts, %(rejected)s rejected.", source=source,
                   **{k: d.get(k, 0) for k in ("new", "updated", "unchanged", "conflicts", "rejected")})


def _export(d: dict[str, Any]) -> str:
    counties = ", ".join(d.get("counties") or []) or gettext("every county")
    text = ngettext("%(format)s of %(questionnaire)s for %(counties)s: %(num)s submission.",
                    "%(format)s of %(questionnaire)s for %(counties)s: %(num)s submissions.",
                    int(d["submissions"]), format=str(d["format"]).upper(),
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
    "login": lambda d: gettext("Role: %(role)s", role=d.get("role") or "–"),
    "user_added": lambda d: gettext("Role: %(role)s", role=d.get("role") or "–")
    + (" · " + gettext("County %(code)s", code=d["county"]) if d.get("county") else ""),
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
