"""Native Excel bar charts over cells of a sheet, in the colours of the report."""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference, Series
from openpyxl.chart.data_source import StrRef
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import SeriesLabel
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RegularTextRun
from openpyxl.utils import absolute_coordinate, get_column_letter, quote_sheetname

#: Ordered levels, from the lowest score to the highest (a diverging red-blue scale).
ORDINAL = ["D6604D", "F4A582", "FDDBC7", "D1E5F0", "92C5DE", "4393C3", "2166AC"]
#: Unordered options and groups.
CATEGORICAL = ["1F5F99", "E07B39", "5B9F58", "B84C7D", "8C6D31", "6A6A6A", "4AA3B5", "C9A227"]
ROW_CM = 0.53  # height of a default row
WIDTH_CM = 18.0  # width of a chart
POINTS_PER_CM = 72 / 2.54
TITLE_PT = 10  # size of a chart's title


def ordinal_colors(k: int) -> list[str]:
    """k colours spread over the diverging scale, low to high."""
    if k <= 1:
        return [ORDINAL[-2]]
    picks = {2: [0, 5], 3: [0, 3, 5], 4: [0, 1, 4, 5], 5: [0, 1, 3, 4, 5], 6: [0, 1, 2, 3, 4, 5]}
    if k in picks:
        return [ORDINAL[i] for i in picks[k]]
    return [ORDINAL[round(i * (len(ORDINAL) - 1) / (k - 1))] for i in range(k)]


def cell_ref(ws, row: int, col: int) -> str:
    return f"{quote_sheetname(ws.title)}!{absolute_coordinate(get_column_letter(col) + str(row))}"


def rows_for(height_cm: float) -> int:
    """How many rows a chart of this height covers, plus a gap."""
    return int(height_cm / ROW_CM) + 2


def title_lines(title: str, width_cm: float = WIDTH_CM) -> int:
    """Roughly how many lines a chart title takes (about 0.2 cm a character at 10 pt bold)."""
    per_line = max(20, int((width_cm - 1.0) / 0.2))
    return max(1, -(-len(title) // per_line))


def chart_title(text: str) -> Title:
    """A chart title in 10 pt bold, above the plot (not over it)."""
    props = CharacterProperties(sz=TITLE_PT * 100, b=True, solidFill="16324F")
    paragraph = Paragraph(pPr=ParagraphProperties(defRPr=props), r=[RegularTextRun(rPr=props, t=text)])
    return Title(tx=Text(rich=RichText(p=[paragraph])), overlay=False)


def bar_chart(ws, *, categories: Reference, series: list[tuple[str, Reference]], colors: list[str],
              horizontal: bool = False, stacked: bool = False, percent: bool = True,
              number_format: str = "0%", height_cm: float = 7.5, width_cm: float = WIDTH_CM,
              labels: bool = True, title: str | None = None) -> BarChart:
    """A clustered or percent-stacked bar chart; each series is (title cell reference, values)."""
    chart = BarChart()
    if title:
        chart.title = chart_title(title)
    chart.type = "bar" if horizontal else "col"
    if stacked:
        chart.grouping = "percentStacked"
        chart.overlap = 100
        chart.gapWidth = 60
    else:
        chart.gapWidth = 80
    for (title_ref, values), color in zip(series, colors):
        s = Series(values)
        s.tx = SeriesLabel(strRef=StrRef(title_ref))
        s.graphicalProperties.solidFill = color
        s.graphicalProperties.line.solidFill = color
        chart.series.append(s)
    chart.set_categories(categories)
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.numFmt = number_format
    chart.y_axis.majorGridlines = chart.y_axis.majorGridlines  # keep the default gridlines
    if percent:
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
    if horizontal:
        # list the categories top-down in table order, with the value axis at the bottom
        chart.x_axis.scaling.orientation = "maxMin"
        chart.y_axis.crosses = "max"
    if labels:
        chart.dataLabels = DataLabelList()
        chart.dataLabels.showVal = True
        for name in ("showSerName", "showCatName", "showLegendKey", "showPercent", "showLeaderLines"):
            setattr(chart.dataLabels, name, False)
        chart.dataLabels.numFmt = number_format
    chart.legend.position = "b"
    if len(series) == 1 and not stacked:
        chart.legend = None
    chart.height = height_cm
    chart.width = width_cm
    return chart
