"""`fieldkit users ...`, `audit`, `passphrase`: accounts and the audit log of the store."""

from __future__ import annotations

import getpass
import sys

import click

from sync import accounts, audit, safekeeping, store

from .. import config
from .store_commands import open_store


def cli_actor() -> str:
    """Who ran a command, for the audit log: `cli:` and the operating-system user."""
    try:
        return "cli:" + getpass.getuser()
    except Exception:  # no user name in a bare container
        return "cli"


def read_secret(label: str, from_stdin: bool) -> str:
    """A password from the first line of standard input, or asked twice without echo."""
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise click.ClickException(f"no {label} on standard input")
        return line.rstrip("\r\n")
    return click.prompt(label.capitalize(), hide_input=True, confirmation_prompt=True)


@click.group("users")
def users_group() -> None:
    """User accounts of the central server: add, list, disable, enable.

    Example: fieldkit users add anna.berg --role evaluator
    """


@users_group.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(accounts.ROLES), help="What the user may do.")
@click.option("--lan", "county", help="County code of a county user, e.g. 24 (Västerbotten).")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@click.pass_context
def users_add_command(ctx, name: str, role: str, county: str | None, password_stdin: bool) -> None:
    """Add a user; the password is asked twice (hidden) unless --password-stdin.

    Roles: admin (everything), evaluator (review, edit and export every county),
    county (read, reports and exports of one county; needs --lan),
    interviewer (collect and see own interviews).

    Example: fieldkit users add lst-vb --role county --lan 24
    """
    db = open_store(ctx)
    password = read_secret("password", password_stdin)
    user = accounts.add_user(db, name, role, password, county_code=county, actor=cli_actor())
    where = f" for county {user.county_code}" if user.county_code else ""
    click.echo(f"added {user.role} {user.name}{where}")


@users_group.command("list")
@click.pass_context
def users_list_command(ctx) -> None:
    """List users as tab-separated lines: name, role, county, created, status.

    Example: fieldkit users list
    """
    db = open_store(ctx)
    for row in accounts.list_users(db):
        status = f"disabled {row['disabled_at']}" if row["disabled_at"] else "active"
        click.echo("\t".join([row["name"], row["role"], row["county_code"] or "-", row["created"], status]))


@users_group.command("disable")
@click.argument("name")
@click.pass_context
def users_disable_command(ctx, name: str) -> None:
    """Disable a user: they cannot log in, and their open sessions end.

    Example: fieldkit users disable anna.berg
    """
    _set_disabled(ctx, name, True)


@users_group.command("enable")
@click.argument("name")
@click.pass_context
def users_enable_command(ctx, name: str) -> None:
    """Enable a disabled user again.

    Example: fieldkit users enable anna.berg
    """
    _set_disabled(ctx, name, False)


def _set_disabled(ctx, name: str, disabled: bool) -> None:
    db = open_store(ctx)
    accounts.set_disabled(db, name, disabled, actor=cli_actor())
    click.echo(f"{'disabled' if disabled else 'enabled'} {name}")


@users_group.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
@click.pass_context
def users_password_command(ctx, name: str, password_stdin: bool) -> None:
    """Set a new password for a user; their open sessions end.

    Example: fieldkit users password anna.berg
    """
    db = open_store(ctx)
    accounts.set_password(db, name, read_secret("password", password_stdin), actor=cli_actor())
    click.echo(f"password of {name} changed")


@click.command("audit")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1), help="How many entries.")
@click.option("--action", help="Only this action, e.g. login_failed, edit, export.")
@click.option("--actor", help="Only entries by this user.")
@click.pass_context
def audit_command(ctx, limit: int, action: str | None, actor: str | None) -> None:
    """Show the audit log, newest first: time, who, action, what it concerns, details, address.

    Example: fieldkit audit --action login_failed --limit 20
    """
    db = open_store(ctx)
    for row in audit.entries(db, limit=limit, action=action, actor=actor):
        click.echo("\t".join([row["at"], row["actor"] or "-", row["action"], row["target"] or "-",
                              audit.describe(row["details"]) or "-", row["address"] or "-"]))


@click.group("passphrase")
def passphrase_group() -> None:
    """Protect a field laptop's pages with a passphrase.

    Example: fieldkit passphrase set
    """


@passphrase_group.command("set")
@click.option("--stdin", "from_stdin", is_flag=True, help="Read the passphrase from standard input.")
@click.pass_context
def passphrase_set_command(ctx, from_stdin: bool) -> None:
    """Set (or change) the passphrase asked before the field app opens.

    Example: fieldkit passphrase set
    """
    db = open_store(ctx)
    _require_field(db)
    try:
        accounts.set_passphrase(db, read_secret("passphrase", from_stdin), actor=cli_actor())
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc).replace("password", "passphrase")) from None
    click.echo("passphrase set: the field app asks for it from now on")


@passphrase_group.command("remove")
@click.pass_context
def passphrase_remove_command(ctx) -> None:
    """Remove the passphrase: the field app opens without asking.

    Example: fieldkit passphrase remove
    """
    db = open_store(ctx)
    _require_field(db)
    accounts.set_passphrase(db, None, actor=cli_actor())
    click.echo("passphrase removed")


def _require_field(db) -> None:
    if store.get_settings(db).get("mode") == "central":
        raise click.ClickException("this is the central store: it has user accounts (`fieldkit users add`), "
                                   "not a passphrase")


# -- safekeeping ------------------------------------------------------------------------

@click.command("backup")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The backup file to write.")
@click.pass_context
def backup_command(ctx, out: str) -> None:
    """Copy the store to one file with SQLite's online backup API; safe while the server runs and syncs.

    Example: fieldkit --db central.db backup --out backups/central-2024-05-01.db
    """
    open_store(ctx).conn.close()
    done = safekeeping.backup(ctx.obj["db"], out, actor=cli_actor())
    click.echo(f"wrote {out}: {done['bytes']} bytes, {done['submissions']} submissions, "
               f"{done['revisions']} revisions")
    if not done["audited"]:
        click.echo("the store was busy writing, so the backup is not in the audit log", err=True)


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--other-store", is_flag=True,
              help="Allow a backup of another store (another installation) to replace this one.")
@click.pass_context
def restore_command(ctx, file: str, other_store: bool) -> None:
    """Replace the store with a backup, after checking it; the replaced store is kept as <db>.replaced-<time>.

    Refuses a file that fails PRAGMA integrity_check, is not a fieldkit store, was written
    by a newer fieldkit, or is of the other mode (a laptop's store over the central's, or
    the reverse); a backup of another store only with --other-store. Stop `fieldkit serve` first.

    Example: fieldkit --db central.db restore backups/central-2024-05-01.db
    """
    aside = safekeeping.restore(ctx.obj["db"], file, actor=cli_actor(), other_store=other_store)
    kept = f"; the replaced store is kept as {aside}" if aside else ""
    click.echo(f"restored {ctx.obj['db']} from {file}{kept}")


@click.command("erase")
@click.option("--kommun", "municipality", metavar="CODE", help="Every interview of this municipality (4-digit code).")
@click.option("--submission", metavar="UUID", help="One interview.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def erase_command(ctx, municipality: str | None, submission: str | None, yes: bool) -> None:
    """Remove answers to personal questions for good: from interviews, every old revision and drafts.

    The store is then vacuumed, so the erased answers are gone from the file and from
    every backup made afterwards (backups made before still hold them). Other answers stay.

    Example: fieldkit --db central.db erase --kommun 2480
    """
    db = open_store(ctx)
    what = f"municipality {municipality}" if municipality else f"submission {submission}"
    if not yes and (municipality or submission):
        click.confirm(f"Erase the personal answers of {what} for good?", abort=True)
    erased = safekeeping.erase_personal(db, municipality=municipality, submission=submission, actor=cli_actor())
    click.echo(f"erased {erased.answers} personal answers in {erased.submissions} interviews "
               f"({erased.revisions} revisions, {erased.drafts} drafts) of {what}")
    discarded = safekeeping.discard_built_exports(config.instance_path_for(ctx.obj["db"]))
    if discarded:
        click.echo(f"deleted {discarded} workbook(s) built for download before the erase")
    if not erased.wal_truncated:
        click.echo("the store is in use, so its write-ahead log could not be emptied; "
                   "run the command again when the server is stopped", err=True)
