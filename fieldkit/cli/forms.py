"""`fieldkit forms ...`: validate, list, add to the store, import and export questionnaire definitions."""

from __future__ import annotations

from pathlib import Path

import click

from forms.library import library_files
from forms.loader import load_file
from forms.xlsform import XLSFormError, import_xlsform
from sync import store

from .store_commands import existing_store, open_store
from .xlsform import export_command, import_command


@click.group("forms")
def forms_group() -> None:
    """Questionnaire definitions: validate, list, add, import, export.

    Example: fieldkit forms list
    """


def _definition_paths(paths: tuple[str, ...]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
        else:
            found.append(path)
    return found


@forms_group.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
def validate_command(paths: tuple[str, ...]) -> None:
    """Check definition files (or directories of them); report every problem as FILE:LINE.

    Exits 0 when every file is valid, 1 otherwise.

    Example: fieldkit forms validate forms/library/kub-webbenkat.yaml
    """
    files = _definition_paths(paths)
    if not files:
        raise click.ClickException("no definition files (*.yaml) found in " + ", ".join(paths))
    failed = 0
    for path in files:
        result = load_file(path)
        if result.ok:
            q = result.questionnaire
            click.echo(f"{path}: ok ({q.id} version {q.version}, {sum(1 for _ in q.questions())} questions)")
        else:
            failed += 1
            for problem in result.problems:
                click.echo(str(problem), err=True)
    if failed:
        click.echo(f"{failed} of {len(files)} file(s) have problems", err=True)
        raise SystemExit(1)


@forms_group.command("list")
@click.pass_context
def list_command(ctx: click.Context) -> None:
    """List the questionnaires in the shipped form library, then those only the store holds.

    A questionnaire added with `forms add` or received by sync is listed from the store (--db)
    with "store" in a fifth column; its newest version is shown.

    Example: fieldkit forms list
    """
    shipped = set()
    for path in library_files():
        result = load_file(path)
        if result.ok:
            q = result.questionnaire
            shipped.add(q.id)
            click.echo(f"{q.id}\t{q.version}\t{q.content_hash[:12]}\t{q.text('sv')}")
        else:
            click.echo(f"{path.name}\tINVALID\t{len(result.problems)} problem(s)", err=True)
    db = existing_store(ctx)
    if db is None:
        return
    for entry in store.list_questionnaires(db):
        if entry["id"] not in shipped:
            title = entry["title_sv"] or entry["title_en"] or ""
            click.echo(f"{entry['id']}\t{entry['version']}\t{entry['content_hash'][:12]}\t{title}\tstore")


@forms_group.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-unsupported", is_flag=True, help="For XLSForms: leave out rows fieldkit cannot represent.")
@click.pass_context
def add_command(ctx: click.Context, paths: tuple[Path, ...], skip_unsupported: bool) -> None:
    """Publish questionnaire versions (YAML definitions or XLSForms) into the store for interviews.

    A version already in the store with the same content is left as it is; the
    same id and version with other content is refused: bump the version.

    Example: fieldkit forms add my-form.yaml survey.xlsx
    """
    db = open_store(ctx)
    failed = False
    for path in paths:
        questionnaire = _read_definition(path, skip_unsupported)
        if questionnaire is None:
            failed = True
            continue
        try:
            with store.transaction(db):
                outcome = store.add_questionnaire(db, questionnaire, origin=path.name)
        except store.VersionConflict as exc:
            click.echo(f"{path}: {exc}", err=True)
            failed = True
            continue
        click.echo(f"{path}: {questionnaire.id} version {questionnaire.version}: {outcome}")
    if failed:
        raise SystemExit(1)


def _read_definition(path: Path, skip_unsupported: bool):
    if path.suffix.lower() in (".yaml", ".yml"):
        result = load_file(path)
        for problem in result.problems:
            click.echo(str(problem), err=True)
        return result.questionnaire if result.ok else None
    try:
        imported = import_xlsform(path, skip_unsupported=skip_unsupported)
    except XLSFormError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        return None
    for warning in imported.warnings:
        click.echo(f"warning: {warning}", err=True)
    return imported.questionnaire


forms_group.add_command(import_command)
forms_group.add_command(export_command)
