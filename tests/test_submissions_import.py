"""`fieldkit submissions import`: exported CSV and workbooks back into a store, all or nothing, idempotent."""

from __future__ import annotations

import datetime
import json
import shutil

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from exports import ExportFilter, build_report, iter_csv, save_workbook, write_csv
from exports.importing import FileRefused, import_submissions
from exports.import_file import SubmissionImportError
from fieldkit.cli import main
from sync import audit, store

from exports_helpers import INJECTIONS, add_answers, insert_demo, questionnaires

UTC = datetime.timezone.utc
HEAD = "Inlämning;Version;Status;Kommunkod;Skapad;bas.samarbete;bas.antal;bas.kostnad;fritt.datum"
ID = "3f2b8c1e-5a7d-4e21-9c0b-7d1e2f3a4b5c"
GOOD = f"{ID};2;Slutförd;2480;2013-05-02 10:15:00;Ja;12;4 500;2013-04-30"


@pytest.fixture(scope="module")
def source_path(exports_template, tmp_path_factory):
    """Both versions with demo answers, drafts, specials, "other" texts and texts that look like formulas."""
    path = tmp_path_factory.mktemp("import-source") / "fieldkit.db"
    shutil.copyfile(exports_template, path)
    db = store.open_db(path)
    v1, v2 = questionnaires()
    insert_demo(db, v1, 40, 21, datetime.datetime(2013, 3, 1, 8, tzinfo=UTC))
    insert_demo(db, v2, 40, 22, datetime.datetime(2013, 9, 1, 8, tzinfo=UTC))
    for i, text in enumerate(INJECTIONS):
        add_answers(db, v2, "2480", {"bas.samarbete": "ja", "bas.antal": 3, "bas.andel": 12.5,
                                     "fritt.kommentar": text, "betyg.kanaler": ["telefon", "annat"],
                                     "betyg.kanaler/annat": text, "betyg.hinder": {"skola": "vet_ej"}},
                    created=f"2013-10-0{i + 1}T09:00:00.000+00:00")
    add_answers(db, v1, "0114", {"bas.samarbete": "ja", "betyg.kanaler": ["vet_ej"], "bas.antal": "vet_ej"},
                created="2013-06-01T22:30:00.000+00:00")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return path


@pytest.fixture
def source(source_path):
    db = store.open_db(source_path)
    yield db
    db.conn.close()


@pytest.fixture
def target(make_exports_store, tmp_path):
    return make_exports_store(tmp_path / "target" / "fieldkit.db")


def export(db, path, lang="sv", sep=";"):
    report = build_report(db, ExportFilter("testenkat"), lang, include_personal=True)
    if path.suffix == ".xlsx":
        save_workbook(report, path)
    else:
        write_csv(report, path, sep=sep)
    return report.n


def completed(db) -> dict[str, tuple]:
    rows = db.execute("select uuid, questionnaire_version, municipality_code, created, interviewer, answers "
                      "from submissions where status = 'complete' and excluded = 0").fetchall()
    return {r[0]: (r[1], r[2], r[3][:19], r[4], json.loads(r[5])) for r in rows}


def write(path, *lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("name, lang, sep", [("t.csv", "sv", ";"), ("t.csv", "en", ","), ("t.xlsx", "sv", None),
                                             ("t.xlsx", "en", None)])
def test_an_export_imported_into_an_empty_store_has_exactly_the_same_submissions(source, target, tmp_path,
                                                                                  name, lang, sep):
    path = tmp_path / name
    n = export(source, path, lang, sep)
    result = import_submissions(target, path, actor="cli:anna")
    expected = completed(source)
    drafts = source.execute("select count(*) from submissions where status = 'draft'").fetchone()[0]
    # 80 demo interviews less their 8 drafts, the 7 with formula-like texts and the one of "don't know"s
    assert (drafts, n, len(expected)) == (8, 80, 80)
    assert (result.questionnaire, result.rows, len(result.added), result.updated, result.unchanged) == \
        ("testenkat", 80, 80, [], [])
    assert completed(target) == expected
    sid = result.added[0]
    revisions = store.list_revisions(target, sid)
    assert [(r["number"], r["status"], r["author"], r["comment"]) for r in revisions] == \
        [(1, "complete", "cli:anna", f"Importerad från {name}")]


def test_the_export_of_the_imported_store_is_the_export_it_came_from_but_for_the_modified_time(source, target,
                                                                                                tmp_path):
    export(source, tmp_path / "t.csv")
    import_submissions(target, tmp_path / "t.csv")

    def rows(db):
        report = build_report(db, ExportFilter("testenkat"), "sv", include_personal=True)
        lines = "".join(iter_csv(report, sep=";")).splitlines()
        modified = lines[0].split(";").index("Ändrad")
        return [line.split(";")[:modified] + line.split(";")[modified + 1:] for line in lines]

    assert rows(target) == rows(source)


def test_importing_the_same_file_again_adds_nothing_and_says_so(source, target, tmp_path):
    export(source, tmp_path / "t.xlsx")
    import_submissions(target, tmp_path / "t.xlsx")
    before = target.execute("select count(*) from revisions").fetchone()[0]
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "target" / "fieldkit.db"), "submissions", "import",
                                       str(tmp_path / "t.xlsx")], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output == ("t.xlsx: 80 rader av testenkat: tillagda 0, uppdaterade 0, oförändrade 80\n"
                             "inget nytt: alla inlämningar i filen finns redan i databasen\n")
    assert target.execute("select count(*) from revisions").fetchone()[0] == before == 80
    entries = audit.entries(target, action="import_submissions")
    assert [(e["target"], e["details"]) for e in entries] == [
        ("testenkat", {"file": "t.xlsx", "format": "xlsx", "rows": 80, "added": 0, "updated": 0, "unchanged": 80}),
        ("testenkat", {"file": "t.xlsx", "format": "xlsx", "rows": 80, "added": 80, "updated": 0, "unchanged": 0}),
    ]


def test_a_dry_run_says_what_would_be_imported_and_writes_nothing(source, target, tmp_path):
    export(source, tmp_path / "t.csv")
    result = import_submissions(target, tmp_path / "t.csv", dry_run=True)
    assert (len(result.added), result.dry_run) == (80, True)
    assert target.execute("select count(*) from submissions").fetchone()[0] == 0
    assert audit.entries(target, action="import_submissions") == []


def test_imported_submissions_count_in_the_exports(target, tmp_path):
    write(tmp_path / "t.csv", HEAD, GOOD,
          "a7c3e1d2-9b8f-4c6e-8d5a-1b2c3d4e5f60;1;;0114;;Nej;;;")
    import_submissions(target, tmp_path / "t.csv")
    report = build_report(target, ExportFilter("testenkat"), "sv")
    assert (report.n, report.version_counts) == (2, {"1": 1, "2": 1})
    stored = store.get_submission(target, ID)
    assert (stored.status, stored.municipality_code, stored.county_code, stored.created, stored.answers) == (
        "complete", "2480", "24", "2013-05-02T08:15:00.000+00:00",  # 10:15 Swedish summer time
        {"bas.samarbete": "ja", "bas.antal": 12, "bas.kostnad": 4500, "fritt.datum": "2013-04-30"})


def test_every_bad_cell_is_listed_with_file_row_and_column_and_nothing_is_imported(target, tmp_path):
    path = write(tmp_path / "omgang.csv", HEAD, GOOD,
                 "b1111111-1111-4111-8111-111111111111;2;Slutförd;9999;2013-05-02 10:15:00;Kanske;;;",
                 "b2222222-2222-4222-8222-222222222222;2;Slutförd;2480;igår;Ja;många;-5;2014-01-01",
                 "b3333333-3333-4333-8333-333333333333;7;Utkast;2480;;Nej;;;",
                 "b4444444-4444-4444-8444-444444444444;2;;2480;;Nej;3;;",
                 f"{ID};2;Slutförd;2480;;Nej;;;",
                 "inte-ett-id;2;;0114;;Nej;;;")
    with pytest.raises(FileRefused) as refused:
        import_submissions(target, path)
    assert str(refused.value).splitlines() == [
        "omgang.csv: inget importerades: 11 problem",
        "omgang.csv:3: Kommunkod: okänd kommunkod 9999",
        "omgang.csv:3: bas.samarbete: Kanske är inget svarsalternativ (Ja, Nej, Vet ej)",
        "omgang.csv:4: Skapad: igår är ingen tidpunkt (ÅÅÅÅ-MM-DD TT:MM:SS)",
        "omgang.csv:4: bas.antal: Ange ett heltal, t.ex. 12.",
        "omgang.csv:4: bas.kostnad: Värdet får inte vara mindre än 0.",
        "omgang.csv:4: fritt.datum: Värdet får inte vara större än 2013-12-31.",
        "omgang.csv:5: Version: enkäten testenkat har ingen version 7 (sparade: 1, 2)",
        "omgang.csv:5: Status: bara slutförda inlämningar kan importeras, inte utkast",
        "omgang.csv:6: bas.antal: besvarad, men frågan ställs inte med radens övriga svar "
        "(dess villkor är inte uppfyllt)",
        "omgang.csv:7: Inlämning: samma inlämning som rad 2",
        "omgang.csv:8: Inlämning: inte-ett-id är inget inlämnings-id (ett UUID som "
        "3f2b8c1e-5a7d-4e21-9c0b-7d1e2f3a4b5c)",
    ]
    assert target.execute("select count(*) from submissions").fetchone()[0] == 0
    assert audit.entries(target, action="import_submissions") == []


def test_the_messages_can_be_english(target, tmp_path):
    path = write(tmp_path / "t.csv", HEAD, GOOD.replace(";Ja;", ";Maybe;"))
    with pytest.raises(FileRefused) as refused:
        import_submissions(target, path, lang="en")
    assert str(refused.value).splitlines() == [
        "t.csv: nothing was imported: 1 problem",
        "t.csv:2: bas.samarbete: Maybe is not an option (Ja, Nej, Vet ej)",
    ]


def test_a_bad_cell_of_a_workbook_is_named_by_its_label_header(source, target, tmp_path):
    export(source, tmp_path / "t.xlsx")
    workbook = load_workbook(tmp_path / "t.xlsx")
    data = workbook["Data"]
    headers = [c.value for c in data[1]]
    column = headers.index("Tomhyror (kr)") + 1
    data.cell(row=5, column=column, value="gratis")
    data.cell(row=9, column=headers.index("Kommunkod") + 1, value="0000")
    workbook.save(tmp_path / "t.xlsx")
    with pytest.raises(FileRefused) as refused:
        import_submissions(target, tmp_path / "t.xlsx")
    assert str(refused.value).splitlines()[1:] == [
        "t.xlsx:5: Tomhyror (kr): Ange ett belopp i hela kronor, t.ex. 12 500.",
        "t.xlsx:9: Kommunkod: okänd kommunkod 0000",
    ]


def test_a_missing_required_column_and_unknown_columns_refuse_the_file(target, tmp_path):
    path = write(tmp_path / "t.csv", "Inlämning;bas.samarbete;bas.okand;bas.samarbete", f"{ID};Ja;x;Ja")
    with pytest.raises(FileRefused) as refused:
        import_submissions(target, path, questionnaire="testenkat")
    assert str(refused.value).splitlines() == [
        "t.csv: inget importerades: 3 problem",
        "t.csv:1: bas.okand: inte en kolumn i enkäten testenkat (se dess kodbok)",
        "t.csv:1: bas.samarbete: kolumnen finns två gånger (även kolumn B)",
        "t.csv:1: Kommunkod: kolumnen krävs men saknas",
    ]


def test_the_questionnaire_is_found_by_its_columns_or_named(target, tmp_path):
    path = write(tmp_path / "t.csv", "Kommunkod;x.y", "2480;1")
    with pytest.raises(SubmissionImportError) as unknown:
        import_submissions(target, path)
    assert str(unknown.value) == ("t.csv: ingen sparad enkät har alla filens kolumner; ange enkäten med "
                                  "--questionnaire för att se vilka kolumner som inte passar")
    with pytest.raises(SubmissionImportError) as named:
        import_submissions(target, path, questionnaire="nope")
    assert str(named.value).startswith("okänd enkät nope (sparade: ")
    assert "testenkat" in str(named.value)
    with pytest.raises(SubmissionImportError) as version:
        import_submissions(target, write(tmp_path / "u.csv", HEAD, GOOD), version="9")
    assert str(version.value) == "enkäten testenkat har ingen version 9 (sparade: 1, 2)"


def test_without_a_version_column_rows_are_of_the_version_named_or_the_newest(target, tmp_path):
    path = write(tmp_path / "t.csv", "Kommunkod;bas.samarbete;bas.storlek", "2480;Ja;Mellan", "0114;Nej;Liten")
    with pytest.raises(FileRefused) as refused:
        import_submissions(target, path, version="1")  # "Mellan" came with version 2
    assert str(refused.value).splitlines()[1:] == ["t.csv:2: bas.storlek: Välj ett av alternativen."]
    result = import_submissions(target, path)
    versions = {store.get_submission(target, sid).questionnaire_version for sid in result.added}
    assert (len(result.added), versions) == (2, {"2"})


def test_rows_without_ids_get_the_same_ids_every_time(target, tmp_path):
    path = write(tmp_path / "t.csv", "Kommunkod;Skapad;bas.samarbete", "2480;2012-04-01 09:00;Ja", "0114;;Nej")
    first = import_submissions(target, path)
    again = import_submissions(target, path)
    assert (len(first.added), again.added, sorted(again.unchanged)) == (2, [], sorted(first.added))
    assert first.without_ids
    assert not import_submissions(target, write(tmp_path / "ids.csv", HEAD, GOOD)).without_ids


def test_other_answers_for_a_stored_submission_need_update_and_become_a_new_revision(target, tmp_path):
    import_submissions(target, write(tmp_path / "t.csv", HEAD, GOOD))
    changed = write(tmp_path / "t2.csv", HEAD, GOOD.replace(";4 500;", ";5 000;"))
    with pytest.raises(FileRefused) as refused:
        import_submissions(target, changed)
    assert str(refused.value).splitlines()[1:] == [
        f"t2.csv:2: Inlämning: {ID} finns redan med andra svar; importera med --update för att spara filens svar "
        "som en ny revision"]
    result = import_submissions(target, changed, update=True, actor="cli:anna")
    assert (result.added, result.updated) == ([], [ID])
    revisions = store.list_revisions(target, ID)
    assert [(r["number"], r["answers"]["bas.kostnad"], r["author"]) for r in revisions] == \
        [(1, 4500, "import"), (2, 5000, "cli:anna")]
    assert revisions[1]["parent_id"] == revisions[0]["id"]


def test_a_stored_submission_of_another_municipality_or_being_edited_refuses_the_file(target, tmp_path):
    import_submissions(target, write(tmp_path / "t.csv", HEAD, GOOD))
    moved = write(tmp_path / "t2.csv", HEAD, GOOD.replace(";2480;", ";0114;"))
    with pytest.raises(FileRefused) as refused:
        import_submissions(target, moved, update=True)
    assert str(refused.value).splitlines()[1:] == [
        f"t2.csv:2: Inlämning: {ID} finns redan som inlämning av testenkat version 2 för kommun 2480"]
    store.reopen_submission(target, ID)
    with pytest.raises(FileRefused) as editing:
        import_submissions(target, write(tmp_path / "t3.csv", HEAD, GOOD.replace(";12;", ";13;")), update=True)
    assert str(editing.value).splitlines()[1:] == [
        f"t3.csv:2: Inlämning: {ID} redigeras just nu: slutför eller släng den ändringen först"]


def test_a_long_list_of_problems_is_cut_and_counted(target, tmp_path):
    rows = [f"{i:04d}-bad;2;;9999;;Nej;;;" for i in range(120)]
    with pytest.raises(FileRefused) as refused:
        import_submissions(target, write(tmp_path / "t.csv", HEAD.replace("Inlämning;", "Intervjuare;"), *rows))
    lines = str(refused.value).splitlines()
    assert (refused.value.total, len(lines), lines[0], lines[1], lines[-1]) == (
        120, 102, "t.csv: inget importerades: 120 problem", "t.csv:2: Kommunkod: okänd kommunkod 9999",
        "… och 20 till")


def test_the_command_prints_every_problem_and_fails(target, tmp_path):
    path = write(tmp_path / "t.csv", HEAD, GOOD.replace(";2480;", ";9999;"))
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "target" / "fieldkit.db"), "submissions", "import",
                                       str(path), "--dry-run"])
    assert result.exit_code == 1
    assert result.output == "Error: t.csv: inget importerades: 1 problem\nt.csv:2: Kommunkod: okänd kommunkod 9999\n"
    ok = CliRunner().invoke(main, ["--db", str(tmp_path / "target" / "fieldkit.db"), "submissions", "import",
                                   str(write(tmp_path / "u.csv", HEAD, GOOD)), "--dry-run", "--lang", "en"])
    assert ok.output == ("u.csv: 1 row of testenkat: would add 1, would update 0, unchanged 0\n"
                         "no column in the file (left unanswered): bas.storlek, bas.andel, betyg.af, betyg.hinder, "
                         "betyg.kanaler, fritt.kommentar\n"
                         "dry run: nothing was written\n")


def test_values_without_a_header_and_a_long_csv_are_refused(target, tmp_path):
    path = write(tmp_path / "t.csv", HEAD, GOOD + ";extra")
    with pytest.raises(FileRefused) as refused:
        import_submissions(target, path)
    assert str(refused.value).splitlines()[1:] == ["t.csv:1: J: en kolumn med värden saknar rubrik"]


def test_the_long_csv_is_named_as_such(source, target, tmp_path):
    report = build_report(source, ExportFilter("testenkat"), "en")
    write_csv(report, tmp_path / "long.csv", long=True)
    with pytest.raises(SubmissionImportError) as refused:
        import_submissions(target, tmp_path / "long.csv")
    assert str(refused.value) == ("long.csv: detta är den långa CSV-filen (en rad per svar); importera den breda "
                                  "CSV-filen eller arbetsboken i stället")


def test_an_answer_the_rows_version_lacks_a_wrong_county_and_a_code_without_its_zero(target, tmp_path):
    path = write(tmp_path / "t.csv", "Version;Länskod;Kommunkod;bas.samarbete;bas.andel",
                 "1;01;114;Nej;", "1;01;0114;Nej;12,5", "2;25;0114;Nej;12,5")
    with pytest.raises(FileRefused) as refused:
        import_submissions(target, path)
    assert str(refused.value).splitlines()[1:] == [
        "t.csv:3: bas.andel: ingen fråga i version 1",
        "t.csv:4: Länskod: län 25 stämmer inte med kommun 0114 (i län 01)",
    ]
    result = import_submissions(target, write(tmp_path / "u.csv", "Version;Länskod;Kommunkod;bas.samarbete;bas.andel",
                                              "1;1;114;Nej;", "2;01;0114;Nej;12,5"))
    stored = [store.get_submission(target, sid) for sid in result.added]
    assert [(s.municipality_code, s.questionnaire_version, s.answers) for s in stored] == [
        ("0114", "1", {"bas.samarbete": "nej"}), ("0114", "2", {"bas.samarbete": "nej", "bas.andel": 12.5})]


def test_a_multiple_choice_question_is_read_from_its_flags_or_its_labels(target, tmp_path):
    head = "Kommunkod;bas.samarbete;betyg.kanaler;betyg.kanaler/telefon;betyg.kanaler/mote;betyg.kanaler/annat_text"
    path = write(tmp_path / "t.csv", head, "2480;Nej;\"Telefon; Möte\";1;1;Ej tillämplig", "0114;Nej;Telefon;1;ja;",
                 "0180;Nej;Telefon;0;1;")
    with pytest.raises(FileRefused) as refused:
        import_submissions(target, path)
    assert str(refused.value).splitlines()[1:] == [
        "t.csv:3: betyg.kanaler/mote: skriv 1 (valt) eller 0 (inte valt), inte ja",
        "t.csv:4: betyg.kanaler: alternativen här stämmer inte med alternativens 0/1-kolumner",
    ]
    labels_only = write(tmp_path / "u.csv", "Kommunkod;bas.samarbete;betyg.kanaler;betyg.kanaler/annat_text",
                        "2480;Nej;\"Telefon; Annat, nämligen\";'=1+1", "0114;Nej;Fax;")
    with pytest.raises(FileRefused) as unknown:
        import_submissions(target, labels_only)
    assert str(unknown.value).splitlines()[1:] == [
        "u.csv:3: betyg.kanaler: Fax är inget svarsalternativ (Telefon, Möte, E-post, Annat, nämligen, Vet ej)"]
    result = import_submissions(target, write(tmp_path / "v.csv", *labels_only.read_text().splitlines()[:2]))
    assert store.get_submission(target, result.added[0]).answers == {
        "bas.samarbete": "nej", "betyg.kanaler": ["telefon", "annat"], "betyg.kanaler/annat": "=1+1"}


def test_a_required_question_the_file_has_no_column_for_is_named_once(make_field_store, tmp_path):
    from sync import demo

    source = make_field_store(tmp_path / "s" / "fieldkit.db")
    demo.make_demo(source, 12, 1, ["nad-aktivitet"])
    report = build_report(source, ExportFilter("nad-aktivitet"), "sv", include_personal=False)
    write_csv(report, tmp_path / "nad.csv")
    target = make_field_store(tmp_path / "t" / "fieldkit.db")
    with pytest.raises(FileRefused) as refused:
        import_submissions(target, tmp_path / "nad.csv")
    assert str(refused.value).splitlines() == [
        "nad.csv: inget importerades: 1 problem",
        f"nad.csv:1: forening.kontaktperson_namn: filen har ingen kolumn för frågan, som måste besvaras "
        f"({report.n} rader); exporter utelämnar personuppgiftsfrågor om man inte ber om dem"]
    report = build_report(source, ExportFilter("nad-aktivitet"), "sv", include_personal=True)
    write_csv(report, tmp_path / "nad.csv")
    result = import_submissions(target, tmp_path / "nad.csv")
    assert (len(result.added), result.absent) == (report.n, [])
    assert result.ignored == ["aktivitet.slut_efter_start", "omfattning.minst_5_tillfallen",
                              "omfattning.ledare_per_10_deltagare", "ersattning.inom_schablon",
                              "ersattning.berattigat_belopp"]


def test_an_export_without_personal_columns_keeps_the_stored_personal_answers(make_field_store, tmp_path):
    from sync import demo

    db = make_field_store(tmp_path / "s" / "fieldkit.db")
    demo.make_demo(db, 12, 1, ["smak-kontaktlogg"])
    report = build_report(db, ExportFilter("smak-kontaktlogg"), "sv", include_personal=False)
    write_csv(report, tmp_path / "k.csv", sep=";")
    named = {r[0]: json.loads(r[1])["kontakt.kontaktperson_namn"] for r in db.execute(
        "select uuid, answers from submissions where status = 'complete' and answers like '%kontaktperson_namn%'")}
    assert named  # the demo names contact persons, which the export above leaves out

    again = import_submissions(db, tmp_path / "k.csv")
    assert (again.added, again.updated, len(again.unchanged)) == ([], [], report.n)

    sid = next(iter(named))
    lines = (tmp_path / "k.csv").read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(";")
    row = next(i for i, line in enumerate(lines) if line.startswith(sid))
    cells = lines[row].split(";")
    cells[header.index("arende.uttagning")] = "Rättad uttagning"
    lines[row] = ";".join(cells)
    (tmp_path / "k2.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_submissions(db, tmp_path / "k2.csv", update=True)
    assert result.updated == [sid]
    answers = store.get_submission(db, sid).answers
    assert (answers["arende.uttagning"], answers["kontakt.kontaktperson_namn"]) == ("Rättad uttagning", named[sid])


def test_the_command_says_what_it_would_do_in_its_lang_and_warns_of_a_file_without_ids(target, tmp_path):
    path = write(tmp_path / "utan-id.csv", HEAD.split(";", 1)[1], GOOD.split(";", 1)[1])
    base = ["--db", str(tmp_path / "target" / "fieldkit.db"), "submissions", "import", str(path), "--dry-run"]
    swedish = CliRunner().invoke(main, base)
    assert swedish.output == (
        "utan-id.csv: 1 rad av testenkat: skulle lägga till 1, skulle uppdatera 0, oförändrade 0\n"
        "varning: filen har ingen kolumn med inlämnings-id, så varje rad fick ett id skapat från sitt innehåll; om "
        "raderna exporterades från den här databasen är de nu kopior av dess inlämningar (behåll id-kolumnen för "
        "att importera ändringar tillbaka)\n"
        "ingen kolumn i filen (lämnas obesvarade): bas.storlek, bas.andel, betyg.af, betyg.hinder, betyg.kanaler, "
        "fritt.kommentar\n"
        "provkörning: inget skrevs\n")
    english = CliRunner().invoke(main, base + ["--lang", "en"])
    assert english.output.splitlines()[1] == (
        "warning: the file has no submission id column, so each row got an id made from its content; if these rows "
        "were exported from this store, they are now copies of its submissions (keep the id column to import changes "
        "back)")
