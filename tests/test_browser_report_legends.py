"""The reports page's SVG chart legends in headless Chromium: no label overlaps another or runs out of its chart,
at a narrow and a wide window, in Swedish and English (nad-deltagarenkat, whose hubs have long names)."""

from __future__ import annotations

import pytest

from sync import store

from browser_helpers import artifacts_dir
from central_helpers import IN_COUNTY, answers_for, make_submission
from server_helpers import Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QID = "nad-deltagarenkat"
HUBS = ("nordost", "nordvast", "mellan", "syd")
OFTEN = ("aldrig", "nagon_gang_i_manaden", "nagon_gang_i_veckan", "varje_dag")

#: Every legend entry's box (its text and its swatch) in page pixels, with the box of its chart.
LEGEND_BOXES = """() => [...document.querySelectorAll('svg.rc-chart')].map(svg => {
  const chart = svg.getBoundingClientRect();
  return {chart: [chart.left, chart.top, chart.right, chart.bottom],
          entries: [...svg.querySelectorAll('.rc-legend')].map(t => {
            const r = t.getBoundingClientRect();
            return {text: t.textContent, box: [r.left, r.top, r.right, r.bottom]};
          })};
})"""


def _overlap(a, b) -> bool:
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


def _store_participants(db) -> None:
    """Sixteen participants, each hub with each answer to how often they speak Swedish."""
    for i, hub in enumerate(HUBS):
        for j, often in enumerate(OFTEN):
            answers = answers_for(db, QID, IN_COUNTY, seed=4 * i + j)
            answers.update({"aktiviteten.knutpunkt": hub, "sprak.pratar_svenska": often})
            make_submission(db, municipality=IN_COUNTY, questionnaire_id=QID, answers=answers)


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("width, height", [(800, 1280), (1280, 800)])
def test_legend_labels_never_overlap_nor_run_out_of_their_chart(chromium, store_path, lang, width, height):
    db = store.open_db(store_path)
    _store_participants(db)
    db.conn.close()
    shots = artifacts_dir(f"report-legends-{lang}-{width}")
    with Server(store_path) as server:
        page = chromium.new_page(viewport={"width": width, "height": height})
        page.goto(f"{server.base}/sprak/{lang}")
        # the hubs as the columns of a cross-table: a stacked chart whose legend is their long names
        page.goto(f"{server.base}/rapporter/{QID}?kors=sprak.pratar_svenska&kors=aktiviteten.knutpunkt")
        charts = page.evaluate(LEGEND_BOXES)
        legends = [c for c in charts if c["entries"]]
        assert legends, "no chart with a legend"
        names = " ".join(e["text"] for c in legends for e in c["entries"])
        assert ("Nordöstra Skåne (Kristianstad)" if lang == "sv" else "North-east Skåne (Kristianstad)") in names
        for chart in legends:
            left, top, right, bottom = chart["chart"]
            entries = chart["entries"]
            for entry in entries:
                x0, y0, x1, y1 = entry["box"]
                assert left - 0.5 <= x0 and x1 <= right + 0.5 and top <= y0 and y1 <= bottom + 0.5, entry
                assert "…" not in entry["text"], entry  # never cut short
            for i, one in enumerate(entries):
                for other in entries[i + 1:]:
                    assert not _overlap(one["box"], other["box"]), (one, other)
        page.locator("#q-cross figure, #q-cross").first.screenshot(path=shots / "cross.png")
        page.close()
