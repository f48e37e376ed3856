"""`fieldkit forms import` and `fieldkit forms export`: questionnaires in and out as XLSForm."""

from __future__ import annotations

import re
from pathlib import Path

import click
import yaml

from forms.library import library_files
from forms.loader import load_file, load_text
from forms.model import Questionnaire
from forms.xlsform import XLSFormError, export_xlsform, import_xlsform
from sync import store

from .store_commands import existing_store


def definition_yaml(questionnaire: Questionnaire) -> str:
    """The questionnaire as a YAML definition file, in the order `to_dict` gives."""
    return yaml.safe_dump(questionnaire.to_dict(), allow_unicode=True, sort_keys=False, width=100)


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-unsupported", is_flag=True,
              help="Leave out rows fieldkit cannot represent (listed as warnings) instead of failing.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="Directory for the definition file <id>-<version>.yaml.")
@click.option("--force", is_flag=True, help="Overwrite the definition file if it exists.")
@click.option("--media", "media", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of the form's media files (select_one_from_file choices); by default the workbook's "
                   "own folder.")
def import_command(file: Path, skip_unsupported: bool, out_dir: Path, force: bool, media: Path | None) -> None:
    """Import an XLSForm (.xlsx, .xls or pyxform CSV) as a questionnaire definition.

    Writes <id>-<version>.yaml into --out. Every problem is reported as
    FILE: survey row N: message; the command exits 1 if the form cannot be
    imported, e.g. because of rows fieldkit does not support (nested
    repeats, geopoints, media, some calculations) and --skip-unsupported is not given.

    Choices of select_one_from_file rows are read from the file the row names
    (.csv, .xml, .geojson), in --media or next to the workbook, into the
    definition.

    Example: fieldkit forms import survey.xlsx --skip-unsupported --out forms/library
    """
    try:
        result = import_xlsform(file, skip_unsupported=skip_unsupported, media=media)
    except XLSFormError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        hint = "" if skip_unsupported or any(p.code != "unsupported" for p in exc.problems) else \
            " (--skip-unsupported leaves those rows out)"
        click.echo(f"{file}: not imported: {len(exc.problems)} problem(s){hint}", err=True)
        raise SystemExit(1) from None
    questionnaire = result.questionnaire
    target = out_dir / f"{questionnaire.id}-{questionnaire.version}.yaml"
    text = definition_yaml(questionnaire)
    check = load_text(text, str(target))
    if not check.ok or check.questionnaire.to_dict() != questionnaire.to_dict():
        problems = "; ".join(str(p) for p in check.problems) or "the definition reads back differently"
        raise click.ClickException(f"the imported definition does not load back: {problems}")
    if target.exists() and not force:
        raise click.ClickException(f"{target} exists: use --force to overwrite it")
    out_dir.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    sections = len(questionnaire.sections)
    questions = sum(1 for _ in questionnaire.questions())
    click.echo(f"{file}: imported {questionnaire.id} version {questionnaire.version}: {sections} section(s), "
               f"{questions} question(s), languages {', '.join(questionnaire.languages)}")
    click.echo(f"wrote {target}")
    if result.renamed:
        click.echo(f"{len(result.renamed)} XLSForm name(s) became other fieldkit ids:")
        for name, fid in result.renamed.items():
            click.echo(f"  {name} -> {fid}")
    if result.rows_left_out:
        click.echo(f"{len(result.rows_left_out)} of {result.rows} question rows left out (the warnings below say "
                   "which and why)")
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)


@click.command("export")
@click.argument("questionnaire")
@click.option("--version", "version", help="Which version of a library questionnaire (default: the newest).")
@click.option("--format", "fmt", type=click.Choice(["xlsform"]), default="xlsform", show_default=True,
              help="Output format.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write (.xlsx).")
@click.pass_context
def export_command(ctx: click.Context, questionnaire: str, version: str | None, fmt: str, out: Path) -> None:
    """Export a questionnaire as an XLSForm that ODK, KoboToolbox and pyxform read.

    QUESTIONNAIRE is an id from the shipped form library, of a questionnaire
    the store (--db) holds (added with `forms add` or received by sync), or
    the path of a YAML definition file.

    Example: fieldkit forms export kub-webbenkat --format xlsform --out kub-webbenkat.xlsx
    """
    if out.suffix.lower() != ".xlsx":
        raise click.ClickException(f"--out must name an .xlsx file (got {out})")
    found = _find(questionnaire, version, existing_store(ctx))
    result = export_xlsform(found, out)
    click.echo(f"wrote {result.path}: {found.id} version {found.version}, {result.questions} question(s), "
               f"languages {', '.join(found.languages)}")


def _find(reference: str, version: str | None, db=None) -> Questionnaire:
    """A definition file, else the library's questionnaire (newest or `version`), else the store's."""
    path = Path(reference)
    if path.suffix in (".yaml", ".yml") or path.is_file():
        return _loaded(path)
    candidates, broken = [], []
    for file in library_files():
        result = load_file(file)
        if not result.ok:
            broken.append(file.name)
        elif result.questionnaire.id == reference:
            candidates.append(result.questionnaire)
    if version:
        candidates = [q for q in candidates if q.version == version]
    if not candidates and db is not None:
        try:
            return store.get_questionnaire(db, reference, version)
        except store.NotFound:
            pass
    if not candidates:
        what = f"{reference!r} version {version!r}" if version else repr(reference)
        note = f" ({len(broken)} library file(s) have problems: run fieldkit forms validate)" if broken else ""
        raise click.ClickException(f"no questionnaire {what} in the form library nor in the store{note}; "
                                   "see fieldkit forms list")
    return max(candidates, key=lambda q: _version_key(q.version))


def _loaded(path: Path) -> Questionnaire:
    result = load_file(path)
    if not result.ok:
        raise click.ClickException("\n".join(str(p) for p in result.problems))
    return result.questionnaire


def _version_key(version: str) -> tuple:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"[.\-]", version))
