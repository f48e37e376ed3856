"""A questionnaire published with `forms add` (or received by sync) is listed and exported by its id,
like a shipped one (an outside tester could not get an added form back out without its YAML file)."""

from __future__ import annotations

import textwrap

from click.testing import CliRunner
from openpyxl import load_workbook

from fieldkit.cli import main

DEFINITION = textwrap.dedent("""\
    id: befolkning-extra
    version: "2"
    title: {sv: Befolkningsfrågor, en: Population questions}
    sections:
      - id: a
        title: {sv: Del A, en: Part A}
        questions:
          - id: antal
            type: integer
            label: {sv: "Hur många bor i kommunen?", en: "How many live in the municipality?"}
    """)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_an_added_questionnaire_is_listed_and_exported_from_the_store(tmp_path):
    db = tmp_path / "fieldkit.db"
    assert run("--db", db, "init").exit_code == 0
    definition = tmp_path / "extra.yaml"
    definition.write_text(DEFINITION, encoding="utf-8")
    assert run("--db", db, "forms", "add", definition).exit_code == 0

    listed = run("--db", db, "forms", "list").output.splitlines()
    extra = [line.split("\t") for line in listed if line.startswith("befolkning-extra\t")]
    assert len(extra) == 1 and extra[0][1] == "2" and extra[0][3:] == ["Befolkningsfrågor", "store"]
    assert any(line.startswith("kub-webbenkat\t") for line in listed)  # the shipped ones are still there

    out = tmp_path / "extra.xlsx"
    result = run("--db", db, "forms", "export", "befolkning-extra", "--out", out)
    assert result.exit_code == 0, result.output
    survey = load_workbook(out)["survey"]
    assert "Hur många bor i kommunen?" in [cell.value for row in survey.iter_rows() for cell in row]


def test_an_unknown_id_names_both_places_and_no_store_is_made(tmp_path):
    db = tmp_path / "absent" / "fieldkit.db"
    result = CliRunner().invoke(main, ["--db", str(db), "forms", "export", "finns-inte", "--out",
                                       str(tmp_path / "x.xlsx")])
    assert result.exit_code != 0
    assert "no questionnaire 'finns-inte' in the form library nor in the store" in result.output
    assert not db.exists()
    listed = CliRunner().invoke(main, ["--db", str(db), "forms", "list"])
    assert listed.exit_code == 0 and "store" not in listed.output and not db.exists()
