"""Write fieldkit's own XLSForm test files into tests/xlsforms/fieldkit/.

Each file is small and exercises one part of the import (see README.md for
what each one shows and what the import must make of it). The generated
files are committed; run this again after changing it:

    .venv/bin/python tests/xlsforms/make_corpus.py
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
OUT = HERE / "fieldkit"
sys.path.insert(0, str(HERE.parent.parent))

SV, EN = "label::Svenska (sv)", "label::English (en)"
HSV, HEN = "hint::Svenska (sv)", "hint::English (en)"
YESNO = [["yesno", "ja", "Ja", "Yes"], ["yesno", "nej", "Nej", "No"]]
CHOICES_HEADER = ["list_name", "name", SV, EN]
FIXED_TIME = datetime.datetime(2025, 1, 1)


def workbook(name: str, survey: list[list], choices: list[list] | None = None,
             settings: list[list] | None = None, extra: dict[str, list[list]] | None = None) -> None:
    """Write one .xlsx; each sheet is given as rows, the header first."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    sheets = {"survey": survey, "choices": choices, "settings": settings, **(extra or {})}
    for title, rows in sheets.items():
        if rows is None:
            continue
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.properties.creator = "fieldkit tests/xlsforms/make_corpus.py"
    book.properties.created = book.properties.modified = FIXED_TIME
    book.save(OUT / name)


def settings(form_id: str, version: str = "1", title: str | None = None) -> list[list]:
    return [["form_id", "version", "form_title"], [form_id, version, title or form_id]]


# ---------------------------------------------------------------- forms that import

def types_basic() -> None:
    workbook("types_basic.xlsx", [
        ["type", "name", SV, EN, HSV, HEN, "required"],
        ["begin group", "grund", "Grunduppgifter", "Basic facts"],
        ["note", "intro", "Välkommen", "Welcome"],
        ["text", "namn", "Namn", "Name", "Förnamn och efternamn", "First and last name", "yes"],
        ["text", "beskrivning", "Beskriv", "Describe", None, None, None],
        ["integer", "antal", "Antal", "Number", None, None, "true"],
        ["decimal", "andel", "Andel", "Share"],
        ["date", "datum", "Datum", "Date", None, None, "no"],
        ["select_one kanal", "kanal", "Kanal", "Channel", None, None, "yes"],
        ["select_multiple amne", "amne", "Ämne", "Subject"],
        ["end group"],
    ], [
        CHOICES_HEADER,
        ["kanal", "telefon", "Telefon", "Phone"],
        ["kanal", "mote", "Möte", "Meeting"],
        ["amne", "anvisning", "Anvisning", "Assignment"],
        ["amne", "kvot", "Kvotflyktingar", "Quota refugees"],
        ["amne", "familj", "Stor familj", "Large family"],
    ], settings("types-basic", "1", "Frågetyper"))
    # multiline text is a longtext
    workbook("multiline.xlsx", [
        ["type", "name", SV, EN, "appearance"],
        ["text", "kort", "Kort svar", "Short answer"],
        ["text", "lang", "Långt svar", "Long answer", "multiline"],
    ], None, settings("multiline"))


def languages() -> None:
    workbook("languages_english_first.xlsx", [
        ["type", "name", EN, SV, HEN, HSV],
        ["text", "city", "City", "Stad", "Where you live", "Där du bor"],
        ["select_one yn", "ok", "OK?", "OK?"],
    ], [
        ["list_name", "name", EN, SV],
        ["yn", "yes", "Yes", "Ja"],
        ["yn", "no", "No", "Nej"],
    ], settings("languages-english-first"))
    workbook("languages_named.xlsx", [
        ["type", "name", "label::Swedish", "label::English", "hint:swedish"],
        ["select_one farg", "farg", "Favoritfärg", "Favourite colour", "Välj en"],
    ], [
        ["list name", "name", "label:swedish", "label:english"],
        ["farg", "rod", "Röd", "Red"],
        ["farg", "bla", "Blå", None],
    ], settings("languages-named"))
    workbook("languages_plain_default.xlsx", [
        ["type", "name", "label", "hint"],
        ["integer", "age", "How old are you?", "In years"],
    ], None, [["form_id", "version", "default_language"], ["plain-default", "3", "English (en)"]])


def groups_nested() -> None:
    workbook("groups_nested.xlsx", [
        ["type", "name", SV, EN, "relevant", "appearance"],
        ["select_one yesno", "start", "Börja?", "Start?"],
        ["begin group", "hushall", "Hushåll", "Household", "${start} = 'ja'"],
        ["integer", "storlek", "Antal personer", "People"],
        ["begin group", "barn", "Barn", "Children", "${storlek} > 1", "field-list"],
        ["integer", "antal_barn", "Antal barn", "Children"],
        ["end group"],
        ["text", "kommentar", "Kommentar", "Comment"],
        ["end group"],
        ["note", "slut", "Tack", "Thanks"],
    ], [CHOICES_HEADER] + YESNO, settings("groups-nested", "1", "Grupper"))


def relevant_translations() -> None:
    rows = [
        ["type", "name", SV, EN, "relevant"],
        ["select_one farg", "farg", "Färg", "Colour"],
        ["select_multiple farg", "fler", "Fler färger", "More colours"],
        ["integer", "antal", "Antal", "Number"],
        ["text", "namn", "Namn", "Name"],
        ["date", "datum", "Datum", "Date"],
        ["note", "r_eq", "lika", "equal", "${farg} = 'rod'"],
        ["note", "r_ne", "olika", "not equal", "${farg} != 'rod'"],
        ["note", "r_sel", "vald", "selected", "selected(${fler}, 'bla')"],
        ["note", "r_sel_one", "vald (en)", "selected (one)", "selected(${farg}, 'bla')"],
        ["note", "r_answered", "besvarad", "answered", "${namn} != ''"],
        ["note", "r_unanswered", "obesvarad", "unanswered", "${namn} = ''"],
        ["note", "r_count", "räknad", "counted", "count-selected(${fler}) > 0"],
        ["note", "r_length", "längd", "length", "string-length(${namn}) = 0"],
        ["note", "r_number", "tal", "number", "${antal} >= 10 and ${antal} < 100"],
        ["note", "r_flipped", "omvänd", "flipped", "5 < ${antal}"],
        ["note", "r_or", "eller", "or", "${farg} = 'rod' or ${farg} = 'bla'"],
        ["note", "r_not", "inte", "not", "not(selected(${fler}, 'rod') or ${antal} = 0)"],
        ["note", "r_date", "datum", "date", "${datum} >= date('2024-01-01')"],
        ["note", "r_path", "sökväg", "path", "/data/farg = 'rod'"],
        ["note", "r_nested", "nästlad", "nested", "(${farg} = 'rod' or ${antal} > 1) and not(${namn} = '')"],
        ["note", "r_true", "alltid", "always", "true()"],
    ]
    workbook("relevant_translations.xlsx", rows, [
        CHOICES_HEADER,
        ["farg", "rod", "Röd", "Red"],
        ["farg", "bla", "Blå", "Blue"],
    ], settings("relevant-translations"))


def constraints() -> None:
    workbook("constraints.xlsx", [
        ["type", "name", SV, EN, "constraint", "constraint_message::Svenska (sv)", "constraint_message::English (en)"],
        ["integer", "procent", "Procent", "Percent", ". >= 0 and . <= 100", "0-100", "0-100"],
        ["integer", "positiv", "Positivt", "Positive", ". > 0"],
        ["integer", "alder", "Ålder", "Age", "${alder} > 0 and ${alder} < 120"],
        ["decimal", "vikt", "Vikt", "Weight", ". >= 0.5 and . <= 250.0"],
        ["date", "datum", "Datum", "Date", ". >= date('2020-01-01') and . <= date('2030-12-31')"],
        ["text", "personnummer", "Personnummer", "Personal number", "regex(., '^[0-9]{6}-[0-9]{4}$')"],
        ["text", "kort", "Kort text", "Short text", "string-length(.) <= 20"],
        ["select_multiple farg", "farger", "Färger", "Colours", "count-selected(.) >= 1 and count-selected(.) <= 2"],
    ], [
        CHOICES_HEADER,
        ["farg", "rod", "Röd", "Red"],
        ["farg", "bla", "Blå", "Blue"],
        ["farg", "gul", "Gul", "Yellow"],
    ], settings("constraints"))


def or_other() -> None:
    workbook("or_other.xlsx", [
        ["type", "name", SV, EN],
        ["select_one kanal or_other", "kanal", "Kanal", "Channel"],
        ["select_multiple kanal or_other", "kanaler", "Kanaler", "Channels"],
        ["select one from kanal or specify other", "gammal", "Gammal stavning", "Old spelling"],
    ], [
        CHOICES_HEADER,
        ["kanal", "telefon", "Telefon", "Phone"],
        ["kanal", "epost", "E-post", "E-mail"],
    ], settings("or-other"))


def likert_scale() -> None:
    workbook("likert_scale.xlsx", [
        ["type", "name", SV, EN, "appearance"],
        ["select_one instammer", "pastaende", "Jag trivs", "I am happy", "likert"],
        ["select_one betyg", "betyg", "Betyg", "Rating", "likert"],
        ["select_one instammer", "vanlig", "Samma lista utan likert", "Same list, no likert"],
    ], [
        CHOICES_HEADER + ["score"],
        ["instammer", "inte", "Instämmer inte", "Disagree", None],
        ["instammer", "delvis", "Instämmer delvis", "Partly agree", None],
        ["instammer", "helt", "Instämmer helt", "Agree", None],
        ["betyg", "dalig", "Dålig", "Poor", 0],
        ["betyg", "bra", "Bra", "Good", 2.5],
        ["betyg", "utmarkt", "Utmärkt", "Excellent", "5"],
    ], settings("likert-scale"))


def matrix() -> None:
    workbook("matrix.xlsx", [
        ["type", "name", SV, EN, HSV, HEN, "appearance", "required", "relevant"],
        ["select_one yesno", "har_avtal", "Har ni avtal?", "Do you have agreements?"],
        ["begin group", "avtal", "Avtal med", "Agreements with", "Svara för varje", "Answer for each", "field-list",
         None, "${har_avtal} = 'ja'"],
        ["select_one jnv", "avtal_rubrik", None, None, None, None, "label"],
        ["select_one jnv", "avtal_bostadsbolag", "Bostadsbolag", "Housing company", None, None, "list-nolabel", "yes"],
        ["select_one jnv", "avtal_privat", "Privat hyresvärd", "Private landlord", None, None, "list-nolabel", "yes"],
        ["end group"],
        ["note", "efter", "Rad för bostadsbolag", "Row for housing company", None, None, None, None,
         "${avtal_bostadsbolag} = 'ja'"],
        ["begin group", "vanlig", "Vanlig sida", "Plain page", None, None, "field-list"],
        ["select_one jnv", "fraga1", "Fråga 1", "Question 1"],
        ["select_one jnv", "fraga2", "Fråga 2", "Question 2"],
        ["end group"],
    ], [CHOICES_HEADER] + YESNO + [
        ["jnv", "ja", "Ja", "Yes"],
        ["jnv", "nej", "Nej", "No"],
        ["jnv", "vet_ej", "Vet ej", "Don't know"],
    ], settings("matrix"))


def settings_and_names() -> None:
    workbook("settings_and_names.xlsx", [
        ["type", "name", SV, EN],
        ["begin group", "Första-Delen", "Första delen", "First part"],
        ["integer", "Age-Years", "Ålder", "Age"],
        ["text", "_1", "Numeriskt namn", "Numeric name"],
        ["text", "Namn", "Namn", "Name"],
        ["text", "namn", "namn igen", "name again"],
        ["select_one val", "val", "Val", "Choice"],
        ["end group"],
    ], [
        CHOICES_HEADER,
        ["val", "första valet", "Första", "First"],
        ["val", 2, "Två", "Two"],
        ["val", "tredje!", "Tre", "Three"],
    ], [["form_id", "version", "form_title", "fieldkit_title::English (en)"],
        ["Min Enkät_2024", "v 1/2", "Min enkät", "My survey"]])


def special_codes() -> None:
    workbook("special_codes.xlsx", [
        ["type", "name", SV, EN, "fieldkit_type", "fieldkit_flags"],
        ["select_one hyra", "hyra", "Hyra", "Rent"],
        ["select_one yesno", "avtal", "Avtal?", "Agreement?", "yesno"],
        ["integer", "kostnad", "Kostnad", "Cost", "money", "dont_know"],
        ["text", "kontakt", "Kontaktperson", "Contact person", None, "personal"],
        ["select_multiple hyra", "flera", "Flera", "Several", None, "personal"],
    ], [CHOICES_HEADER] + YESNO + [
        ["hyra", "lag", "Låg", "Low"],
        ["hyra", "hog", "Hög", "High"],
        ["hyra", "vet_ej", "Vet ej", "Don't know"],
        ["hyra", "ej_aktuellt", "Ej aktuellt", "Not applicable"],
    ], settings("special-codes"))


def metadata() -> None:
    workbook("metadata.xlsx", [
        ["type", "name", "label::English (en)"],
        ["start", "start"],
        ["end", "end"],
        ["today", "today"],
        ["deviceid", "deviceid"],
        ["username", "username"],
        ["email", "email"],
        ["phonenumber", "phonenumber"],
        ["simserial", "simserial"],
        ["subscriberid", "subscriberid"],
        ["audit", "audit"],
        ["text", "name", "Your name"],
    ], None, settings("metadata"))


def csv_variant() -> None:
    lines = [
        "survey,type,name,label::Svenska (sv),label::English (en),relevant",
        ",begin group,kontakt,Kontakt,Contact,",
        ",select_one kanal,kanal,Kanal,Channel,",
        ",text,adress,E-postadress,E-mail address,${kanal} = 'epost'",
        ",end group,,,,",
        "choices,list_name,name,label::Svenska (sv),label::English (en)",
        ",kanal,telefon,Telefon,Phone",
        ",kanal,epost,E-post,E-mail",
        "settings,form_id,version,form_title",
        ",csv-variant,2,CSV-formulär",
    ]
    (OUT / "csv_variant.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def exported_demo() -> None:
    """fieldkit's own export: the import must give back exactly this questionnaire."""
    from forms.loader import load_text
    from forms.xlsform import export_xlsform

    result = load_text((HERE / "exported_demo.yaml").read_text(encoding="utf-8"), "exported_demo.yaml")
    if not result.ok:
        raise SystemExit("\n".join(map(str, result.problems)))
    export_xlsform(result.questionnaire, OUT / "exported_demo.xlsx")


# ---------------------------------------------------------------- forms that fail

def unsupported_types() -> None:
    workbook("unsupported_types.xlsx", [
        ["type", "name", "label::English (en)"],
        ["text", "name", "Name"],
        ["geopoint", "place", "Where?"],
        ["image", "photo", "Photo"],
        ["calculate", "double", None],
        ["time", "when", "When?"],
        ["begin repeat", "children", "Children"],
        ["text", "child", "Child's name"],
        ["end repeat"],
        ["range", "rating", "Rating"],
        ["select_one_from_file places.csv", "town", "Town"],
        ["integr", "typo", "Typo in the type"],
        ["integer", "age", "Age"],
    ], None, settings("unsupported-types"))


def bad_expressions() -> None:
    workbook("bad_expressions.xlsx", [
        ["type", "name", "label::English (en)", "relevant", "constraint", "required", "choice_filter"],
        ["integer", "age", "Age"],
        ["geopoint", "place", "Where?"],
        ["select_multiple colours", "colours", "Colours"],
        ["note", "n_function", "Function", "today() > date('2024-01-01')"],
        ["note", "n_arithmetic", "Arithmetic", "${age} + 1 > 18"],
        ["note", "n_later", "Later", "${later} = 'x'"],
        ["note", "n_unknown", "Unknown", "${nobody} = 'x'"],
        ["note", "n_left_out", "Left out", "${place} != ''"],
        ["note", "n_multi", "Multi", "${colours} = 'red'"],
        ["text", "later", "Later question"],
        ["integer", "c_not_equal", "Not equal", None, ". != 5"],
        ["decimal", "c_strict", "Strict decimal", None, ". > 0.5"],
        ["integer", "c_regex", "Regex on a number", None, "regex(., '^[0-9]+$')"],
        ["integer", "c_reference", "Reference", None, ". <= ${age}"],
        ["text", "r_condition", "Required if", None, None, "${age} > 18"],
        ["select_one colours", "f_filter", "Filtered", None, None, None, "colour = ${colours}"],
    ], [
        ["list_name", "name", "label::English (en)"],
        ["colours", "red", "Red"],
        ["colours", "blue", "Blue"],
    ], settings("bad-expressions"))


def structure_errors() -> None:
    workbook("structure_errors.xlsx", [
        ["type", "name", "label::English (en)"],
        [None, "lonely", "A row without a type"],
        ["text", None, "A question without a name"],
        ["end group"],
        ["begin group", "outer", "Outer"],
        ["text", "q1", "Question 1"],
        ["text", "q1", "Question 1 again"],
        ["end repeat"],
        ["begin group", "open", "Never closed"],
        ["text", "q2", "Question 2"],
    ], None, settings("structure-errors"))


def list_errors() -> None:
    workbook("list_errors.xlsx", [
        ["type", "name", "label::English (en)", "fieldkit_type"],
        ["select_one nolist", "missing", "Unknown list"],
        ["select_one dupes", "dupes", "Repeated choice"],
        ["select_one scores", "scored", "Bad score"],
        ["select_one specials", "only_specials", "Only special codes"],
        ["select_one scores", "not_yesno", "Not a yes/no list", "yesno"],
        ["text", "not_money", "Text marked as money", "money"],
    ], [
        ["list_name", "name", "label::English (en)", "score"],
        ["dupes", "a", "A"],
        ["dupes", "b", "B"],
        ["dupes", "a", "A again"],
        ["dupes", None, "No name"],
        ["scores", "low", "Low", "one"],
        ["specials", "vet_ej", "Don't know"],
        [None, "orphan", "No list name"],
    ], settings("list-errors"))
    workbook("no_choices_sheet.xlsx", [
        ["type", "name", "label::English (en)"],
        ["select_one yes_no", "ok", "OK?"],
    ], None, settings("no-choices-sheet"))


def file_errors() -> None:
    (OUT / "not_a_workbook.xlsx").write_bytes(b"This is not a zip file, just text with an .xlsx name.\n")
    (OUT / "no_sheet_name.csv").write_text("type,name,label\ntext,name,Name\n", encoding="utf-8")
    workbook("empty_survey.xlsx", [["type", "name", "label"]], None, settings("empty-survey"))
    workbook("no_type_column.xlsx", [["kind", "name", "label"], ["text", "a", "A"]], None, settings("no-type"))
    workbook("duplicate_language_columns.xlsx", [
        ["type", "name", "label::English", "label::English (en)"],
        ["text", "a", "A", "A"],
    ], None, settings("duplicate-language-columns"))


def matrix_marker_error() -> None:
    workbook("matrix_marker_error.xlsx", [
        ["type", "name", "label::English (en)", "appearance", "fieldkit_type"],
        ["begin group", "grid", "Grid", "field-list", "matrix"],
        ["select_one yn", "grid_a", "A", "list-nolabel"],
        ["text", "grid_b", "B"],
        ["end group"],
    ], [["list_name", "name", "label::English (en)"], ["yn", "yes", "Yes"], ["yn", "no", "No"]],
        settings("matrix-marker-error"))


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for make in (types_basic, languages, groups_nested, relevant_translations, constraints, or_other, likert_scale,
                 matrix, settings_and_names, special_codes, metadata, csv_variant, exported_demo,
                 unsupported_types, bad_expressions, structure_errors, list_errors, file_errors, matrix_marker_error):
        make()
    print(f"wrote {len(list(OUT.iterdir()))} files into {OUT}")


if __name__ == "__main__":
    main()
