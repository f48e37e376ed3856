"""Words around the figures: chart titles, the filter in a few words, Data headers, and years.

Shared by the workbook, the CSV files and the reports page, so that they say the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from forms import registry
from forms.formatting import format_number
from forms.model import Question

from .labels import gettext, ngettext

if TYPE_CHECKING:  # the report module groups tables by years too, and needs is_year
    from .report import Report

#: An integer question is a year when both its bounds lie in this range (e.g. min 2000, max 2035).
YEAR_RANGE = (1900, 2100)
#: Longest Data header, in characters; longer labels are shortened in the middle.
HEADER_LIMIT = 90
#: Longest question stem in front of a matrix row's or an option's label in a Data header.
STEM_LIMIT = 40
ELLIPSIS = "…"


def is_year(question: Question) -> bool:
    """An integer question whose min and max both lie in 1900..2100: its answers are years.

    Years are written without a thousands separator (2013, not 2 013) and have no sum.
    """
    if question.type != "integer" or question.min is None or question.max is None:
        return False
    try:
        low, high = int(question.min), int(question.max)
    except (TypeError, ValueError):
        return False
    return YEAR_RANGE[0] <= low <= high <= YEAR_RANGE[1]


def _head(text: str, limit: int) -> str:
    """The start of `text`, cut at a word boundary to at most `limit` characters (with an ellipsis)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,.:;-/") + ELLIPSIS


def _tail(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[len(text) - limit + 1:]
    if " " in cut[: len(cut) // 2]:
        cut = cut[cut.find(" ") + 1:]
    return ELLIPSIS + " " + cut.lstrip(" ,.:;-/")


def shorten(text: str, limit: int = HEADER_LIMIT) -> str:
    """`text` in at most about `limit` characters: its start and its end, the middle left out.

    Questions that differ only at the end ("... with a municipal housing company?" / "... with a
    private landlord?") stay apart, and so do questions that differ at the start.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = _head(text, limit * 5 // 9)
    tail = _tail(text, limit - len(head) - 2)
    return head.removesuffix(ELLIPSIS) + " " + tail


def stem(question: Question, lang: str) -> str:
    """A question's text in a few words: the part before its first colon, else its first words."""
    text = " ".join(question.text(lang).split())
    before, colon, _ = text.partition(": ")
    if colon and len(before) <= STEM_LIMIT + 10:
        return before
    return _head(text, STEM_LIMIT)


def unique(headers: Sequence[str]) -> list[str]:
    """The headers, with (2), (3)... after any that repeats an earlier one."""
    seen: dict[str, int] = {}
    out = []
    for header in headers:
        n = seen.get(header.casefold(), 0) + 1
        seen[header.casefold()] = n
        out.append(header if n == 1 else f"{header} ({n})")
    return out


def filter_summary(report: Report) -> str:
    """The filter in a few words, for chart titles: "Västerbottens län", "alla län; 2013-01-01 – …"."""
    _, flt, lang = report.gettext, report.filter, report.lang
    counties = {c.code: c.name for c in registry.counties()}
    municipalities = {m.code: m.name for m in registry.municipalities()}
    parts = [", ".join(counties.get(c, c) for c in flt.counties) if flt.counties else _("all counties")]
    if flt.municipalities:
        names = [municipalities.get(m, m) for m in flt.municipalities]
        shown = ", ".join(names[:3])
        if len(names) > 3:
            shown = ngettext("%(names)s and %(num)s more", "%(names)s and %(num)s more", len(names) - 3, lang,
                             names=shown, num=format_number(len(names) - 3, lang))
        parts.append(shown)
    if report.survey_round:
        parts.append(report.survey_round.text(lang))
    if flt.date_from or flt.date_to:
        parts.append(_("%(start)s – %(end)s", start=flt.date_from or "…", end=flt.date_to or "…"))
    if flt.status != "complete":
        parts.append(_("drafts included"))
    return "; ".join(parts)


def n_text(counts: Sequence[int], lang: str) -> str:
    """"4", or "3–4" when the bars of a chart rest on different numbers of answers."""
    counts = [int(c) for c in counts]
    low, high = min(counts), max(counts)
    if low == high:
        return format_number(low, lang)
    return f"{format_number(low, lang)}–{format_number(high, lang)}"


def chart_caption(report: Report, title: str, counts: Sequence[int]) -> str:
    """A chart's title: what it shows, on how many answers, for which filter."""
    return gettext("%(title)s (n = %(n)s; %(filter)s)", report.lang, title=title, n=n_text(counts, report.lang),
                   filter=filter_summary(report))
