"""Small SVG charts of report tables, for pages that must work without JavaScript.

Only presentation attributes and classes (a strict Content-Security-Policy
forbids style attributes); colours come from the page's stylesheet
(`.rc-s0`... for ordered levels, `.rc-c0`... for other series). All text is
escaped.
"""

from __future__ import annotations

import math
from html import escape
from itertools import count
from typing import Sequence

from forms.formatting import format_percent

WIDTH = 640
LABEL_W = 230
BAR_H = 18
GAP = 8
_ids = count(1)


def percent(value: float | None, lang: str = "sv") -> str:
    """57 % in Swedish (a no-break space), 57% in English; an en dash when there is no value."""
    return format_percent(value, lang)


LINE_H = 14  # a label line
LABEL_CHARS = 32  # characters of a label line in LABEL_W at 12 px (wide letters included)
MAX_LINES = 4


def _clip(text: str, limit: int = 32) -> str:
    """A short label (for legends): cut to `limit` characters."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _lines(text: str, width: int = LABEL_CHARS) -> list[str]:
    """The label in lines of at most `width` characters, broken between words (at most MAX_LINES)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] = _clip(lines[-1] + " …", width)
    return lines or [""]


def _row_heights(labels: Sequence[str]) -> list[int]:
    return [max(BAR_H, len(_lines(label)) * LINE_H) for label in labels]


def _open(height: int, title: str) -> tuple[list[str], str]:
    ident = f"rc{next(_ids)}"
    head = [f'<svg class="rc-chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
            f'aria-labelledby="{ident}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
            f'<title id="{ident}">{escape(title)}</title>']
    return head, ident


def _label(y: float, text: str, row_h: int) -> str:
    """The whole label, right-aligned before the bar, in as many lines as it needs, centred on the bar."""
    lines = _lines(text)
    first = y + BAR_H / 2 - (len(lines) - 1) * LINE_H / 2 + 4
    spans = "".join(f'<tspan x="{LABEL_W - 8}" y="{first + i * LINE_H:.1f}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    return f'<text class="rc-label" text-anchor="end">{spans}</text>'


def _tops(heights: Sequence[int]) -> list[float]:
    """The top of each bar: rows as tall as their labels, the bar centred in its row."""
    tops, y = [], float(GAP)
    for h in heights:
        tops.append(y + (h - BAR_H) / 2)
        y += h + GAP
    return tops


def bar_chart(title: str, rows: Sequence[tuple[str, float | None, str]], *, series_class: str = "rc-c0",
              scale_max: float = 1.0) -> str:
    """Horizontal bars: (label, value 0..scale_max, text shown after the bar) per row."""
    heights = _row_heights([label for label, _v, _s in rows])
    height = sum(heights) + GAP * (len(rows) + 1)
    out, _ = _open(height, title)
    plot = WIDTH - LABEL_W - 120  # room for the value after a full bar
    for (label, value, shown), y, row_h in zip(rows, _tops(heights), heights):
        width = 0.0 if value is None or math.isnan(value) or scale_max <= 0 else plot * max(0.0, value) / scale_max
        out.append(_label(y, label, row_h))
        out.append(f'<rect class="rc-track" x="{LABEL_W}" y="{y}" width="{plot}" height="{BAR_H}"/>')
        out.append(f'<rect class="rc-bar {series_class}" x="{LABEL_W}" y="{y}" width="{width:.1f}" height="{BAR_H}"/>')
        out.append(f'<text class="rc-value" x="{LABEL_W + width + 6:.1f}" y="{y + BAR_H * 0.72:.1f}">'
                   f'{escape(shown)}</text>')
    out.append("</svg>")
    return "".join(out)


def stacked_chart(title: str, rows: Sequence[tuple[str, Sequence[float | None]]], legend: Sequence[str],
                  lang: str = "sv") -> str:
    """100 % stacked bars: per row its shares of each level, with a legend under the bars."""
    heights = _row_heights([label for label, _s in rows])
    bars_h = sum(heights) + GAP * (len(rows) + 1)
    legend_svg, legend_h = _legend(legend, bars_h + 4)
    height = bars_h + 4 + legend_h + 6
    out, _ = _open(height, title)
    plot = WIDTH - LABEL_W - 10
    for (label, shares), y, row_h in zip(rows, _tops(heights), heights):
        out.append(_label(y, label, row_h))
        x = float(LABEL_W)
        if all(s is None or math.isnan(s) for s in shares):
            out.append(f'<rect class="rc-track" x="{LABEL_W}" y="{y}" width="{plot}" height="{BAR_H}"/>')
            continue
        for j, share in enumerate(shares):
            if share is None or math.isnan(share) or share <= 0:
                continue
            width = plot * share
            out.append(f'<rect class="rc-seg rc-s{_level(j, len(shares))}" x="{x:.1f}" y="{y}" '
                       f'width="{width:.1f}" height="{BAR_H}"><title>{escape(legend[j])}: '
                       f'{escape(percent(share, lang))}</title></rect>')
            if width > 34:
                out.append(f'<text class="rc-in" x="{x + width / 2:.1f}" y="{y + BAR_H * 0.72:.1f}" '
                           f'text-anchor="middle">{escape(percent(share, lang))}</text>')
            x += width
    out += legend_svg
    out.append("</svg>")
    return "".join(out)


LEGEND_X = 8  # the legend's left and right margin
SWATCH = 16  # a legend entry's colour square and the space after it
LEGEND_GAP = 18  # between two entries on a line
CHAR_W = 7.6  # a generous width of a character at 12 px: an entry is never narrower than it looks


def _legend(legend: Sequence[str], top: float) -> tuple[list[str], float]:
    """The legend under the bars, entries flowing left to right over the chart's whole width and onto a new
    line when the next would not fit; a name too long for a line is broken between words, never cut short.
    Returns its SVG elements and its height."""
    out: list[str] = []
    right = WIDTH - LEGEND_X
    chars = int((right - LEGEND_X - SWATCH) / CHAR_W)
    x, y, line_h = float(LEGEND_X), top, 0.0
    for j, name in enumerate(legend):
        lines = _lines(name, chars)
        width = SWATCH + max(len(line) for line in lines) * CHAR_W
        if x > LEGEND_X and x + width > right:  # to the next line
            x, y, line_h = float(LEGEND_X), y + line_h + 6, 0.0
        spans = "".join(f'<tspan x="{x + SWATCH:.1f}" y="{y + 10 + i * LINE_H:.1f}">'
                        f'{escape(line)}{" " if i < len(lines) - 1 else ""}</tspan>' for i, line in enumerate(lines))
        out.append(f'<rect class="rc-seg rc-s{_level(j, len(legend))}" x="{x:.1f}" y="{y:.1f}" width="12" '
                   f'height="12"/><text class="rc-legend">{spans}</text>')
        x += width + LEGEND_GAP
        line_h = max(line_h, 12.0, len(lines) * LINE_H)
    return out, (y + line_h - top) if legend else 0.0


def _level(j: int, k: int) -> int:
    """The colour class (0..6, low to high) of level j of k, spread like the workbook's palette."""
    if k <= 1:
        return 5
    picks = {2: [0, 5], 3: [0, 3, 5], 4: [0, 1, 4, 5], 5: [0, 1, 3, 4, 5], 6: [0, 1, 2, 3, 4, 5]}
    if k in picks:
        return picks[k][j]
    return round(j * 6 / (k - 1))
