"""Languages an XLSForm names: `label::Français`, `label::English (en)`, a name no table knows. The import keeps
the name the form gives, finds the code (ISO 639-1 where the language is known), and `forms export` writes the
header so that importing the export again gives the same languages, names and labels."""

from __future__ import annotations

import openpyxl
import pytest
from click.testing import CliRunner

from fieldkit.cli import main
from forms.xlsform import export_xlsform, import_xlsform


def workbook(path, tags, default_language=None):
    """One text question labelled and hinted in each language of `tags` (the XLSForm's column tags)."""
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name"] + [f"label::{t}" for t in tags] + [f"hint::{t}" for t in tags])
    survey.append(["text", "namn"] + [f"Namn på {t}" for t in tags] + [f"Tips på {t}" for t in tags])
    settings = book.create_sheet("settings")
    settings.append(["form_id", "version"] + (["default_language"] if default_language else []))
    settings.append(["lang", "1"] + ([default_language] if default_language else []))
    book.save(path)
    return path


def headers(path):
    return [c.value for c in openpyxl.load_workbook(path)["survey"][1]]


@pytest.mark.parametrize("tag, code, name", [
    ("Français", "fr", "Français"),
    ("English (en)", "en", "English"),
    ("Svenska (sv)", "sv", "Svenska"),
    ("Kiswahili", "sw", "Kiswahili"),
    ("Tetun Dili", "tetundili", "Tetun Dili"),  # no table knows it: a slug of its letters
    ("Kreyòl ayisyen", "ht", "Kreyòl ayisyen"),  # known to Babel in its own language, not to our table
])
def test_a_language_keeps_its_name_and_code_through_import_export_import(tmp_path, tag, code, name):
    source = workbook(tmp_path / "source.xlsx", [tag])
    first = import_xlsform(source).questionnaire
    assert first.languages == [code]
    assert first.question("lang.namn").label == {code: f"Namn på {tag}"}
    assert first.question("lang.namn").help == {code: f"Tips på {tag}"}
    out = export_xlsform(first, tmp_path / "out.xlsx").path
    again = import_xlsform(out).questionnaire
    assert again.languages == first.languages
    assert again.language_names == first.language_names
    assert again.question("lang.namn").label == first.question("lang.namn").label
    assert again.question("lang.namn").help == first.question("lang.namn").help
    # and the export names the language as the form did
    assert f"label::{name}" in " ".join(headers(out))
    assert again.to_dict() == first.to_dict()


def test_accented_name_gives_the_iso_code_and_export_writes_name_and_code(tmp_path):
    source = workbook(tmp_path / "source.xlsx", ["Français", "English (en)"])
    first = import_xlsform(source).questionnaire
    assert first.languages == ["fr", "en"]
    out = export_xlsform(first, tmp_path / "out.xlsx").path
    assert headers(out) == ["type", "name", "label::Français (fr)", "label::English (en)", "hint::Français (fr)",
                            "hint::English (en)"]


def test_a_name_other_than_the_usual_one_is_kept_and_written_back(tmp_path):
    source = workbook(tmp_path / "source.xlsx", ["Kiswahili (sw)", "Engelska"], default_language="Kiswahili (sw)")
    first = import_xlsform(source).questionnaire
    assert first.languages == ["sw", "en"]
    assert first.language_names == {"en": "Engelska"}  # Kiswahili is what the export writes for sw anyway
    out = export_xlsform(first, tmp_path / "out.xlsx").path
    assert "label::Engelska (en)" in headers(out)
    assert import_xlsform(out).questionnaire.to_dict() == first.to_dict()


def test_two_unknown_names_stay_two_languages(tmp_path):
    source = workbook(tmp_path / "source.xlsx", ["Tetun Dili", "Norrbymål"])
    first = import_xlsform(source).questionnaire
    assert first.languages == ["tetundili", "norrbymal"]
    assert first.language_names == {"tetundili": "Tetun Dili", "norrbymal": "Norrbymål"}
    out = export_xlsform(first, tmp_path / "out.xlsx").path
    assert headers(out)[2:4] == ["label::Tetun Dili", "label::Norrbymål"]
    assert import_xlsform(out).questionnaire.to_dict() == first.to_dict()


def test_cli_shows_the_languages_by_name(tmp_path):
    source = workbook(tmp_path / "source.xlsx", ["Français", "Svenska (sv)"])
    runner = CliRunner()
    result = runner.invoke(main, ["forms", "import", str(source), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "languages Français (fr), Svenska (sv)" in result.stdout
    written = tmp_path / "lang-1.yaml"
    out = tmp_path / "out.xlsx"
    result = runner.invoke(main, ["forms", "export", str(written), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "languages Français (fr), Svenska (sv)" in result.stdout
    assert headers(out)[2:4] == ["label::Français (fr)", "label::Svenska (sv)"]


def test_definition_language_names_must_name_declared_languages():
    from forms.loader import DefinitionError, from_dict
    data = {"id": "ln", "version": "1", "title": {"fr": "T"}, "languages": ["fr"],
            "language_names": {"fr": "Français de Belgique", "de": "Deutsch"},
            "sections": [{"id": "s", "title": {"fr": "S"}, "questions": [{"id": "q", "type": "text",
                                                                            "label": {"fr": "Q"}}]}]}
    with pytest.raises(DefinitionError) as caught:
        from_dict(data, "ln.yaml")
    assert [p.message for p in caught.value.problems] == [
        "language_names names 'de', which is not in languages (fr)"]
    del data["language_names"]["de"]
    assert from_dict(data, "ln.yaml").language_names == {"fr": "Français de Belgique"}


def test_a_name_in_any_column_names_the_language_even_after_a_bare_code(tmp_path):
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label::en", "hint::Engelska (en)"])
    survey.append(["text", "namn", "Name", "A hint"])
    book.save(tmp_path / "source.xlsx")
    first = import_xlsform(tmp_path / "source.xlsx").questionnaire
    assert (first.languages, first.language_names) == (["en"], {"en": "Engelska"})
    assert first.question("source.namn").help == {"en": "A hint"}
