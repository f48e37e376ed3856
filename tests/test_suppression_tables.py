"""Secondary suppression as a county user sees it, in the workbook (read back by openpyxl) and on the reports page.

38 participants of nad-deltagarenkat, all in Umeå; the health question is sensitive (counts 1-4 always hidden):

| hub         | Mycket dåligt | Ganska dåligt | Ganska bra | Mycket bra | answers |
|-------------|---------------|---------------|------------|------------|---------|
| Mellanskåne | 0             | 9             | 5          | 7          | 21      |
| Sydskåne    | 0             | 8             | 6          | 3          | 17      |
| Totalt      | 0             | 17            | 11         | 10         | 38      |

Sydskåne's 3 is "<5". Its row would tell it (17 - 8 - 6 = 3): the smallest other count, its 6, is ".."
(hidden to protect another cell). The columns would then tell both (10 - 7 = 3, 11 - 5 = 6): Mellanskåne's
7 and 5 are "..". The total row keeps every figure, and so does "Hela landet", the same figures here. Shares
and mean scores of the rows with a hidden count are dashes; the total's mean is (17·2 + 11·3 + 10·4) / 38.
The number of times (every participant "5 or more") hides nothing, with or without a smallest count.

How often they speak Swedish, crossed with the hub, smallest count 5: Mellanskåne 21 "varje dag" of 21;
Sydskåne 3 "aldrig" and 14 "varje dag" of 17; total 3 and 35 of 38. Sydskåne's 3 is "<5", its 14 ".." (17 - 14).
The "varje dag" column then needs a second hidden cell: Mellanskåne's 21 would still be told by its row
(0 + 21 of its 21 participants, shown in every table), so the total's 35 is "..".
"""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from openpyxl import load_workbook

from exports import ExportFilter, build_report, write_workbook
from exports.filters import TableOptions
from exports.svg import percent
from forms.formatting import DASH
from sync import accounts

from central_helpers import IN_COUNTY, logged_in, make_submission
from exports_helpers import blocks

QID = "nad-deltagarenkat"
HEALTH = "Hur mår du för det mesta?"
SWEDISH = "Hur ofta pratar du svenska med andra än handläggare och lärare?"
TIMES = "Hur många gånger var du med?"
HUB = "aktiviteten.knutpunkt"
SHARE = "Andel av substantiella svar"
BASE = "Antal substantiella svar"
MEAN = "Medelvärde (poäng)"
OPTIONS = ["Mycket dåligt", "Ganska dåligt", "Ganska bra", "Mycket bra"]
SYD, MELLAN = "Sydskåne (Malmö)", "Mellanskåne (Lund)"
PROTECTING_NOTE = "..: dolt för att skydda en annan cell (antalet kan vara större)."
COMMON = {"aktiviteten.ganger": "5_fler", "aktiviteten.passade": "ganska_daligt", "sprak.nya_kontakter": "1_2",
          "natverk.medlem": "nej", "halsa.mar_battre": "lite"}
PEOPLE = ([("syd", "ganska_daligt")] * 8 + [("syd", "ganska_bra")] * 6 + [("syd", "mycket_bra")] * 3
          + [("mellan", "ganska_daligt")] * 9 + [("mellan", "ganska_bra")] * 5 + [("mellan", "mycket_bra")] * 7)


@pytest.fixture
def participants(cdb):
    for i, (hub, health) in enumerate(PEOPLE):
        make_submission(cdb, municipality=IN_COUNTY, questionnaire_id=QID, answers={
            **COMMON, "aktiviteten.knutpunkt": hub, "halsa.mar_allmant": health,
            "sprak.pratar_svenska": "aldrig" if hub == "syd" and i in (1, 3, 5) else "varje_dag"})


def workbook(cdb, min_count: int = 0, cross: tuple[str, ...] = ()):
    report = build_report(cdb, ExportFilter(QID, tables=TableOptions(min_count=min_count, cross=cross)), "sv",
                          scope=accounts.get_user(cdb, "lena").scope)
    out = io.BytesIO()
    write_workbook(report, out)
    return load_workbook(io.BytesIO(out.getvalue()))


def row_of(table: dict, name: str, group: str) -> list:
    """A row's cells of one header group (counts: "Antal"), in the order of the options."""
    return [value for (g, label), value in zip(table["headers"], table["rows"][name]) if g == group]


def by_label(table: dict, name: str) -> dict:
    return {label: value for (g, label), value in zip(table["headers"], table["rows"][name]) if g != SHARE}


def test_the_workbook_hides_the_cells_that_would_tell_a_small_count(cdb, participants):
    health = blocks(workbook(cdb)["3. Hur du mår"])[HEALTH]
    assert list(health["rows"]) == [MELLAN, SYD, "Totalt", "Hela landet"]
    assert row_of(health, SYD, "Antal") == [0, 8, "..", "<5", 17]
    assert row_of(health, MELLAN, "Antal") == [0, 9, "..", "..", 21]
    assert row_of(health, "Totalt", "Antal") == [0, 17, 11, 10, 38]
    assert row_of(health, "Hela landet", "Antal") == [0, 17, 11, 10, 38]
    assert row_of(health, SYD, SHARE) == [0, pytest.approx(8 / 17), DASH, DASH]
    assert row_of(health, MELLAN, SHARE) == [0, pytest.approx(9 / 21), DASH, DASH]
    assert row_of(health, "Totalt", SHARE) == [0, pytest.approx(17 / 38), pytest.approx(11 / 38),
                                               pytest.approx(10 / 38)]
    assert (by_label(health, SYD)[MEAN], by_label(health, MELLAN)[MEAN]) == (DASH, DASH)
    assert by_label(health, "Totalt")[MEAN] == pytest.approx(107 / 38)
    assert health["note"].endswith(PROTECTING_NOTE)


def test_a_table_with_nothing_small_is_the_same_with_and_without_a_smallest_count(cdb, participants):
    plain = blocks(workbook(cdb)["1. Aktiviteten"])[TIMES]
    hiding = blocks(workbook(cdb, min_count=5)["1. Aktiviteten"])[TIMES]
    assert hiding["rows"] == plain["rows"]
    assert by_label(hiding, SYD)["5 gånger eller fler"] == 17
    assert PROTECTING_NOTE not in hiding["note"]
    # the sheet says once what "<5" and ".." mean when a smallest count is asked for
    notes = [row[0] for row in workbook(cdb, min_count=5)["1. Aktiviteten"].iter_rows(max_row=4, values_only=True)]
    assert any(note and note.endswith(PROTECTING_NOTE) for note in notes)


def test_the_cross_table_sheet_hides_what_would_tell_a_small_count(cdb, participants):
    book = workbook(cdb, min_count=5, cross=(HUB, "sprak.pratar_svenska"))
    cross = blocks(book["Korstabell"])[f"Var var aktiviteten? × {SWEDISH}"]
    assert row_of(cross, MELLAN, "Antal") == [0, 0, 0, 21, 21]
    assert row_of(cross, SYD, "Antal") == ["<5", 0, 0, "..", 17]
    assert row_of(cross, "Totalt", "Antal") == ["<5", 0, 0, "..", 38]
    assert row_of(cross, "Hela landet", "Antal") == ["<5", 0, 0, "..", 38]
    assert row_of(cross, "Totalt", SHARE) == [DASH, 0, 0, DASH]
    assert cross["note"].endswith(PROTECTING_NOTE)


def page_rows(html: str, key: str) -> dict[str, list[str]]:
    """The rows of a question's table on the page, as {row name: [cell texts]}."""
    table = html.split(f'id="q-{key}"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for name, cells in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', table, re.S):
        texts = [" ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
                 for cell in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]
        rows[unescape(name)] = texts
    return rows


def test_the_reports_page_hides_the_same_cells_and_its_chart_no_hidden_share(central_app, cdb, participants):
    main = logged_in(central_app, "county").get(f"/rapporter/{QID}").get_data(as_text=True).split("<main", 1)[1]
    rows = page_rows(main, "halsa-mar_allmant")
    pct = lambda share: " ".join(percent(share, "sv").split())  # noqa: E731 - as page_rows reads cells
    # each option's cell: the share, then the count; then the answers, skipped, not answered, the mean
    assert rows[SYD] == ["0 % 0", f"{pct(8 / 17)} 8", "– ..", "– <5", "17", "0", "0", DASH]
    assert rows[MELLAN] == ["0 % 0", f"{pct(9 / 21)} 9", "– ..", "– ..", "21", "0", "0", DASH]
    assert rows["Totalt"][2:5] == [f"{pct(11 / 38)} 11", f"{pct(10 / 38)} 10", "38"]
    assert rows["Hela landet"] == rows["Totalt"]
    section = main.split('id="q-halsa-mar_allmant"', 1)[1].split("</section>", 1)[0]
    assert PROTECTING_NOTE in section
    chart = section.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert f"Ganska dåligt: {percent(8 / 17, 'sv')}" in unescape(chart)  # a share the table shows
    for hidden in (6 / 17, 3 / 17, 5 / 21, 7 / 21):  # those it hides
        assert percent(hidden, "sv") not in unescape(chart)
    # the number of times hides nothing: the same with the smallest count 5
    times = page_rows(main, "aktiviteten-ganger")
    hiding = logged_in(central_app, "county").get(f"/rapporter/{QID}?minsta=5").get_data(as_text=True)
    assert page_rows(hiding.split("<main", 1)[1], "aktiviteten-ganger") == times
    assert PROTECTING_NOTE in hiding  # the page's note on small numbers says what ".." means


def test_the_reports_pages_cross_table_hides_the_same_cells(central_app, cdb, participants):
    url = f"/rapporter/{QID}?kors={HUB}&kors=sprak.pratar_svenska&minsta=5"
    main = logged_in(central_app, "county").get(url).get_data(as_text=True).split("<main", 1)[1]
    rows = page_rows(main, "cross")
    assert rows[MELLAN][:4] == ["0 % 0", "0 % 0", "0 % 0", "100 % 21"]
    assert rows[SYD][:5] == ["– <5", "0 % 0", "0 % 0", "– ..", "17"]
    assert rows["Totalt"][:5] == ["– <5", "0 % 0", "0 % 0", "– ..", "38"]
    assert rows["Hela landet"] == rows["Totalt"]
