"""`fieldkit forms ...`: validate and list questionnaire definitions."""

from __future__ import annotations

from pathlib import Path

import click

from forms.library import library_files
from forms.loader import load_file

from .xlsform import export_command, import_command


@click.group("forms")
def forms_group() -> None:
    """Questionnaire definitions: validate, list.

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
def list_command() -> None:
    """List the questionnaires in the shipped form library.

    Example: fieldkit forms list
    """
    for path in library_files():
        result = load_file(path)
        if result.ok:
            q = result.questionnaire
            click.echo(f"{q.id}\t{q.version}\t{q.content_hash[:12]}\t{q.text('sv')}")
        else:
            click.echo(f"{path.name}\tINVALID\t{len(result.problems)} problem(s)", err=True)


forms_group.add_command(import_command)
forms_group.add_command(export_command)
