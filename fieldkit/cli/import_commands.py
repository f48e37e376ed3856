"""`fieldkit submissions import`: a wide CSV or an exported workbook becomes completed submissions."""

from __future__ import annotations

import click

from exports.importing import import_submissions
from exports.labels import LANGUAGES

from .admin_commands import cli_actor
from .store_commands import open_store


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--questionnaire", help="Questionnaire id, when the columns do not say which (e.g. kub-webbenkat).")
@click.option("--version", help="Questionnaire version of rows whose file has no Version column (default: newest).")
@click.option("--update", is_flag=True,
              help="A submission already stored with other answers gets the file's answers as a new revision "
                   "(without it, such a row refuses the file).")
@click.option("--dry-run", is_flag=True, help="Check everything and say what would be imported; write nothing.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="sv", show_default=True,
              help="Language of the messages.")
@click.pass_context
def import_command(ctx, file, questionnaire, version, update, dry_run, lang) -> None:
    """Import submissions from a wide CSV or a workbook as `fieldkit export` writes them, all or nothing.

    Each row is checked like a completed interview; any bad cell refuses the whole file
    and is listed as FILE:ROW: column: message. Rows already imported (same submission
    id, same answers) are left alone, so the same file can be imported twice.

    Example: fieldkit submissions import omgang-2012.xlsx --dry-run
    """
    db = open_store(ctx)
    result = import_submissions(db, file, questionnaire=questionnaire, version=version, actor=cli_actor(),
                                update=update, dry_run=dry_run, lang=lang)
    what = "would add" if dry_run else "added"
    click.echo(f"{result.file}: {result.rows} rows of {result.questionnaire}: {what} {len(result.added)}, "
               f"{'would update' if dry_run else 'updated'} {len(result.updated)}, "
               f"unchanged {len(result.unchanged)}")
    if result.without_ids and result.added:
        click.echo("warning: the file has no submission id column, so each row got an id made from its content; "
                   "if these rows were exported from this store, they are now copies of its submissions "
                   "(keep the id column to import changes back)", err=True)
    if result.absent:
        click.echo(f"no column in the file (left unanswered): {', '.join(result.absent)}")
    if result.ignored:
        click.echo(f"not read (computed from the answers): {', '.join(result.ignored)}")
    if not result.added and not result.updated:
        click.echo("nothing new: every submission of the file is already in the store")
    elif dry_run:
        click.echo("dry run: nothing was written")
