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


def _clip(text: str, limit: int = 32) -> str:
    """A short label: the part after "stem: " when there is one, cut to `limit` characters."""
    if len(text) > limit and ": " in text:
        text = text.split(": ", 1)[1]
        text = text[:1].upper() + text[1:]
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _open(height: int, title: str) -> tuple[list[str], str]:
    ident = f"rc{next(_ids)}"
    head = [f'<svg class="rc-chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
            f'aria-labelledby="{ident}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
            f'<title id="{ident}">{escape(title)}</title>']
    return head, ident


def _label(y: float, text: str) -> str:
    return (f'<text class="rc-label" x="{LABEL_W - 8}" y="{y + BAR_H * 0.72:.1f}" text-anchor="end">'
            f'<title>{escape(text)}</title>{escape(_clip(text))}</text>')


def bar_chart(title: str, rows: Sequence[tuple[str, float | None, str]], *, series_class: str = "rc-c0",
              scale_max: float = 1.0) -> str:
    """Horizontal bars: (label, value 0..scale_max, text shown after the bar) per row."""
    height = len(rows) * (BAR_H + GAP) + GAP
    out, _ = _open(height, title)
    plot = WIDTH - LABEL_W - 120  # room for the value after a full bar
    for i, (label, value, shown) in enumerate(rows):
        y = GAP + i * (BAR_H + GAP)
        width = 0.0 if value is None or math.isnan(value) or scale_max <= 0 else plot * max(0.0, value) / scale_max
        out.append(_label(y, label))
        out.append(f'<rect class="rc-track" x="{LABEL_W}" y="{y}" width="{plot}" height="{BAR_H}"/>')
        out.append(f'<rect class="rc-bar {series_class}" x="{LABEL_W}" y="{y}" width="{width:.1f}" height="{BAR_H}"/>')
        out.append(f'<text class="rc-value" x="{LABEL_W + width + 6:.1f}" y="{y + BAR_H * 0.72:.1f}">'
                   f'{escape(shown)}</text>')
    out.append("</svg>")
    return "".join(out)


def stacked_chart(title: str, rows: Sequence[tuple[str, Sequence[float | None]]], legend: Sequence[str],
                  lang: str = "sv") -> str:
    """100 % stacked bars: per row its shares of each level, with a legend under the bars."""
    per_line = 3
    legend_lines = math.ceil(len(legend) / per_line)
    height = len(rows) * (BAR_H + GAP) + GAP + legend_lines * 20 + 6
    out, _ = _open(height, title)
    plot = WIDTH - LABEL_W - 10
    for i, (label, shares) in enumerate(rows):
        y = GAP + i * (BAR_H + GAP)
        out.append(_label(y, label))
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
    top = GAP + len(rows) * (BAR_H + GAP) + 4
    column = (WIDTH - LABEL_W) / per_line
    for j, name in enumerate(legend):
        lx = LABEL_W + (j % per_line) * column
        ly = top + (j // per_line) * 20
        out.append(f'<rect class="rc-seg rc-s{_level(j, len(legend))}" x="{lx:.1f}" y="{ly}" width="12" '
                   f'height="12"/><text class="rc-legend" x="{lx + 16:.1f}" y="{ly + 10}">'
                   f'{escape(_clip(name, 26))}</text>')
    out.append("</svg>")
    return "".join(out)


def _level(j: int, k: int) -> int:
    """The colour class (0..6, low to high) of level j of k, spread like the workbook's palette."""
    if k <= 1:
        return 5
    picks = {2: [0, 5], 3: [0, 3, 5], 4: [0, 1, 4, 5], 5: [0, 1, 3, 4, 5], 6: [0, 1, 2, 3, 4, 5]}
    if k in picks:
        return picks[k][j]
    return round(j * 6 / (k - 1))
