"""The measures the seeds promise, in the shipped library's new versions, with hand-worked figures."""

from __future__ import annotations

import pytest

from forms import clean_answers, load
from forms.derived import evaluate
from forms.library import library_dir


@pytest.fixture(scope="module")
def nad():
    return load(library_dir() / "nad-aktivitet.yaml")


@pytest.fixture(scope="module")
def kontaktlogg():
    return load(library_dir() / "smak-kontaktlogg.yaml")


@pytest.fixture(scope="module")
def kostnader():
    return load(library_dir() / "smak-kostnader.yaml")


NAD_BASE = {
    "forening.namn": "Fotbollsklubben", "forening.knutpunkt": "syd", "forening.kontaktperson_namn": "Eva Ek",
    "aktivitet.namn": "Språkfotboll", "aktivitet.fokus": ["sprak"], "aktivitet.kvalitet_bedomd": "ja",
    "ersattning.medlemsavgifter": "nej",
}
NAD_RULES = ("omfattning.minst_5_tillfallen", "omfattning.ledare_per_10_deltagare", "ersattning.inom_schablon")


# (sessions, participants, leaders, claimed) -> (the three rule flags, eligible amount), worked out by hand:
# eligible = min(claimed, 1 500 x participants); leaders: participants <= 10 x leaders.
NAD_REPORTS = [
    # 6 >= 5; 12 <= 20; 18 000 <= 18 000; min(18 000, 18 000)
    ((6, 12, 2, 18_000), ((True, True, True), 18_000)),
    # 4 < 5; 25 > 20; 40 000 > 37 500; min(40 000, 37 500)
    ((4, 25, 2, 40_000), ((False, False, False), 37_500)),
    # 5 >= 5 (the limit itself holds); 10 <= 10; 9 000 <= 15 000; min(9 000, 15 000)
    ((5, 10, 1, 9_000), ((True, True, True), 9_000)),
    # 30 > 10 x 0 leaders; 0 <= 45 000; claims nothing: eligible 0, a real zero (an answer of 0)
    ((8, 30, 0, 0), ((True, False, True), 0)),
    # 100 participants, 10 leaders: 100 <= 100; 150 000 <= 150 000 (the limit itself holds)
    ((12, 100, 10, 150_000), ((True, True, True), 150_000)),
]


@pytest.mark.parametrize("report, expected", NAD_REPORTS)
def test_nad_rule_flags_and_eligible_amount(nad, report, expected):
    sessions, participants, leaders, claimed = report
    flags, eligible = expected
    answers = {**NAD_BASE, "omfattning.tillfallen": sessions, "omfattning.deltagare": participants,
               "omfattning.ledare": leaders, "ersattning.begard": claimed}
    cleaned = clean_answers(nad, answers)
    assert cleaned.ok, cleaned.errors
    assert tuple(cleaned.derived[rule] for rule in NAD_RULES) == flags
    assert cleaned.derived["ersattning.berattigat_belopp"] == eligible
    # every broken rule is a warning, none blocks completion
    assert cleaned.warnings == [rule for rule, holds in zip(NAD_RULES, flags) if not holds]


def test_nad_eligible_amount_is_missing_without_the_participants(nad):
    values = evaluate(nad, {"ersattning.begard": 12_000, "omfattning.tillfallen": 6})
    assert values == {"omfattning.minst_5_tillfallen": True}


def test_nad_warnings_are_in_swedish_and_english(nad):
    rule = nad.question("omfattning.ledare_per_10_deltagare")
    assert rule.message_text("sv") == "Ersättning kräver minst en ledare per 10 deltagare."
    assert rule.message_text("en") == "Compensation requires at least one leader per 10 participants."


def test_nad_last_session_before_the_first_blocks_completion(nad):
    answers = {**NAD_BASE, "omfattning.tillfallen": 6, "omfattning.deltagare": 12, "omfattning.ledare": 2,
               "ersattning.begard": 18_000, "aktivitet.startdatum": "2015-03-10", "aktivitet.slutdatum": "2015-03-01"}
    cleaned = clean_answers(nad, answers)
    assert cleaned.errors == {"aktivitet.slut_efter_start": "Sista tillfället kan inte vara före det första. "
                                                            "Rätta något av datumen."}


def test_contact_log_days_from_request_to_answer(kontaktlogg):
    answers = {"kontakt.datum": "2014-09-01", "kontakt.kanal": "telefon", "arende.amne": ["anvisningsforfragan"],
               "arende.forfragan_datum": "2014-09-01", "svar.svar": "ja", "svar.svarsdatum": "2014-10-15"}
    cleaned = clean_answers(kontaktlogg, answers)
    assert cleaned.ok, cleaned.errors
    # September has 30 days: 29 left after the 1st, then 15 days of October = 44
    assert cleaned.derived["svar.dagar_till_svar"] == 44
    assert cleaned.derived["svar.svar_efter_forfragan"] is True


def test_contact_log_answer_before_the_request_is_an_error(kontaktlogg):
    answers = {"kontakt.datum": "2014-09-01", "kontakt.kanal": "telefon", "arende.amne": ["anvisningsforfragan"],
               "arende.forfragan_datum": "2014-09-10", "svar.svar": "nej", "svar.svarsdatum": "2014-09-08"}
    cleaned = clean_answers(kontaktlogg, answers, lang="en")
    assert cleaned.errors == {"svar.svar_efter_forfragan": "The municipality's answer cannot be dated before the "
                                                           "request. Correct one of the dates."}
    assert cleaned.derived["svar.dagar_till_svar"] == -2


def test_contact_log_without_an_answer_date_has_no_days(kontaktlogg):
    answers = {"kontakt.datum": "2014-09-01", "kontakt.kanal": "telefon", "arende.amne": ["anvisningsforfragan"],
               "arende.forfragan_datum": "2014-09-01", "svar.svar": "aterkommer",
               "svar.aterkommer_senast": "2014-09-20"}
    cleaned = clean_answers(kontaktlogg, answers)
    assert cleaned.ok
    assert "svar.dagar_till_svar" not in cleaned.derived  # skipped date: no days, and never 0
    assert cleaned.derived["svar.aterkommer_efter_forfragan"] is True


def test_costs_fund_is_32_medel_with_its_old_code_and_the_year_is_a_year(kostnader):
    fund = kostnader.question("ersattning.typer").choice("medel_37")
    assert fund.label == {"sv": "32-medel", "en": "32-medel funds"}
    texts = [text for q in kostnader.questions() for text in q.label.values()]
    texts += [text for q in kostnader.questions() for c in q.choices for text in c.label.values()]
    assert not any("37" in text for text in texts)
    assert kostnader.question("period.ar").type == "year"


def test_the_new_versions_keep_every_answer_id_of_version_1():
    """Version 1 as shipped before, by its answer ids: each is still in the new version, with the same type."""
    kept = {
        "smak-kontaktlogg": {"kontakt.datum": "date", "arende.forfragan_datum": "date", "svar.svar": "single",
                             "svar.svarsdatum": "date", "svar.aterkommer_senast": "date", "uppfoljning.datum": "date"},
        "nad-aktivitet": {"omfattning.tillfallen": "integer", "omfattning.deltagare": "integer",
                          "omfattning.ledare": "integer", "ersattning.begard": "money"},
        "smak-kostnader": {"period.ar": "year", "ersattning.typer": "multi", "ersattning.medel_37": "money"},
    }
    for qid, questions in kept.items():
        definition = load(library_dir() / f"{qid}.yaml")
        assert definition.version != "1"
        assert {key: definition.question(key).type for key in questions} == questions
