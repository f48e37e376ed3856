"""The central's review list and admin pages fit a laptop (1280x800) and an upright tablet (800x1280) in both
languages: the admin menu on one line at 1280, and no sideways scrolling of the page or its tables at 800."""

from __future__ import annotations

import pytest

from exports.filters import ExportFilter
from exports.report import export_report
from sync import accounts, audit, reviewing

from browser_helpers import artifacts_dir, log_in
from central_helpers import OTHER_COUNTY, PASSWORD, make_conflict, make_submission
from server_helpers import Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = {"review": "/granskning/", "users": "/admin/anvandare", "audit": "/admin/logg", "upload": "/admin/paket/"}
#: Everything wider than the window: the page itself, or a table that scrolls inside its wrap.
OVERFLOW = """() => {
  const wide = [];
  if (document.documentElement.scrollWidth > innerWidth) wide.push('page ' + document.documentElement.scrollWidth);
  for (const wrap of document.querySelectorAll('.table-wrap'))
    if (wrap.scrollWidth > wrap.clientWidth + 1) wide.push('table ' + wrap.scrollWidth + '>' + wrap.clientWidth);
  return wide;
}"""
#: The distinct vertical positions of the menu's links: one when the menu is on one line.
MENU_LINES = """() => new Set([...document.querySelectorAll('.top nav a')]
  .map(a => Math.round(a.getBoundingClientRect().top))).size"""


def _fill(cdb, tmp_path, make_laptop) -> None:
    """What the tester had: a long list with conflicts, districts, county users and an audit log of many kinds."""
    found = make_conflict(cdb, tmp_path, make_laptop)
    for seed in range(6):
        make_submission(cdb, seed=seed)
    make_submission(cdb, municipality=OTHER_COUNTY, interviewer="inez", seed=7)
    reviewing.set_excluded(cdb, found["sid"], True, actor="eva", reason="Dubblett av en annan intervju i samma kommun")
    accounts.add_user(cdb, "anna-karin.lindqvist-svensson", "county", PASSWORD, county_code="25", actor="ada")
    for fmt in ("xlsx", "csv", "csv-long"):
        export_report(cdb, ExportFilter("kub-webbenkat", counties=("24", "25")), fmt, actor="eva")
    audit.record(cdb, "lena", "login", {"role": "county"}, address="192.168.100.200")


def test_review_list_and_admin_pages_fit_without_sideways_scrolling(chromium, central_path, cdb, tmp_path,
                                                                      make_laptop):
    _fill(cdb, tmp_path, make_laptop)
    cdb.conn.close()
    shots = artifacts_dir("admin-layout")
    problems = []
    with Server(central_path) as server:
        for width, height in ((1280, 800), (800, 1280)):
            page = chromium.new_page(viewport={"width": width, "height": height})
            log_in(page, server.base, "ada")
            for lang in ("sv", "en"):
                page.context.add_cookies([{"name": "fieldkit_lang", "value": lang, "url": server.base}])
                for name, path in PAGES.items():
                    page.goto(server.base + path)
                    page.screenshot(path=shots / f"{width}-{lang}-{name}.png", full_page=True)
                    wide = page.evaluate(OVERFLOW)
                    if wide:
                        problems.append(f"{width} {lang} {name}: {wide}")
                    lines = page.evaluate(MENU_LINES)
                    if width >= 1280 and lines != 1:
                        problems.append(f"{width} {lang} {name}: the menu takes {lines} lines")
            page.close()
    assert not problems, "\n".join(problems)
