"""`fieldkit submissions import`: a wide CSV or an exported workbook becomes completed submissions."""

from __future__ import annotations

import click

from exports.importing import import_submissions

from .admin_commands import cli_actor
from .language import lang_option
from .store_commands import open_store


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--questionnaire", help="Questionnaire id, when the columns do not say which (e.g. kub-webbenkat).")
@click.option("--version", help="Questionnaire version of rows whose file has no Version column (default: newest).")
@click.option("--update", is_flag=True,
              help="A submission already stored with other answers gets the file's answers as a new revision "
                   "(without it, such a row refuses the file).")
@click.option("--dry-run", is_flag=True, help="Check everything and say what would be imported; write nothing.")
@lang_option("Language of the messages.")
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
    counts, *notes = result.summary(lang)
    click.echo(counts)
    warning = result.warning(lang)
    if warning:
        click.echo(warning, err=True)
    for line in notes:
        click.echo(line)
