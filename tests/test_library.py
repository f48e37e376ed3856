"""The shipped form library: valid, complete against the seeds, personal data marked.

Also checks that the complete example in docs/forms.md is a valid definition.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from forms import clean_answers, load_file, load_text
from forms.library import SHIPPED, library_files
from forms.model import Questionnaire

ROOT = Path(__file__).resolve().parent.parent
SEED_003 = ROOT.parent / "shared" / "seeds" / "003_8e28f4ebc27c7f21.txt"
#: The shipped version of each questionnaire: a new version for every change (docs/forms.md, versioning).
VERSIONS = {"kub-webbenkat": "3", "kub-intervju": "3", "smak-lanskartlaggning": "2", "smak-kostnader": "2",
            "smak-kontaktlogg": "3", "nad-aktivitet": "4", "smak-kvartal": "1", "nad-deltagarenkat": "2",
            "smak-uppfoljning": "1", "sthlm-uppfoljning": "1"}


@pytest.fixture(scope="module")
def library() -> dict[str, Questionnaire]:
    loaded = {}
    for path in library_files():
        result = load_file(path)
        assert result.ok, "\n".join(str(p) for p in result.problems)
        loaded[result.questionnaire.id] = result.questionnaire
    return loaded


@pytest.fixture(scope="module")
def kub(library) -> Questionnaire:
    return library["kub-webbenkat"]


# --- (a) every file is valid, and the library is exactly the shipped set ---------


def test_every_library_file_validates_without_problems():
    files = library_files()
    assert files, "forms/library holds no definition files"
    for path in files:
        result = load_file(path)
        assert result.problems == [], "\n".join(str(p) for p in result.problems)
        assert result.ok


def test_library_ids_equal_shipped(library):
    assert set(library) == set(SHIPPED)
    assert len(library_files()) == len(SHIPPED)


def test_file_names_versions_and_languages(library):
    for path in library_files():
        q = load_file(path).questionnaire
        assert path.name == f"{q.id}.yaml"
        assert q.version == VERSIONS[q.id]
        assert q.languages == ["sv", "en"]


def _texts(q: Questionnaire):
    yield "title", q.title
    if q.description:
        yield "description", q.description
    for section in q.sections:
        yield section.id, section.title
        if section.description:
            yield f"{section.id} description", section.description
        for question in section.questions:
            yield question.id, question.label
            if question.help:
                yield f"{question.id} help", question.help
            for choice in question.choices:
                yield f"{question.id} choice {choice.code}", choice.label
            for item in question.items:
                yield f"{question.id} item {item.code}", item.label


def test_every_text_is_in_swedish_and_english(library):
    for q in library.values():
        for where, labels in _texts(q):
            assert set(labels) == {"sv", "en"}, f"{q.id}: {where} has languages {sorted(labels)}"
            assert all(text.strip() for text in labels.values()), f"{q.id}: {where} has an empty text"


def test_scales_have_ordered_numeric_scores(library):
    for q in library.values():
        for question in q.questions():
            if question.type == "scale":
                scores = [c.score for c in question.choices]
                assert all(isinstance(s, (int, float)) for s in scores), question.id
                assert len(set(scores)) == len(scores), f"{q.id}: {question.id} repeats a score"


# --- (b) the KUB web survey covers seed 003, slides 14-47 ---------------------------

# Slides 19-31, one item per barrier; slide 22 and 24 are split in two.
HINDER_ITEMS = [
    "hyresvardar_samarbete",
    "statlig_ersattning",
    "privata_hyresvardar_etableringsersattning",
    "kommunala_hyresvardar_etableringsersattning",
    "matcha_bostader",
    "konkurrens_ensamkommande",
    "konkurrens_anhoriga",
    "af_information",
    "kommunikationer",
    "af_tillganglighet",
    "kapacitet_personal",
    "arbete",
    "strategi_saknas",
]
# Slides 32-37.
UNDERLATTA_ITEMS = [
    "tomhyror",
    "sjalvforsorjande",
    "kortare_tid_inflyttning",
    "differentierad_schablon",
    "tydligare_ansvarsfordelning",
]
# Slides 16-18.
FLAT_SIZES = {"rum_1": "1 rum och kök", "rum_2_3": "2-3 rum och kök", "rum_4_fler": "4 eller fler rum och kök"}
# Slides 38-43: a rating and an optional comment each.
SAMARBETE = ["af_bosattning", "migrationsverket", "lansstyrelsen"]

# Swedish wording copied from seed 003; the label must contain it exactly.
SEED_WORDING = {
    "hinder[hyresvardar_samarbete]": "Vi har för lite samarbete med hyresvärdar för tillgång till bostäder till nyanlända",
    "hinder[statlig_ersattning]": "Den statliga ersättningen till kommunen är otillräcklig",
    "hinder[privata_hyresvardar_etableringsersattning]": "accepterar inte etableringsersättning som godkänd inkomst för hyreskontrakt",
    "hinder[kommunala_hyresvardar_etableringsersattning]": "accepterar inte etableringsersättning som godkänd inkomst för hyreskontrakt",
    "hinder[matcha_bostader]": "Det är svårt att matcha tillgängliga bostäder med flyktinghushållens storlek/behov",
    "hinder[konkurrens_ensamkommande]": "Ensamkommande flyktingungdomar",
    "hinder[konkurrens_anhoriga]": "Flyktinganhöriga",
    "hinder[af_information]": "Arbetsförmedlingens information om nyanlända i samband med förfrågan till kommunen om anvisning är otillräcklig",
    "hinder[kommunikationer]": "De allmänna kommunikationerna på orten/i regionen är otillräckliga",
    "hinder[af_tillganglighet]": "Tillgängligheten till handläggare/funktioner inom Arbetsförmedlingens etableringsuppdrag är för liten",
    "hinder[kapacitet_personal]": "Kapaciteten att ta emot nyanlända är osäker eftersom personalstyrkan som arbetar med flyktingmottagning har minskat",
    "hinder[arbete]": "Möjlighet till arbete i kommunen/regionen är liten",
    "hinder[strategi_saknas]": "Vi saknar en kommunövergripande strategi för planering och beredskap för mottagning av nyanlända flyktingar",
    "underlatta[tomhyror]": "Kommunen får statlig ersättning för uppkomna tomhyror i samband med anvisningsprocessen",
    "underlatta[sjalvforsorjande]": "Nyanlända blir självförsörjande genom etableringsersättningen och har inte behov av kompletterande försörjningsstöd",
    "underlatta[kortare_tid_inflyttning]": "Kortare tid mellan att kommunen har accepterat en anvisning och den nyanlända flyttar in till kommunen",
    "underlatta[differentierad_schablon]": "Differentierad statlig schablonersättning till kommunen beroende på den nyanländes utbildningsbakgrund",
    "underlatta[tydligare_ansvarsfordelning]": "Tydligare ansvarsfördelning mellan Arbetsförmedling och kommun",
    "tillgang": "Hur svårt/lätt är det för kommunen att få tillgång till bostäder för nyanlända flyktingar?",
    # Slides 38 and 40 lack the "att" of slide 42; version 3 adds it (see test_kub_cooperation_questions_have_att).
    "af_bosattning": "samarbetet är mellan Arbetsförmedlingens centrala bosättningsfunktion och kommunen?",
    "migrationsverket": "samarbetet är mellan Migrationsverkets bosättningsfunktion och kommunen?",
    "lansstyrelsen": "Hur bedömer ni att dialogen och samarbetet är mellan Länsstyrelsen och kommunen kring frågor om bosättning av nyanlända flyktingar?",
    "har_lok": "Har kommunen och Arbetsförmedlingen en lokal överenskommelse om samarbete och ansvarsfördelning kring nyanlända invandrare som omfattas av lagen om etableringsinsatser?",
    "bosattning_bostader": "Behandlar den lokala överenskommelsen frågor om bosättning eller bostäder för nyanlända flyktingar?",
}


def _kub_label(kub: Questionnaire, key: str) -> str:
    index = {q.id.split(".", 1)[1]: q for q in kub.questions()}
    match = re.fullmatch(r"(\w+)\[(\w+)\]", key)
    if match:
        question = index[match.group(1)]
        item = next(i for i in question.items if i.code == match.group(2))
        return item.label["sv"]
    return index[key].label["sv"]


def test_kub_sections_in_order(kub):
    assert [s.id for s in kub.sections] == [
        "samarbete_bostader", "tillgang_bostader", "hinder", "underlatta", "samarbete", "lok", "forslag",
    ]


def test_kub_housing_cooperation_questions(kub):
    for qid in ("samarbete_bostader.kommunalt_bostadsbolag", "samarbete_bostader.privat_hyresvard"):
        question = kub.question(qid)
        assert question is not None, qid
        assert question.type == "yesno" and question.dont_know
    # Slide 15: "... med Kommunalt bostadsbolag / Privat hyresvärd".
    assert "med kommunalt bostadsbolag" in kub.question("samarbete_bostader.kommunalt_bostadsbolag").label["sv"]
    assert "med privat hyresvärd" in kub.question("samarbete_bostader.privat_hyresvard").label["sv"]


def test_kub_flat_sizes_matrix(kub):
    question = kub.question("tillgang_bostader.tillgang")
    assert question.type == "matrix" and question.dont_know
    assert {i.code: i.label["sv"] for i in question.items} == FLAT_SIZES
    levels = [(c.code, c.label["sv"], c.score) for c in question.choices]
    assert [label for _, label, _ in levels] == ["Mycket svårt", "Ganska svårt", "Ganska lätt", "Mycket lätt"]
    assert [score for *_, score in levels] == sorted(score for *_, score in levels)  # easier scores higher


def test_kub_every_barrier(kub):
    question = kub.question("hinder.hinder")
    assert question.type == "matrix" and question.dont_know
    assert [i.code for i in question.items] == HINDER_ITEMS
    assert [c.label["sv"] for c in question.choices] == ["Instämmer helt", "Instämmer delvis", "Instämmer inte"]
    scores = {c.code: c.score for c in question.choices}
    assert scores["instammer_helt"] > scores["instammer_delvis"] > scores["instammer_inte"]
    items = {i.code: i.label["sv"] for i in question.items}
    assert items["privata_hyresvardar_etableringsersattning"].startswith("Privata hyresvärdar")
    assert items["kommunala_hyresvardar_etableringsersattning"].startswith("Kommunala hyresvärdar")
    # Slide 24's competition items are statements one can agree with (version 3).
    assert items["konkurrens_ensamkommande"] == "Ensamkommande flyktingungdomar konkurrerar om de tillgängliga lägenheterna"
    assert items["konkurrens_anhoriga"] == "Flyktinganhöriga konkurrerar om de tillgängliga lägenheterna"


def test_kub_cooperation_questions_have_att(kub):
    """Slide 42's "Hur bedömer ni att ... är mellan" for all three, and länsstyrelsen in lower case mid-sentence."""
    for qid in SAMARBETE:
        assert kub.question(f"samarbete.{qid}").label["sv"].startswith("Hur bedömer ni att "), qid
    for qid in ("samarbete.lansstyrelsen", "samarbete.lansstyrelsen_kommentar"):
        label = kub.question(qid).label["sv"]
        assert "länsstyrelsen" in label and "Länsstyrelsen" not in label, label


def test_kub_every_facilitator(kub):
    question = kub.question("underlatta.underlatta")
    assert question.type == "matrix" and question.dont_know
    assert [i.code for i in question.items] == UNDERLATTA_ITEMS
    assert all(c.score is not None for c in question.choices)


def test_kub_cooperation_ratings_with_comments(kub):
    for qid in SAMARBETE:
        rating = kub.question(f"samarbete.{qid}")
        assert rating.type == "scale" and rating.dont_know and not rating.required
        comment = kub.question(f"samarbete.{qid}_kommentar")
        assert comment.type == "longtext" and not comment.required


def test_kub_lok_and_proposals(kub):
    assert kub.question("lok.har_lok").type == "yesno"
    assert kub.question("lok.bosattning_bostader").relevant == "lok.har_lok == 'ja'"
    assert [q.type for q in kub.sections[-1].questions] == ["longtext"]


@pytest.mark.parametrize("key", sorted(SEED_WORDING))
def test_kub_swedish_labels_follow_seed_wording(kub, key):
    expected = SEED_WORDING[key]
    label = _kub_label(kub, key)
    assert expected.lower() in label.lower(), f"{key}: {label!r} lacks the seed's {expected!r}"


def test_seed_wording_is_taken_from_seed_003():
    """The expected texts above are verbatim in the seed (when the seed is at hand)."""
    if not SEED_003.exists():
        pytest.skip(f"seed document not available at {SEED_003}")
    seed = " ".join(SEED_003.read_text(encoding="utf-8").split())
    for key, text in SEED_WORDING.items():
        assert text in seed, f"{key}: {text!r} is not in seed 003"
    for label in FLAT_SIZES.values():
        assert label in seed


# --- (c) the LÖK follow-up depends on the first answer ------------------------------


def test_lok_follow_up_skipped_after_nej(kub):
    raw = {"lok.har_lok": "nej", "lok.bosattning_bostader": "ja"}
    cleaned = clean_answers(kub, raw)
    assert cleaned.ok, cleaned.errors
    assert cleaned.answers["lok.har_lok"] == "nej"
    assert "lok.bosattning_bostader" not in cleaned.answers
    assert "lok.bosattning_bostader" in cleaned.skipped


def test_lok_follow_up_asked_after_ja(kub):
    raw = {"lok.har_lok": "ja", "lok.bosattning_bostader": "nej"}
    cleaned = clean_answers(kub, raw)
    assert cleaned.ok, cleaned.errors
    assert cleaned.answers["lok.bosattning_bostader"] == "nej"
    assert "lok.bosattning_bostader" not in cleaned.skipped


@pytest.mark.parametrize("first", ["vet_ej", None])
def test_lok_follow_up_skipped_unless_ja(kub, first):
    raw = {"lok.bosattning_bostader": "ja"}
    if first:
        raw["lok.har_lok"] = first
    cleaned = clean_answers(kub, raw)
    assert "lok.bosattning_bostader" in cleaned.skipped
    assert "lok.bosattning_bostader" not in cleaned.answers


def test_kub_full_answer_set_is_clean(kub):
    raw = {
        "samarbete_bostader.kommunalt_bostadsbolag": "ja",
        "samarbete_bostader.privat_hyresvard": "vet_ej",
        "tillgang_bostader.tillgang": {"rum_1": "mycket_svart", "rum_2_3": "ganska_latt", "rum_4_fler": "vet_ej"},
        "hinder.hinder": {code: "instammer_delvis" for code in HINDER_ITEMS},
        "underlatta.underlatta": {code: "i_mycket_hog_grad" for code in UNDERLATTA_ITEMS},
        "samarbete.af_bosattning": "ganska_bra",
        "samarbete.af_bosattning_kommentar": "Lätta att nå och bra dialog.",
        "samarbete.migrationsverket": "mycket_bra",
        "samarbete.lansstyrelsen": "vet_ej",
        "lok.har_lok": "ja",
        "lok.bosattning_bostader": "ja",
        "forslag.effektivisering": "Få till överenskommelser med fastighetsbolag och hyresvärdar.",
    }
    cleaned = clean_answers(kub, raw)
    assert cleaned.ok, cleaned.errors
    assert cleaned.answers == raw


# --- relevance elsewhere in the library --------------------------------------------


def test_kontaktlogg_reason_only_after_nej(library):
    q = library["smak-kontaktlogg"]
    base = {"kontakt.datum": "2014-05-02", "kontakt.kanal": "telefon", "arende.amne": ["anvisningsforfragan"]}
    no = clean_answers(q, {**base, "svar.svar": "nej", "svar.orsak_nej": ["bostadsbrist"]})
    assert no.ok, no.errors
    assert no.answers["svar.orsak_nej"] == ["bostadsbrist"]
    yes = clean_answers(q, {**base, "svar.svar": "ja", "svar.orsak_nej": ["bostadsbrist"]})
    assert yes.ok, yes.errors
    assert "svar.orsak_nej" in yes.skipped and "svar.orsak_nej" not in yes.answers
    info = clean_answers(q, {**base, "arende.amne": ["kvotgrupp"], "svar.svar": "nej"})
    assert info.ok, info.errors  # not a request: the answer section is skipped, so not required
    assert "svar.svar" in info.skipped


def test_nad_deviation_only_when_not_according_to_plan(library):
    q = library["nad-aktivitet"]
    raw = {"aktivitet.avvikelse": "Färre tillfällen."}
    assert "aktivitet.avvikelse" in clean_answers(q, {**raw, "aktivitet.enligt_plan": "ja"}, partial=True).skipped
    cleaned = clean_answers(q, {**raw, "aktivitet.enligt_plan": "nej"}, partial=True)
    assert cleaned.answers["aktivitet.avvikelse"] == "Färre tillfällen."


# --- (d) personal data is marked ----------------------------------------------------

EXPECTED_PERSONAL = {
    "smak-kontaktlogg": {"kontakt.kontaktperson_namn", "kontakt.kontaktperson_telefon", "kontakt.kontaktperson_epost"},
    "kub-intervju": {"deltagare.namn", "deltagare.kontakt_namn", "deltagare.kontakt_epost", "deltagare.kontakt_telefon"},
}
PERSONAL_HINTS = re.compile(r"namn|telefon|epost|e-post|mobil|name|phone|e-mail", re.I)


@pytest.mark.parametrize("qid", sorted(EXPECTED_PERSONAL))
def test_personal_data_is_marked(library, qid):
    q = library[qid]
    personal = {question.id for question in q.questions() if question.personal}
    assert personal == EXPECTED_PERSONAL[qid]


@pytest.mark.parametrize("qid", sorted(EXPECTED_PERSONAL))
def test_questions_that_look_personal_are_marked(library, qid):
    for question in library[qid].questions():
        if question.type not in ("text", "longtext"):
            continue
        looks_personal = PERSONAL_HINTS.search(question.id.split(".", 1)[1]) or PERSONAL_HINTS.search(question.label["en"])
        if looks_personal:
            assert question.personal, f"{qid}: {question.id} looks like personal data but is not marked"


def test_contact_patterns(library):
    q = library["smak-kontaktlogg"]
    email = q.question("kontakt.kontaktperson_epost")
    phone = q.question("kontakt.kontaktperson_telefon")
    ok = clean_answers(q, {"kontakt.kontaktperson_epost": "anna.ek@gavle.se", "kontakt.kontaktperson_telefon": "026-17 80 00"}, partial=True)
    assert ok.ok, ok.errors
    bad = clean_answers(q, {"kontakt.kontaktperson_epost": "anna.ek", "kontakt.kontaktperson_telefon": "ring mig"}, partial=True)
    assert set(bad.errors) == {email.id, phone.id}


# --- (e) the complete example in docs/forms.md --------------------------------------


def test_docs_complete_example_loads():
    text = (ROOT / "docs" / "forms.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```", text, re.S | re.M)
    assert len(blocks) == 1, "docs/forms.md should have exactly one ```yaml block: the complete example"
    result = load_text(blocks[0], "docs/forms.md")
    assert result.problems == [], "\n".join(str(p) for p in result.problems)
    q = result.questionnaire
    used = {question.type for question in q.questions()}
    assert used >= {"single", "multi", "scale", "matrix", "yesno", "integer", "decimal", "money",
                    "text", "longtext", "date", "note"}
