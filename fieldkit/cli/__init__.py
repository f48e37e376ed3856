"""The `fieldkit` command line: a thin layer over the Python API."""

from __future__ import annotations

import os

import click

from forms.errors import FieldkitError
from sync.store import DEFAULT_DB

from .admin_commands import (
    audit_command,
    backup_command,
    erase_command,
    passphrase_group,
    restore_command,
    users_group,
)
from .export_commands import export_group
from .forms import forms_group
from .import_commands import import_command
from .language import error_language
from .store_commands import demo_command, init_command, serve_command, submissions_group
from .sync_commands import devices_group, sync_group


class Group(click.Group):
    """The top command: a domain error anywhere below becomes `Error: <message>` (in the command's --lang)
    and exit status 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except FieldkitError as exc:
            raise click.ClickException(exc.text(error_language(ctx))) from None


@click.group(cls=Group)
@click.version_option(package_name="fieldkit")
@click.option("--db", "db_path", envvar="FIELDKIT_DB", default=DEFAULT_DB, show_default=True,
              help="Path of the SQLite store (or set FIELDKIT_DB).")
@click.pass_context
def main(ctx: click.Context, db_path: str) -> None:
    """fieldkit: offline-first survey collection for municipal surveys.

    Example: fieldkit --db instance/fieldkit.db init
    """
    ctx.obj = {"db": db_path}
    os.environ["FIELDKIT_DB"] = db_path


main.add_command(forms_group)
main.add_command(init_command)
main.add_command(serve_command)
main.add_command(demo_command)
submissions_group.add_command(import_command)
main.add_command(submissions_group)
main.add_command(users_group)
main.add_command(audit_command)
main.add_command(passphrase_group)
main.add_command(backup_command)
main.add_command(restore_command)
main.add_command(erase_command)
main.add_command(devices_group)
main.add_command(sync_group)
main.add_command(export_group)
