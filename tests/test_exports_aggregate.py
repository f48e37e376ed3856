"""Aggregation on a handful of submissions whose every figure is worked out by hand in the test."""

from __future__ import annotations

import datetime
import shutil

import pytest

from exports import ExportFilter, FilterError, build_report
from exports.aggregate import ChoiceTable, MatrixTable, ValueTable
from sync import store

from exports_helpers import add_answers, questionnaires


@pytest.fixture(scope="module")
def db(exports_template, tmp_path_factory):
    """Four completed submissions (three of version 1, one of version 2), a draft and an excluded one.

    Umeå and Skellefteå are in Västerbotten (24), Stockholm in Stockholms län (01).
    """
    path = tmp_path_factory.mktemp("aggregate") / "fieldkit.db"
    shutil.copyfile(exports_template, path)
    database = store.open_db(path)
    v1, v2 = questionnaires()
    add_answers(database, v1, "2480", {
        "bas.samarbete": "ja", "bas.antal": 10, "bas.kostnad": 1000, "bas.storlek": "liten", "betyg.af": "bra",
        "betyg.hinder": {"bostader": "stort", "arbete": "vet_ej"}, "betyg.kanaler": ["telefon", "mote"],
        "fritt.kommentar": "Bra samarbete", "fritt.datum": "2012-05-01"}, created="2013-03-01T10:00:00.000+00:00")
    add_answers(database, v1, "2482", {
        "bas.samarbete": "nej", "bas.kostnad": 3000, "bas.storlek": "ej_aktuellt", "betyg.af": "vet_ej",
        "betyg.hinder": {"bostader": "litet"}, "betyg.kanaler": ["vet_ej"]},
        created="2013-03-31T22:30:00.000+00:00")  # 1 April, 00:30 in Sweden
    add_answers(database, v1, "0180", {
        "bas.samarbete": "vet_ej", "betyg.af": "daligt", "betyg.kanaler": ["annat"], "betyg.kanaler/annat": "Brev"},
        created="2013-04-15T09:00:00.000+00:00")
    add_answers(database, v2, "0180", {
        "bas.samarbete": "ja", "bas.antal": "vet_ej", "bas.storlek": "mellan", "bas.andel": 12.5, "betyg.af": "ok",
        "betyg.hinder": {"skola": "stort"}}, created="2013-10-01T09:00:00.000+00:00")
    add_answers(database, v2, "2401", {"bas.samarbete": "ja"}, status="draft",
                created="2013-10-02T09:00:00.000+00:00")
    excluded = add_answers(database, v2, "2403", {"bas.samarbete": "ja"}, created="2013-10-03T09:00:00.000+00:00")
    database.execute("update submissions set excluded = 1 where uuid = ?", [excluded])
    yield database
    database.conn.close()


def tables(report) -> dict:
    found = {}
    for section in report.sections:
        for table in section.tables:
            found[table.key] = table
            if isinstance(table, MatrixTable):
                found.update({row.key: row for row in table.rows})
    return found


def rows(table, *names) -> dict:
    """Per group name the named figures, for compact assertions."""
    out = {}
    for g, group in enumerate(table.groups):
        figures = {}
        for name in names:
            value = getattr(table, name) if hasattr(table, name) else table.stats[name]
            value = value() if callable(value) else value
            figures[name] = value[g].tolist() if hasattr(value[g], "tolist") else value[g]
        out[group.name] = figures
    return out


@pytest.fixture(scope="module")
def report(db):
    return build_report(db, ExportFilter("testenkat"), "sv")


def test_counties_are_groups_in_code_order_with_the_total_last(report):
    assert [g.name for g in report.groups] == ["Stockholms län", "Västerbottens län", "Totalt"]
    assert report.n == 4 and report.version_counts == {"1": 3, "2": 1}


def test_shares_are_of_substantive_answers_and_dont_know_is_apart(report):
    table = tables(report)["bas.samarbete"]
    assert [o.code for o in table.options] == ["ja", "nej"] and [s.code for s in table.specials] == ["vet_ej"]
    assert rows(table, "counts", "base", "special_counts", "shares", "special_shares") == {
        "Stockholms län": {"counts": [1, 0], "base": 1, "special_counts": [1], "shares": [1.0, 0.0],
                           "special_shares": [0.5]},
        "Västerbottens län": {"counts": [1, 1], "base": 2, "special_counts": [0], "shares": [0.5, 0.5],
                              "special_shares": [0.0]},
        "Totalt": {"counts": [2, 1], "base": 3, "special_counts": [1], "shares": [2 / 3, 1 / 3],
                   "special_shares": [0.25]},
    }


def test_a_question_skipped_by_its_condition_is_not_applicable_not_missing(report):
    table = tables(report)["bas.antal"]
    assert isinstance(table, ValueTable)
    assert rows(table, "n", "skipped", "missing", "special_counts") == {
        "Stockholms län": {"n": 0, "skipped": 1, "missing": 0, "special_counts": [1]},
        "Västerbottens län": {"n": 1, "skipped": 1, "missing": 0, "special_counts": [0]},
        "Totalt": {"n": 1, "skipped": 2, "missing": 0, "special_counts": [1]},
    }


def test_questions_and_matrix_rows_missing_from_a_version_are_not_applicable(report):
    found = tables(report)
    assert rows(found["bas.andel"], "n", "skipped", "missing")["Totalt"] == {"n": 1, "skipped": 3, "missing": 0}
    skola = found["betyg.hinder/skola"]
    assert rows(skola, "counts", "skipped", "missing")["Totalt"] == {"counts": [0, 1], "skipped": 3, "missing": 0}
    bostader = found["betyg.hinder/bostader"]
    assert rows(bostader, "counts", "skipped", "missing")["Totalt"] == {"counts": [1, 1], "skipped": 0, "missing": 2}


def test_not_applicable_answers_and_choices_added_in_a_later_version(report):
    table = tables(report)["bas.storlek"]
    assert [o.code for o in table.options] == ["liten", "stor", "mellan"]
    assert rows(table, "counts", "special_counts", "special_shares", "missing")["Totalt"] == {
        "counts": [1, 0, 1], "special_counts": [1], "special_shares": [1 / 3], "missing": 1}


def test_scales_and_matrices_have_the_mean_score_of_substantive_answers(report):
    found = tables(report)
    assert rows(found["betyg.af"], "means")["Västerbottens län"] == {"means": 3.0}
    assert rows(found["betyg.af"], "means")["Stockholms län"] == {"means": 1.5}
    assert rows(found["betyg.af"], "means")["Totalt"] == {"means": 2.0}
    arbete = found["betyg.hinder/arbete"]
    assert rows(arbete, "base", "special_shares")["Totalt"] == {"base": 0, "special_shares": [1.0]}
    assert arbete.shares()[-1].tolist() == [pytest.approx(float("nan"), nan_ok=True)] * 2
    summary = found["betyg.hinder"].summary("sv")
    assert [g.name for g in summary.groups] == ["Brist på bostäder", "Få jobb", "Skolplatser"]
    assert summary.means.tolist()[0] == 1.5


def test_multi_shares_are_of_respondents_choosing_a_substantive_option(report):
    table = tables(report)["betyg.kanaler"]
    assert isinstance(table, ChoiceTable) and table.kind == "multi"
    assert [o.code for o in table.options] == ["telefon", "mote", "epost", "annat"]
    assert rows(table, "counts", "base", "shares", "special_counts", "special_shares", "missing")["Totalt"] == {
        "counts": [1, 1, 0, 1], "base": 2, "shares": [0.5, 0.5, 0.0, 0.5], "special_counts": [1],
        "special_shares": [1 / 3], "missing": 1}


def test_money_gets_n_mean_median_min_max_and_sum(report):
    table = tables(report)["bas.kostnad"]
    assert rows(table, "n", "mean", "median", "min", "max", "sum", "missing")["Västerbottens län"] == {
        "n": 2, "mean": 2000.0, "median": 2000.0, "min": 1000.0, "max": 3000.0, "sum": 4000.0, "missing": 0}
    stockholm = rows(table, "n", "sum", "missing")["Stockholms län"]
    assert stockholm == {"n": 0, "sum": 0.0, "missing": 2}


def test_dates_and_texts_are_counted(report):
    found = tables(report)
    assert rows(found["fritt.datum"], "n", "first_date", "last_date")["Totalt"] == {
        "n": 1, "first_date": "2012-05-01", "last_date": "2012-05-01"}
    assert rows(found["fritt.kommentar"], "n", "missing")["Totalt"] == {"n": 1, "missing": 3}


def test_response_rate_counts_municipalities_with_a_completed_submission(report):
    rate = report.response
    assert [g.name for g in rate.groups][-1] == "Totalt" and len(rate.groups) == 22
    by_name = {g.name: (int(rate.in_scope[i]), int(rate.answered[i])) for i, g in enumerate(rate.groups)}
    assert by_name["Västerbottens län"] == (15, 2)
    assert by_name["Stockholms län"] == (26, 1)
    assert by_name["Totalt"] == (290, 3)


def test_drafts_count_with_status_all_but_never_in_the_response_rate(db):
    report = build_report(db, ExportFilter("testenkat", counties=("24",), status="all"), "sv")
    assert report.n == 3
    assert report.response.answered.tolist() == [2, 2] and report.response.in_scope.tolist() == [15, 15]


def test_the_scope_of_a_municipality_filter_is_those_municipalities(db):
    report = build_report(db, ExportFilter("testenkat", municipalities=("2480", "2401", "0114")), "sv")
    assert report.n == 1
    assert [g.name for g in report.response.groups] == ["Stockholms län", "Västerbottens län", "Totalt"]
    assert report.response.in_scope.tolist() == [1, 2, 3] and report.response.answered.tolist() == [0, 1, 1]


def test_dates_are_whole_days_in_swedish_time(db):
    march = build_report(db, ExportFilter("testenkat", date_to=datetime.date(2013, 3, 31)), "sv")
    assert march.n == 1
    april_on = build_report(db, ExportFilter("testenkat", date_from=datetime.date(2013, 4, 1)), "sv")
    assert april_on.n == 3


def test_a_filter_matching_nothing_gives_empty_tables_not_an_error(db):
    report = build_report(db, ExportFilter("testenkat", date_from=datetime.date(2030, 1, 1)), "sv")
    assert report.n == 0 and [g.name for g in report.groups] == ["Totalt"]
    table = tables(report)["bas.samarbete"]
    assert table.counts.tolist() == [[0, 0]] and table.base.tolist() == [0]
    assert tables(report)["bas.kostnad"].stats["n"].tolist() == [0]


def test_unknown_codes_raise_errors_listing_the_valid_choices(db):
    with pytest.raises(FilterError) as error:
        build_report(db, ExportFilter("okänd"))
    assert str(error.value).startswith("unknown questionnaire 'okänd'; valid choices: kub-intervju, kub-webbenkat")
    assert "testenkat" in str(error.value)
    with pytest.raises(FilterError) as error:
        build_report(db, ExportFilter("testenkat", counties=("99",)))
    assert str(error.value).startswith("unknown county code '99'; valid choices: 01 (Stockholms län), "
                                       "03 (Uppsala län)")
    with pytest.raises(FilterError) as error:
        build_report(db, ExportFilter("testenkat", counties=("25",), municipalities=("9999",)))
    assert str(error.value) == (
        "unknown municipality code '9999'; valid choices in 25: 2505 (Arvidsjaur), 2506 (Arjeplog), "
        "2510 (Jokkmokk), 2513 (Överkalix), 2514 (Kalix), 2518 (Övertorneå), 2521 (Pajala), 2523 (Gällivare), "
        "2560 (Älvsbyn), 2580 (Luleå), 2581 (Piteå), 2582 (Boden), 2583 (Haparanda), 2584 (Kiruna)")
    with pytest.raises(FilterError, match="^unknown status 'alla'; valid choices: complete, all$"):
        build_report(db, ExportFilter("testenkat", status="alla"))
    with pytest.raises(FilterError, match="^the start date 2013-05-01 is after the end date 2013-04-01$"):
        build_report(db, ExportFilter("testenkat", date_from=datetime.date(2013, 5, 1),
                                      date_to=datetime.date(2013, 4, 1)))


def test_codes_without_leading_zeros_are_accepted(db):
    report = build_report(db, ExportFilter("testenkat", counties=("1",), municipalities=("180",)), "sv")
    assert report.filter.counties == ("01",) and report.filter.municipalities == ("0180",) and report.n == 2


def test_personal_questions_can_be_left_out(db):
    report = build_report(db, ExportFilter("smak-kontaktlogg"), "sv", include_personal=False)
    ids = {col.question.id for col in report.schema.columns}
    assert "kontakt.kontaktperson_namn" not in ids and ids
    assert "kontakt.kontaktperson_namn" in {
        col.question.id for col in build_report(db, ExportFilter("smak-kontaktlogg"), "sv").schema.columns}


def test_the_seeds_response_rate_for_vasterbotten_13_of_15_is_87_percent(tmp_path, make_exports_store):
    """Seed 003: "Västerbottens län – 87 %, 13 kommuner svarade"."""
    from forms import registry

    from exports.svg import percent

    database = make_exports_store(tmp_path / "fieldkit.db")
    v1, _v2 = questionnaires()
    answered = [m.code for m in registry.in_county("24")][:13]
    for code in answered:
        add_answers(database, v1, code, {"bas.samarbete": "ja"})
    add_answers(database, v1, registry.in_county("24")[14].code, {"bas.samarbete": "ja"}, status="draft")
    report = build_report(database, ExportFilter("testenkat", counties=("24",)), "sv")
    assert report.response.in_scope.tolist() == [15, 15] and report.response.answered.tolist() == [13, 13]
    assert percent(report.response.rates[-1], "sv") == "87\u00a0%"
    database.conn.close()
