"""The admin pages say things in the page's language and in words: users, counties, audit events."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from exports.filters import ExportFilter
from exports.report import export_report
from fieldkit.i18n import LABELS
from sync import accounts, audit, devices

from central_helpers import logged_in, make_submission

LONG = "ett långt lösenord"


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _add(admin, lang: str, **fields):
    admin.set_cookie("fieldkit_lang", lang)
    data = {"name": "nils", "role": "county", "county": "", "password": LONG, "password_again": LONG, **fields}
    return admin.post("/admin/anvandare", data=data)


@pytest.mark.parametrize("lang, fields, expected", [
    ("sv", {}, "Välj ett län för en länsanvändare."),
    ("en", {}, "Choose a county for a county user."),
    ("sv", {"county": "99"}, "Välj ett län i listan."),
    ("sv", {"name": "EVA", "role": "evaluator"}, "Det finns redan en användare som heter EVA; välj ett annat namn."),
    ("en", {"name": "EVA", "role": "evaluator"}, "There is already a user named EVA; choose another name."),
    ("sv", {"role": "evaluator", "password": "kort", "password_again": "kort"},
     "Lösenordet måste ha minst 10 tecken."),
    ("en", {"role": "evaluator", "password": "kort", "password_again": "kort"},
     "The password must have at least 10 characters."),
    ("sv", {"role": "chef"}, "Välj en roll i listan."),
    ("en", {"role": "chef"}, "Choose a role from the list."),
    ("sv", {"name": "a" * 65, "role": "evaluator"}, "Ett användarnamn får ha högst 64 tecken."),
])
def test_a_refused_new_user_is_told_in_the_pages_language_without_command_line_options(
        central_app, cdb, lang, fields, expected):
    admin = logged_in(central_app, "admin")
    response = _add(admin, lang, **fields)
    assert response.status_code == 422
    page = _text(response)
    assert expected in page
    assert "--lan" not in page and "valid choices" not in page and "Stockholms län)" not in page
    assert accounts.get_user(cdb, "nils") is None


def test_the_command_line_keeps_its_own_message(cdb):
    with pytest.raises(accounts.AccountError, match=r"a county user needs a county code \(--lan\); valid choices: "
                                                     r"01 \(Stockholms län\)") as error:
        accounts.add_user(cdb, "nils", "county", LONG)
    assert error.value.reason == "county_missing"


def test_password_and_device_messages_on_the_users_page_are_in_its_language(central_app, cdb):
    admin = logged_in(central_app, "admin")
    short = admin.post("/admin/anvandare/losenord", data={"name": "lena", "password": "kort", "password_again": "kort"},
                       follow_redirects=True)
    assert "Lösenordet måste ha minst 10 tecken." in _text(short)
    devices.enrol(cdb, "lund-anna")
    taken = admin.post("/admin/enheter", data={"device": "lund-anna"}, follow_redirects=True)
    assert "En enhet som heter lund-anna är redan registrerad" in _text(taken)
    admin.set_cookie("fieldkit_lang", "en")
    unknown = admin.post("/admin/enheter/aterkalla", data={"device": "ingen"}, follow_redirects=True)
    assert "There is no device named ingen." in _text(unknown) and "fieldkit devices list" not in _text(unknown)


@pytest.mark.parametrize("lang, stockholm, vasterbotten", [
    ("sv", "Stockholms län", "Västerbottens län"), ("en", "Stockholms län", "Västerbottens län")])
def test_the_users_table_names_each_users_county(central_app, lang, stockholm, vasterbotten):
    admin = logged_in(central_app, "admin")
    admin.set_cookie("fieldkit_lang", lang)
    page = _text(admin.get("/admin/anvandare"))
    rows = {m.group(1): m.group(2) for m in re.finditer(r"<tr>\s*<td>([^<]+)</td><td>[^<]*</td><td>(.*?)</td>", page)}
    assert re.sub(r"<[^>]+>", "", rows["olle"]) == f"{stockholm} 01"
    assert re.sub(r"<[^>]+>", "", rows["lena"]) == f"{vasterbotten} 24"
    assert rows["eva"] == "–"


def _audited(cdb) -> None:
    """A few entries of the kinds the tester met: logins, a new county user, exports in each format."""
    accounts.add_user(cdb, "nils", "county", LONG, county_code="12", actor="ada")
    audit.record(cdb, "lena", "login", {"role": "county"})
    make_submission(cdb)
    for fmt in ("xlsx", "csv", "csv-long"):
        export_report(cdb, ExportFilter("kub-webbenkat", counties=("24",)), fmt, actor="eva")


@pytest.mark.parametrize("lang, words, codes", [
    ("sv", ["Roll: länsstyrelse", "Län: Skåne län (12)", "Excel-arbetsbok: kub-webbenkat för Västerbottens län (24)",
            "CSV, en rad per inlämning: kub-webbenkat", "CSV, en rad per svar: kub-webbenkat",
            ">Användare skapad</option>", ">Export</option>", ">Inloggning</option>"],
     ["Roll: county", "CSV-LONG", "XLSX", ">user_added<", ">login<"]),
    ("en", ["Role: county", "County: Skåne län (12)", "Excel workbook: kub-webbenkat for Västerbottens län (24)",
            "CSV, one row per submission: kub-webbenkat", "CSV, one row per answer: kub-webbenkat",
            ">User added</option>", ">Login</option>"],
     ["CSV-LONG", "XLSX", ">user_added<", ">login<"]),
])
def test_the_audit_log_shows_events_roles_and_export_kinds_in_words(central_app, cdb, lang, words, codes):
    _audited(cdb)
    admin = logged_in(central_app, "admin")
    admin.set_cookie("fieldkit_lang", lang)
    page = _text(admin.get("/admin/logg"))
    for text in words:
        assert text in page
    for code in codes:
        assert code not in page
    assert '<option value="user_added">' in page and '<option value="export">' in page, "the filter keeps the codes"
    filtered = _text(admin.get("/admin/logg?action=user_added"))
    assert '<option value="user_added" selected>' in filtered and "nils" in filtered


def test_the_quarterly_export_reads_as_a_sentence(central_app, cdb):
    audit.record(cdb, "lena", "export", {"format": "xlsx", "report": "kvartal", "county": "24", "quarter": "2014Q3",
                                         "requests": 3}, target="kontaktlogg")
    admin = logged_in(central_app, "admin")
    page = _text(admin.get("/admin/logg"))
    assert "Excel-arbetsbok: kvartalsåterkoppling för Västerbottens län (24), 2014Q3." in page


def test_every_audit_action_the_code_records_has_words():
    """An action recorded anywhere must be named in fieldkit.i18n.LABELS, or the log and its filter show the code."""
    root = Path(__file__).resolve().parent.parent
    found = set()
    for package in ("sync", "exports", "fieldkit"):
        for path in (root / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for action in re.findall(r"audit\.record\(\s*[\w.]+,\s*[\w.]+,\s*((?:\"\w+\"(?: if \w+ else )?)+)", text):
                found |= set(re.findall(r"\"(\w+)\"", action))
            found |= set(re.findall(r"^AUDIT_ACTION = \"(\w+)\"", text, re.M))
    assert {"login", "export", "user_added", "import_submissions", "unreviewed", "included"} <= found
    assert found - set(LABELS["audit_action"]) == set()


@pytest.mark.parametrize("lang, expected", [("sv", "(länsstyrelse, Västerbottens län)"),
                                            ("en", "(county, Västerbottens län)")])
def test_the_header_names_a_county_users_county(central_app, lang, expected):
    """The header said "(länsstyrelse 24)"; a county user reads their county's name."""
    lena = logged_in(central_app, "county")
    lena.set_cookie("fieldkit_lang", lang)
    page = _text(lena.get("/granskning/"))
    assert re.search(r'<span class="role">\s*' + re.escape(expected), page), page[:2000]
