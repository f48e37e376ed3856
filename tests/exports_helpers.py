"""Fixtures data for the export tests: a small two-version questionnaire, stores, and an
independent recomputation of a workbook's figures from its own Data sheet.

Nothing here uses the aggregation code of `exports`: the expected figures are
computed from the cells of the Data sheet (or a CSV) and the questionnaire.
"""

from __future__ import annotations

import copy
import datetime
import math
import random
import statistics
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from forms import from_dict, registry
from forms.model import DONT_KNOW, NOT_APPLICABLE, Question

from sync import demo, store
from fieldkit import config

YES_NO_DK = {"type": "yesno", "dont_know": True}

V1: dict[str, Any] = {
    "id": "testenkat",
    "version": "1",
    "title": {"sv": "Testenkät om bosättning", "en": "Test survey on settlement"},
    "sections": [
        {"id": "bas", "title": {"sv": "Grunder", "en": "Basics"}, "questions": [
            {"id": "samarbete", **YES_NO_DK, "label": {"sv": "Samarbetar ni med bostadsbolaget?",
                                                       "en": "Do you cooperate with the housing company?"}},
            {"id": "antal", "type": "integer", "min": 0, "max": 500, "dont_know": True,
             "label": {"sv": "Hur många lägenheter per år?", "en": "How many flats a year?"},
             "relevant": "bas.samarbete == 'ja'"},
            {"id": "kostnad", "type": "money", "min": 0, "label": {"sv": "Tomhyror (kr)", "en": "Empty rent (SEK)"}},
            {"id": "storlek", "type": "single", "not_applicable": True,
             "label": {"sv": "Vanligaste storleken", "en": "Most common size"},
             "choices": [{"code": "liten", "label": {"sv": "Liten", "en": "Small"}},
                         {"code": "stor", "label": {"sv": "Stor", "en": "Large"}}]},
        ]},
        {"id": "betyg", "title": {"sv": "Bedömning: samarbete [betyg]", "en": "Rating"}, "questions": [
            {"id": "af", "type": "scale", "dont_know": True,
             "label": {"sv": "Hur fungerar samarbetet med AF?", "en": "How does cooperation with AF work?"},
             "choices": [{"code": "daligt", "label": {"sv": "Dåligt", "en": "Poor"}, "score": 1},
                         {"code": "ok", "label": {"sv": "Godtagbart", "en": "Acceptable"}, "score": 2},
                         {"code": "bra", "label": {"sv": "Bra", "en": "Good"}, "score": 3}]},
            {"id": "hinder", "type": "matrix", "dont_know": True,
             "label": {"sv": "Hur stora är hindren?", "en": "How big are the barriers?"},
             "choices": [{"code": "litet", "label": {"sv": "Litet", "en": "Small"}, "score": 1},
                         {"code": "stort", "label": {"sv": "Stort", "en": "Big"}, "score": 2}],
             "items": [{"code": "bostader", "label": {"sv": "Brist på bostäder", "en": "Housing shortage"}},
                       {"code": "arbete", "label": {"sv": "Få jobb", "en": "Few jobs"}}]},
            {"id": "kanaler", "type": "multi", "other": True, "dont_know": True,
             "label": {"sv": "Vilka kanaler används?", "en": "Which channels are used?"},
             "choices": [{"code": "telefon", "label": {"sv": "Telefon", "en": "Phone"}},
                         {"code": "mote", "label": {"sv": "Möte", "en": "Meeting"}},
                         {"code": "epost", "label": {"sv": "E-post", "en": "E-mail"}}]},
        ]},
        {"id": "fritt", "title": {"sv": "Fritt", "en": "Free"}, "questions": [
            {"id": "kommentar", "type": "longtext", "label": {"sv": "Övriga kommentarer", "en": "Other comments"}},
            {"id": "datum", "type": "date", "label": {"sv": "Datum för beslut", "en": "Date of decision"},
             "min": "2012-01-01", "max": "2013-12-31"},
        ]},
    ],
}


def v2_definition() -> dict[str, Any]:
    """Version 2: a new option for `storlek`, a new decimal question, a new matrix row."""
    data = copy.deepcopy(V1)
    data["version"] = "2"
    bas = data["sections"][0]["questions"]
    bas[3]["choices"].append({"code": "mellan", "label": {"sv": "Mellan", "en": "Medium"}})
    bas.append({"id": "andel", "type": "decimal", "min": 0, "max": 100,
                "label": {"sv": "Andel i egen bostad (%)", "en": "Share in own housing (%)"}})
    data["sections"][1]["questions"][1]["items"].append(
        {"code": "skola", "label": {"sv": "Skolplatser", "en": "School places"}})
    return data


def questionnaires():
    return from_dict(V1), from_dict(v2_definition())


def init_store(path: Path):
    """An initialised store file with both versions of the test questionnaire; returns the open db."""
    db = store.open_db(path)
    store.init_store(db, interviewer="Test")
    config.ensure_secret_key(path.parent)
    for questionnaire in questionnaires():
        store.add_questionnaire(db, questionnaire)
    return db


def insert_demo(db, questionnaire, n: int, seed: int, start: datetime.datetime) -> None:
    """n synthetic submissions of one version (some drafts), as fieldkit's demo makes them."""
    subs, revs, drafts = [], [], []
    for submission, revision, draft in demo.demo_rows([questionnaire], n, seed, device_id="test", start=start):
        subs.append(submission)
        if revision:
            revs.append(revision)
        if draft:
            drafts.append(draft)
    with store.transaction(db):
        db["submissions"].insert_all(subs)
        if revs:
            db["revisions"].insert_all(revs)
        if drafts:
            db["drafts"].insert_all(drafts)


INJECTIONS = ["=HYPERLINK(\"http://evil.example\",\"klicka\")", "+46 70 123", "-2+3", "@SUM(A1:A9)",
              "\tcmd|' /C calc'!A0", "\r=1+1", "<b>&amp; å ä ö</b>"]


def add_answers(db, questionnaire, municipality: str, answers: dict[str, Any], *, created: str | None = None,
                status: str = "complete") -> str:
    """One submission with these answers (cleaned first); returns its id."""
    from forms import clean_answers

    sid = store.create_submission(db, questionnaire.id, municipality, version=questionnaire.version)
    cleaned = clean_answers(questionnaire, answers, partial=True)
    assert cleaned.ok, cleaned.errors
    if status == "complete":
        store.complete_submission(db, sid, cleaned.answers)
    else:
        store.save_draft(db, sid, answers, None, cleaned.answers)
    if created:
        db.execute("update submissions set created = ?, modified = ? where uuid = ?", [created, created, sid])
    return sid


def make_rich_store(path: Path, n1: int = 90, n2: int = 70):
    """Both versions with demo answers over many counties, free texts that try formula injection,
    one excluded submission and a few drafts. Returns the open db."""
    db = init_store(path)
    v1, v2 = questionnaires()
    insert_demo(db, v1, n1, 11, datetime.datetime(2013, 3, 1, 8, tzinfo=datetime.timezone.utc))
    insert_demo(db, v2, n2, 12, datetime.datetime(2013, 9, 1, 8, tzinfo=datetime.timezone.utc))
    for i, text in enumerate(INJECTIONS):
        add_answers(db, v2, "2480", {"bas.samarbete": "ja", "bas.antal": 3, "fritt.kommentar": text,
                                     "betyg.kanaler": ["annat"], "betyg.kanaler/annat": text},
                    created=f"2013-10-0{i + 1}T09:00:00.000+00:00")
    # texts no form would let through (clean_answers strips blanks), as a faulty sync could bring them
    raw = add_answers(db, v2, "2482", {"bas.samarbete": "nej"}, created="2013-10-09T09:00:00.000+00:00")
    db.execute("update submissions set answers = ? where uuid = ?",
               [store.canonical_json({"bas.samarbete": "nej", "fritt.kommentar": "\tcmd|' /C calc'!A0",
                                      "bas.storlek": "\r=1+1"}), raw])
    excluded = add_answers(db, v2, "0180", {"bas.samarbete": "nej"})
    db.execute("update submissions set excluded = 1 where uuid = ?", [excluded])
    return db


# -- reading a workbook back -------------------------------------------------

def sheet_rows(ws) -> list[tuple]:
    return [tuple(row) for row in ws.iter_rows(values_only=True)]


def codebook_sheets(workbook) -> list:
    """The codebook sheets: "Kodbok", or one per version ("Kodbok 2", "Kodbok 1")."""
    return [ws for ws in workbook.worksheets if ws.title.startswith(("Kodbok", "Codebook"))]


def codebook_rows(ws) -> list[dict[str, Any]]:
    """A codebook sheet's rows under its header row (the third), as dicts; section rows left out."""
    rows = sheet_rows(ws)
    header = rows[2]
    return [dict(zip(header, row)) for row in rows[3:] if any(v is not None for v in row[1:])]


def column_ids(workbook) -> dict[str, str]:
    """Data header -> column id, as a reader finds them in the codebook ("Kolumn i Data", "Kolumn-id")."""
    found = {}
    for ws in codebook_sheets(workbook):
        for row in codebook_rows(ws):
            shown = row.get("Kolumn i Data", row.get("Column in Data"))
            key = row.get("Kolumn-id", row.get("Column id"))
            if shown and key:
                assert found.get(shown, key) == key, (shown, key)
                found[shown] = key
    return found


def data_records(ws, ids: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The Data sheet's rows as dicts by header; with `ids` (see column_ids), answer columns by their id."""
    rows = sheet_rows(ws)
    header = [ids.get(h, h) for h in rows[0]] if ids else rows[0]
    return [dict(zip(header, row)) for row in rows[1:]]


def blocks(ws) -> dict[str, dict[str, Any]]:
    """Every table on a sheet by its title: {'headers': [(group, label)], 'rows': {row label: [values]}, 'note': ...}.

    A table is a title row, a note row, a group header row (first cell empty) and a label header row.
    """
    rows = sheet_rows(ws)
    found: dict[str, dict[str, Any]] = {}
    for i, row in enumerate(rows):
        if i < 3 or not row or not isinstance(row[0], str):
            continue
        groups, labels = rows[i - 1], row
        if not groups or groups[0] is not None or not any(g is not None for g in groups):
            continue
        title = rows[i - 3][0]
        if not isinstance(title, str):
            continue
        header = [label for label in labels if label is not None]
        if any(label is None for label in labels[: len(header)]):
            continue
        keys, group = [], None
        for j in range(len(header)):
            if j < len(groups) and groups[j] is not None:
                group = groups[j]
            keys.append((group if j else None, header[j]))
        body = {}
        for data_row in rows[i + 1:]:
            if not data_row or data_row[0] is None:
                break
            body[data_row[0]] = list(data_row[: len(header)])
        assert title not in found, f"two tables titled {title!r}"
        found[title] = {"headers": keys, "rows": body, "note": rows[i - 2][0]}
    return found


# -- recomputing the figures ---------------------------------------------------

def _share(num: float, den: float) -> float | None:
    return num / den if den else None


def expected_choice(records, question: Question, key: str, labels: dict[str, str], lang: str, county_of) -> dict:
    """Row label -> {header label: value} for a single/yesno/scale question or a matrix row."""
    skipped, options = labels["skipped"], [c for c in question.choices]
    specials = [c for c in question.all_choices() if c.code in (DONT_KNOW, NOT_APPLICABLE)]
    per: dict[str, list] = defaultdict(list)
    for record in records:
        per[county_of(record)].append(record.get(key))
        per[labels["total"]].append(record.get(key))
    out = {}
    for group, values in per.items():
        counts = Counter(values)
        option_counts = [counts.get(c.text(lang), 0) for c in options]
        base = sum(option_counts)
        special_counts = [counts.get(c.text(lang), 0) for c in specials]
        answered = base + sum(special_counts)
        row: dict[tuple, Any] = {}
        for c, n in zip(options, option_counts):
            row[("count", c.text(lang))] = n
            row[("share", c.text(lang))] = _share(n, base)
        row[("count", "base")] = base
        for c, n in zip(specials, special_counts):
            row[("special", c.text(lang))] = n
            row[("special_share", c.text(lang))] = _share(n, answered)
        row[("skipped",)] = counts.get(skipped, 0)
        row[("missing",)] = counts.get(None, 0)
        if question.type in ("scale", "matrix") and all(c.score is not None for c in options):
            total = sum(c.score * n for c, n in zip(options, option_counts))
            row[("mean",)] = _share(total, base)
        out[group] = row
    return out


def expected_multi(records, question: Question, labels: dict[str, str], lang: str, county_of) -> dict:
    options = [c for c in question.all_choices() if c.code not in (DONT_KNOW, NOT_APPLICABLE)]
    specials = [c for c in question.all_choices() if c.code in (DONT_KNOW, NOT_APPLICABLE)]
    per: dict[str, list] = defaultdict(list)
    for record in records:
        per[county_of(record)].append(record)
        per[labels["total"]].append(record)
    out = {}
    for group, recs in per.items():
        chosen = [{c.code for c in question.all_choices() if rec.get(f"{question.id}/{c.code}") == 1} for rec in recs]
        substantive = [bool(s & {c.code for c in options}) for s in chosen]
        base = sum(substantive)
        row: dict[tuple, Any] = {("count", "base"): base}
        for c in options:
            n = sum(1 for s in chosen if c.code in s)
            row[("count", c.text(lang))] = n
            row[("share", c.text(lang))] = _share(n, base)
        special_counts = [sum(1 for s, sub in zip(chosen, substantive) if c.code in s and not sub) for c in specials]
        for c, n in zip(specials, special_counts):
            row[("special", c.text(lang))] = n
            row[("special_share", c.text(lang))] = _share(n, base + sum(special_counts))
        row[("skipped",)] = sum(1 for rec in recs if rec.get(question.id) == labels["skipped"])
        row[("missing",)] = sum(1 for rec in recs if rec.get(question.id) is None)
        out[group] = row
    return out


def expected_values(records, question: Question, labels: dict[str, str], lang: str, county_of) -> dict:
    specials = [c for c in question.all_choices() if c.code in (DONT_KNOW, NOT_APPLICABLE)]
    special_labels = {c.text(lang) for c in specials} | {labels["skipped"]}
    per: dict[str, list] = defaultdict(list)
    for record in records:
        per[county_of(record)].append(record.get(question.id))
        per[labels["total"]].append(record.get(question.id))
    out = {}
    for group, values in per.items():
        real = [v for v in values if v is not None and v not in special_labels]
        row: dict[tuple, Any] = {("n",): len(real)}
        # with no answers the statistics say "–" (a sum of nothing is not 0 kr)
        if question.type in ("integer", "decimal", "money"):
            row.update({("mean",): statistics.fmean(real) if real else "–",
                        ("median",): statistics.median(real) if real else "–",
                        ("min",): min(real) if real else "–", ("max",): max(real) if real else "–",
                        ("sum",): sum(real) if real else "–"})
        elif question.type == "date":
            row.update({("first",): min(real) if real else "–", ("last",): max(real) if real else "–"})
        special_counts = [sum(1 for v in values if v == c.text(lang)) for c in specials]
        for c, n in zip(specials, special_counts):
            row[("special", c.text(lang))] = n
            row[("special_share", c.text(lang))] = _share(n, len(real) + sum(special_counts))
        row[("skipped",)] = sum(1 for v in values if v == labels["skipped"])
        row[("missing",)] = sum(1 for v in values if v is None)
        out[group] = row
    return out


def close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, (datetime.date, str)) and isinstance(b, (datetime.date, str)):  # a date cell and a CSV date
        return str(a)[:10] == str(b)[:10]
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def random_answers(questionnaire, seed: int, n: int) -> list[dict[str, Any]]:
    """Answer sets as fieldkit's demo makes them (for property-style checks)."""
    rng = random.Random(seed)
    maker = demo.AnswerMaker(questionnaire, rng)
    codes = [m.code for m in registry.municipalities()]
    return [maker.make(rng.choice(codes)) for _ in range(n)]
