"""Texts and numbers in Swedish and English: complete, current catalogues; numbers as each language writes them."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from openpyxl import load_workbook

from exports import ExportFilter, build_report, save_workbook
from exports.labels import gettext as export_text
from forms.answers import message
from forms.catalogues import LANGUAGES, Catalogue
from forms.formatting import format_money, format_number, format_percent
from sync import store

from exports_helpers import add_answers, init_store
from forms_helpers import make_questionnaire

ROOT = Path(__file__).resolve().parent.parent
#: The packages with texts for people; each has <package>/locale/<package>.pot and a .po per language.
PACKAGES = ("forms", "exports", "fieldkit")


def _key(message) -> tuple:
    return (message.context, message.id)


def _read(path: Path, locale: str | None = None):
    with open(path, "rb") as fh:
        return read_po(fh, locale=locale)


def _extracted(package: str) -> set[tuple]:
    """(context, msgid) of every text pybabel finds in the package today, as `make messages` runs it."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = set()
    for _file, _line, msgid, _comments, context in extract_from_dir(str(ROOT / package), method_map, options_map,
                                                                      keywords=DEFAULT_KEYWORDS):
        found.add((context, msgid))
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_the_template_holds_every_text_of_the_code(package):
    template = _read(ROOT / package / "locale" / f"{package}.pot")
    in_template = {_key(m) for m in template if m.id}
    extracted = _extracted(package)
    assert sorted(extracted - in_template, key=str) == [], "run `make messages` and translate the new texts"
    assert sorted(in_template - extracted, key=str) == [], "run `make messages` to drop texts no longer used"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("package", PACKAGES)
def test_every_text_is_translated_in_swedish_and_english(package, lang):
    template = _read(ROOT / package / "locale" / f"{package}.pot")
    catalog = _read(ROOT / package / "locale" / lang / "LC_MESSAGES" / f"{package}.po", lang)
    wanted = {_key(m) for m in template if m.id}
    have = {_key(m): m for m in catalog if m.id}
    assert sorted(wanted - set(have), key=str) == []
    assert sorted(set(have) - wanted, key=str) == [], "texts the code no longer uses: run `make messages`"
    assert list(catalog.obsolete) == []
    untranslated = [m.id for m in have.values()
                    if m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string])]
    assert untranslated == []
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert problems == []  # e.g. a placeholder the translation lost or misspelt


def test_page_translations_have_no_markup_characters():
    """Templates output a translation as it is (only its parameters are escaped)."""
    for lang in LANGUAGES:
        catalog = _read(ROOT / "fieldkit" / "locale" / lang / "LC_MESSAGES" / "fieldkit.po", lang)
        for m in catalog:
            in_template = any(path.endswith(".html") for path, _line in m.locations)
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            bad = "<>&\"" if in_template else "<>&"
            assert not any(c in s for s in strings for c in bad), (lang, m.id)


def test_no_text_is_marked_inside_an_f_string():
    """pybabel cannot see a `_()` inside an f-string: its text would never be translated."""
    found = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if any(f"{{{call}(" in line for call in ("_", "gettext", "ngettext", "report.gettext")):
                    found.append(f"{path.relative_to(ROOT)}:{number}")
    assert found == []


def test_a_catalogue_falls_back_to_swedish_for_an_unknown_language():
    catalogue = Catalogue(ROOT / "exports" / "locale", "exports")
    assert catalogue.gettext("Total", "de") == "Totalt"
    assert export_text("Total", "en") == "Total"


# -- plural forms ---------------------------------------------------------------------------------

def test_counted_texts_take_the_singular_for_one():
    assert message("max_choices", "sv", limit=1) == "Välj högst 1 alternativ."
    assert message("max_choices", "en", limit=1) == "Choose at most 1 option."
    assert message("max_choices", "en", limit=3) == "Choose at most 3 options."
    assert message("max_length", "en", limit=1) == "At most 1 character."


def test_the_review_page_says_one_question_or_several_in_the_plural(client, db):
    questionnaire = make_questionnaire({"id": "a", "type": "integer", "label": {"sv": "A", "en": "A"}},
                                       {"id": "b", "type": "integer", "label": {"sv": "B", "en": "B"}},
                                       id="tva-fragor")
    store.add_questionnaire(db, questionnaire)
    sid = store.create_submission(db, "tva-fragor", "2480")
    store.save_draft(db, sid, {"s.a": "1"}, "s")
    assert "1 av 2 frågor är obesvarad." in client.get(f"/s/{sid}/granska").get_data(as_text=True)
    client.set_cookie("fieldkit_lang", "en")
    assert "1 of 2 questions is unanswered." in client.get(f"/s/{sid}/granska").get_data(as_text=True)
    store.save_draft(db, sid, {}, "s")
    assert "2 of 2 questions are unanswered." in client.get(f"/s/{sid}/granska").get_data(as_text=True)


# -- numbers --------------------------------------------------------------------------------------

def test_numbers_are_written_as_each_language_writes_them():
    assert format_number(12500.5, "sv") == "12\u00a0500,5"
    assert format_number(12500.5, "en") == "12,500.5"
    assert format_number(2.25, "sv") == "2,25" and format_number(2.254, "sv") == "2,25"
    assert format_number(20000, "sv") == "20\u00a0000" and format_number(12.0, "en") == "12"
    assert format_percent(0.87, "sv") == "87\u00a0%" and format_percent(0.87, "en") == "87%"
    assert format_money(12500, "sv") == "12\u00a0500\u00a0kr" and format_money(12500, "en") == "SEK\u00a012,500"
    assert format_number(None, "sv") == format_percent(float("nan"), "en") == "–"


def test_halves_are_rounded_up_as_the_workbooks_cells_show_them():
    """The page and the workbook round alike: a cell of 0.125 with the format 0% shows 13 % in Excel and
    LibreOffice (an outside tester saw 8 answers of 1/8 each as "12 %" on the page and "13 %" in the workbook)."""
    assert format_percent(0.125, "sv") == "13\u00a0%" and format_percent(0.875, "en") == "88%"
    assert format_percent(0.285, "en") == "29%"  # the binary 0.28499999... is shown as Excel shows it
    assert format_percent(0.124, "en") == "12%" and format_percent(-0.001, "en") == "0%"


def test_a_number_answer_on_a_page_is_written_as_the_page_language_writes_it(client, db):
    questionnaire = make_questionnaire({"id": "yta", "type": "decimal", "label": {"sv": "Yta", "en": "Area"}},
                                       {"id": "hyra", "type": "money", "label": {"sv": "Hyra", "en": "Rent"}},
                                       id="ytor")
    store.add_questionnaire(db, questionnaire)
    sid = store.create_submission(db, "ytor", "2480")
    store.complete_submission(db, sid, {"s.yta": 12500.5, "s.hyra": 8000})
    swedish = client.get(f"/s/{sid}/sammanstallning").get_data(as_text=True)
    assert "12\u00a0500,5" in swedish and "8\u00a0000\u00a0kr" in swedish
    client.set_cookie("fieldkit_lang", "en")
    english = client.get(f"/s/{sid}/sammanstallning").get_data(as_text=True)
    assert "12,500.5" in english and "SEK\u00a08,000" in english and "12\u00a0500,5" not in english


@pytest.mark.parametrize("lang, versions", [("sv", "version 1: 12\u00a0500 inlämningar"),
                                            ("en", "version 1: 12,500 submissions")])
def test_an_export_writes_counts_in_its_language_and_keeps_numbers_numeric(tmp_path, lang, versions):
    db = init_store(tmp_path / "fieldkit.db")
    questionnaire = make_questionnaire({"id": "yta", "type": "decimal", "label": {"sv": "Yta", "en": "Area"}},
                                       id="ytor")
    store.add_questionnaire(db, questionnaire)
    add_answers(db, questionnaire, "2480", {"s.yta": 12500.5})
    report = build_report(db, ExportFilter("ytor", status="all"), lang)
    report.version_counts = {"1": 12500}  # as many as a national survey would have
    save_workbook(report, tmp_path / "ytor.xlsx")
    book = load_workbook(tmp_path / "ytor.xlsx")
    overview = [cell for row in book.worksheets[0].iter_rows(values_only=True) for cell in row]
    assert versions in overview
    data = book[export_text("Data", lang)]
    header = [c.value for c in data[1]]
    label = {"sv": "Yta", "en": "Area"}[lang]  # the Data sheet is headed by labels
    assert data.cell(2, header.index(label) + 1).value == 12500.5  # a number, not the text "12 500,5"
