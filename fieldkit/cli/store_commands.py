"""`fieldkit init`, `serve`, `demo` and `submissions`: the store and the field app."""

from __future__ import annotations

from pathlib import Path

import click

from sync import accounts, demo, store
from sync.selection import Selection

from .. import config


def open_store(ctx: click.Context, *, check: bool = True):
    db = store.open_db(ctx.obj["db"])
    if check:
        try:
            store.check_schema(db)
        except store.StoreError as exc:
            raise click.ClickException(f"{ctx.obj['db']}: {exc}") from None
    return db


def existing_store(ctx: click.Context):
    """The store named by --db if it exists and is initialised, else None (never creates one)."""
    path = Path(ctx.obj["db"])
    if not path.is_file():
        return None
    db = store.open_db(path)
    try:
        store.check_schema(db)
    except store.StoreError:
        return None
    return db


@click.command("init")
@click.option("--central", is_flag=True, help="Make a central store (serves the sync API, review and exports).")
@click.option("--interviewer", help="Name of the local interviewer on this laptop.")
@click.option("--passphrase", is_flag=True, help="Protect this laptop's pages with a passphrase (asked twice).")
@click.pass_context
def init_command(ctx: click.Context, central: bool, interviewer: str | None, passphrase: bool) -> None:
    """Create or upgrade the store; load the municipality registry and the form library.

    Safe to run twice. The instance folder (the store's folder) gets a secret key on first run.

    Example: fieldkit --db instance/fieldkit.db init --interviewer "Anna Berg"
    """
    db = open_store(ctx, check=False)
    report = store.init_store(db, central=central, interviewer=interviewer)
    config.ensure_secret_key(config.instance_path_for(ctx.obj["db"]))
    if passphrase:
        accounts.set_passphrase(db, click.prompt("Passphrase", hide_input=True, confirmation_prompt=True))
    settings = store.get_settings(db)
    for name in report["migrations"]:
        click.echo(f"applied migration {name}")
    for qid, outcome in report["questionnaires"].items():
        click.echo(f"questionnaire {qid}: {outcome}")
    click.echo(f"store {ctx.obj['db']} ready ({settings.get('mode')} mode, device {settings.get('device_id')})")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=4, show_default=True, type=int, help="Worker threads.")
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int, threads: int) -> None:
    """Serve the web app with waitress, a production WSGI server.

    Example: fieldkit serve --host 127.0.0.1 --port 5000
    """
    import waitress

    from ..app import create_app

    open_store(ctx)
    try:
        app = create_app({"DB": ctx.obj["db"], "LISTEN_HOST": host})
    except RuntimeError as exc:  # a missing secret key or a bad setting, named in the message
        raise click.ClickException(str(exc)) from None
    try:
        server = waitress.create_server(app, host=host, port=port, threads=threads, ident="fieldkit")
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}; is another program "
                                   "using that port? Choose another with --port") from None
    click.echo(f"fieldkit on http://{host}:{port}/ (store {ctx.obj['db']})")
    server.run()


@click.command("demo")
@click.option("--submissions", "n", default=200, show_default=True, type=int, help="How many interviews to make.")
@click.option("--seed", default=1, show_default=True, type=int, help="Seed: the same seed gives the same data.")
@click.option("--questionnaire", "questionnaires", multiple=True, help="Only this questionnaire (repeatable).")
@click.option("--if-empty", is_flag=True, help="Do nothing if the store already has submissions.")
@click.pass_context
def demo_command(ctx, n: int, seed: int, questionnaires: tuple[str, ...], if_empty: bool) -> None:
    """Add plausible synthetic interviews for every shipped questionnaire across the municipalities.

    Example: fieldkit demo --submissions 500 --seed 7
    """
    db = open_store(ctx)
    if if_empty and db["submissions"].count:
        click.echo(f"the store already has {db['submissions'].count} submissions; no demo data added")
        return
    counts = demo.make_demo(db, n, seed, list(questionnaires) or None)
    click.echo(f"added {counts['complete']} complete and {counts['draft']} draft interviews (seed {seed})")


@click.group("submissions")
def submissions_group() -> None:
    """Interviews in the store.

    Example: fieldkit submissions list --status complete
    """


@submissions_group.command("list")
@click.option("--questionnaire", help="Only this questionnaire id.")
@click.option("--lan", "county", help="Only this county code, e.g. 24.")
@click.option("--status", type=click.Choice(store.STATUSES), help="Only this status.")
@click.option("--limit", default=50, show_default=True, type=int)
@click.pass_context
def list_submissions_command(ctx, questionnaire, county, status, limit) -> None:
    """List interviews, newest first, as tab-separated lines.

    Example: fieldkit submissions list --questionnaire kub-webbenkat --lan 24
    """
    db = open_store(ctx)
    selection = Selection(questionnaire=questionnaire, counties=(county,) if county else (), status=status)
    rows = store.list_submissions(db, selection, limit=limit)
    for row in rows:
        click.echo("\t".join([row["uuid"], row["questionnaire_id"], row["questionnaire_version"],
                              row["municipality_code"], row["municipality"], row["status"], str(row["revision"]),
                              row["modified"]]))
    counts = store.count_by_status(db, selection)
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()), err=True)
