"""Hostile definition files are refused with a FILE:LINE problem, quickly and in little memory, never a traceback."""

from __future__ import annotations

import json
import time
import tracemalloc

import pytest
import yaml
from click.testing import CliRunner

from fieldkit.cli import main
from forms import DefinitionError, from_dict, load_text
from forms.library import library_files
from forms.loader import MAX_BYTES, MAX_DEPTH, MAX_VALUES
from sync import catalog, devices, ingest, protocol, store
from sync.bundle import record_line
from sync.errors import BundleRejected


VALID = """\
id: liten-enkat
version: "1"
title: {sv: "Liten enkät", en: "Small survey"}
sections:
  - id: s
    title: {sv: "Del", en: "Part"}
    questions:
      - id: antal
        type: integer
        label: {sv: "Antal", en: "Number"}
"""

#: Each level nine times the one before: ten levels name 9**10 (3.5 billion) strings in 600 bytes. Before
#: aliases were refused, `id: *lol6` alone took 4 s and 70 MB (the message quotes the id), and each level 9 times more.
LAUGHS = 'lol0: &lol0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"lol{n}: &lol{n} [{','.join([f'*lol{n - 1}'] * 9)}]\n" for n in range(1, 10)) + "id: *lol9\n"

ALIAS = "laughs.yaml:2: alias *lol0 is not allowed: a definition may not use YAML anchors and aliases; write the " \
        "value out, or reuse choices through a named choice list (choice_lists)"
DEEP = "deep.yaml:1: lists and mappings are nested more than 20 levels deep here (a questionnaire needs 8): " \
       "check the brackets and the indentation"
NUL = "nul.yaml:1: character U+0000 (NUL) in column 6 is not allowed in a YAML file: remove it (a definition is " \
      "plain text; is this the right file?)"
HUGE = "huge.yaml:0: the file is larger than 512 kB, the most a definition may be (the shipped questionnaires are " \
       "under 20 kB): is it the right file?"
MANY = "many.yaml:1: the definition has more than 50,000 values (keys, texts, numbers, lists and mappings), the " \
       "most fieldkit reads; the largest shipped questionnaire has about 1,100: split it into several questionnaires"

HOSTILE = {
    "laughs.yaml": (LAUGHS, ALIAS),
    "deep.yaml": ("[" * 5000 + "]" * 5000 + "\n", DEEP),
    "nul.yaml": ("id: x\x00\n", NUL),
    "huge.yaml": (VALID + "#" * MAX_BYTES + "\n", HUGE),
    "many.yaml": ("sections: [" + ",".join(["1"] * MAX_VALUES) + "]\n", MANY),
}


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name, (text, _message) in HOSTILE.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_the_limits_leave_room_for_every_shipped_questionnaire():
    assert MAX_DEPTH == 20 and MAX_VALUES == 50_000 and MAX_BYTES == 512 * 1024
    for path in library_files():
        text = path.read_text(encoding="utf-8")
        assert len(text.encode("utf-8")) < MAX_BYTES // 20, path
        events = list(yaml.parse(text))
        assert not any(isinstance(e, yaml.AliasEvent) or getattr(e, "anchor", None) for e in events), path
        assert load_text(text, path.name).ok


def test_a_billion_laughs_fails_at_the_first_alias_fast_and_in_little_memory():
    assert len(LAUGHS) < 700
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = load_text(LAUGHS, "laughs.yaml")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 2
    assert peak < 2 * 1024 * 1024
    assert [str(p) for p in result.problems] == [ALIAS]
    assert [p.code for p in result.problems] == ["alias"]


def test_an_alias_is_refused_even_where_it_would_be_harmless():
    text = VALID.replace('title: {sv: "Del", en: "Part"}', 'title: &del {sv: "Del", en: "Part"}') + \
        '  - id: t\n    title: *del\n    questions: [{id: b, type: yesno, label: "B"}]\n'
    assert [str(p) for p in load_text(text, "f.yaml").problems] == [
        "f.yaml:12: alias *del is not allowed: a definition may not use YAML anchors and aliases; write the value "
        "out, or reuse choices through a named choice list (choice_lists)"]


def test_nesting_up_to_the_limit_is_read_and_one_level_more_is_refused():
    def nested(levels):
        return load_text("x: " + "[" * (levels - 1) + "]" * (levels - 1) + "\n", "n.yaml").problems

    assert "too-deep" not in [p.code for p in nested(MAX_DEPTH)]  # only the usual problems of a wrong file
    assert [str(p) for p in nested(MAX_DEPTH + 1)] == [
        "n.yaml:1: lists and mappings are nested more than 20 levels deep here (a questionnaire needs 8): check "
        "the brackets and the indentation"]


def test_a_file_of_exactly_the_largest_size_is_read():
    padding = MAX_BYTES - len(VALID.encode("utf-8")) - 1
    assert load_text(VALID + "#" * padding + "\n", "full.yaml").ok


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_validate_reports_a_hostile_file_as_one_problem_and_exits_1(runner, hostile, name):
    result = runner.invoke(main, ["forms", "validate", name])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    assert result.stderr.splitlines() == [HOSTILE[name][1], "1 of 1 file(s) have problems"]


def test_validate_reads_no_more_of_a_huge_file_than_the_limit(runner, hostile):
    with (hostile / "huge.yaml").open("a", encoding="utf-8") as fh:
        fh.write("#" * (20 * 1024 * 1024) + "\n")
    tracemalloc.start()
    try:
        result = runner.invoke(main, ["forms", "validate", "huge.yaml"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.stderr.splitlines()[0] == HUGE
    assert peak < 4 * 1024 * 1024


def test_forms_add_refuses_every_hostile_file_and_adds_nothing(runner, hostile, store_path):
    result = runner.invoke(main, ["--db", str(store_path), "forms", "add", *sorted(HOSTILE)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [HOSTILE[name][1] for name in sorted(HOSTILE)]
    db = store.open_db(store_path)
    try:
        assert db.execute("select count(*) from questionnaires where origin != 'library'").fetchone()[0] == 0
    finally:
        db.conn.close()


# -- definitions as JSON data: from a bundle, a push or a pull ---------------------------------

def deep_definition(levels: int) -> dict:
    definition = from_dict(json.loads(json.dumps(_valid_data()))).to_dict()
    inner: list = []
    definition["sections"][0]["questions"][0]["min"] = inner
    for _ in range(levels):
        inner.append([])
        inner = inner[0]
    return definition


def _valid_data() -> dict:
    return {"id": "liten-enkat", "version": "1", "title": {"sv": "Liten enkät", "en": "Small survey"},
            "sections": [{"id": "s", "title": {"sv": "Del", "en": "Part"},
                          "questions": [{"id": "antal", "type": "integer", "label": {"sv": "Antal", "en": "Number"}}]}]}


def test_from_dict_refuses_data_nested_too_deeply_with_one_problem():
    with pytest.raises(DefinitionError) as caught:
        from_dict(deep_definition(900), "store:1a2b3c")
    assert str(caught.value) == ("store:1a2b3c:0: lists and mappings are nested more than 20 levels deep "
                                 "(a questionnaire needs 8)")


def test_from_dict_refuses_data_with_too_many_values():
    data = _valid_data()
    data["sections"][0]["questions"][0]["min"] = list(range(MAX_VALUES))
    with pytest.raises(DefinitionError) as caught:
        from_dict(data, "q")
    assert str(caught.value) == "q:0: the definition has more than 50,000 values, the most fieldkit reads"


def test_a_pulled_questionnaire_nested_too_deeply_is_refused(db):
    record = {"kind": "questionnaire", "id": "liten-enkat", "version": "1", "content_hash": "0" * 64,
              "definition": deep_definition(900)}
    with pytest.raises(BundleRejected) as caught:
        catalog.add_pulled_questionnaire(db, record)
    assert caught.value.reason == "invalid_record"
    assert str(caught.value) == (
        "questionnaire liten-enkat 1: the questionnaire definition is not valid: questionnaire liten-enkat 1:0: "
        "lists and mappings are nested more than 20 levels deep (a questionnaire needs 8)")


def test_a_pushed_chunk_nested_deeper_than_json_can_read_is_refused_whole(tmp_path, make_central):
    central = make_central(tmp_path / "central.db")
    device, _code = devices.enrol(central, "anna")
    body = record_line('{"kind":"questionnaire","definition":' + "[" * 5000 + "]" * 5000 + "}")
    with pytest.raises(BundleRejected) as caught:
        ingest.apply_records(central, device, protocol.chunk_lines(body, "c1"), source="http", bundle_id="c1")
    assert caught.value.reason == "invalid_record"
    assert str(caught.value) == "chunk c1: record 1: not valid JSON (nested too deeply)"
    assert central["sync_ingests"].count == 0
    central.conn.close()
