"""`fieldkit devices ...` (on the central) and `fieldkit sync ...` (on laptops and the central)."""

from __future__ import annotations

import sys

import click

from sync import acks, client, devices, drafts, lineage, status
from sync.bundle import write_bundle
from sync.errors import BundleRejected
from sync.ingest import ingest

from .admin_commands import cli_actor
from .store_commands import open_store

# -- devices --------------------------------------------------------------------------

@click.group("devices")
def devices_group() -> None:
    """Laptops enrolled on this central store.

    Example: fieldkit --db central.db devices add lund-anna
    """


@devices_group.command("add")
@click.argument("name")
@click.pass_context
def devices_add(ctx, name: str) -> None:
    """Enrol a laptop; prints its enrolment code alone on the last line (give it to `sync setup`).

    Example: fieldkit --db central.db devices add lund-anna
    """
    db = open_store(ctx)
    device, code = devices.enrol(db, name, actor=cli_actor())
    click.echo(f"enrolled {device.name} as device {device.id}; on the laptop run: "
               "fieldkit sync setup URL CODE, with this code:")
    click.echo(code)


@devices_group.command("list")
@click.pass_context
def devices_list(ctx) -> None:
    """List enrolled laptops: name, id, key fingerprint, enrolled, last seen, revoked.

    Example: fieldkit --db central.db devices list
    """
    for device in devices.list_devices(open_store(ctx)):
        row = devices.describe(device)
        state = f"revoked {row['revoked_at']}" if row["revoked_at"] else "active"
        click.echo("\t".join([row["name"], row["id"], row["key_fingerprint"], row["created"],
                              row["last_seen"] or "never seen", state]))


@devices_group.command("revoke")
@click.argument("name")
@click.pass_context
def devices_revoke(ctx, name: str) -> None:
    """Refuse a laptop's bundles and requests from now on (what it sent before stays).

    Example: fieldkit --db central.db devices revoke lund-anna
    """
    db = open_store(ctx)
    device = devices.revoke(db, name, actor=cli_actor())
    click.echo(f"revoked {device.label} on {device.revoked_at}")


# -- sync -----------------------------------------------------------------------------

@click.group("sync")
def sync_group() -> None:
    """Move interviews from laptops to the central store, by file or over HTTP.

    Example: fieldkit sync bundle --out /media/usb/anna.fkb
    """


@sync_group.command("setup")
@click.argument("url")
@click.argument("code")
@click.pass_context
def sync_setup(ctx, url: str, code: str) -> None:
    """Store the central's address and this laptop's device key from its enrolment code.

    Example: fieldkit sync setup https://fieldkit.example.se fk1-...
    """
    ident = devices.setup(open_store(ctx), url, code)
    click.echo(f"this laptop is device {ident.device_id}; central {ident.url}")


@sync_group.command("bundle")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="File to write.")
@click.pass_context
def sync_bundle(ctx, out: str) -> None:
    """Write every revision the central has not acknowledged into one signed file.

    Example: fieldkit sync bundle --out /media/usb/anna.fkb
    """
    written = write_bundle(open_store(ctx), out)
    counts = written.counts
    click.echo(f"wrote {written.path}: {counts['revisions']} revisions of {counts['submissions']} interviews, "
               f"{counts['questionnaires']} questionnaire versions (bundle {written.bundle_id})")


def _progress(done: int, total: int) -> None:
    if total >= 5000:
        click.echo(f"... {done} of {total} records", err=True)
        sys.stderr.flush()


@sync_group.command("ingest")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.pass_context
def sync_ingest(ctx, files: tuple[str, ...]) -> None:
    """Import bundles into the central store, each checked whole first; prints what each did.

    A bundle that fails any check is refused whole, with the reason. Exit status 1 if any was refused.
    The import runs in batches, so the store keeps serving; if it stops halfway, run it again to finish.

    Example: fieldkit --db central.db sync ingest /media/usb/*.fkb
    """
    db = open_store(ctx)
    refused = 0
    for path in files:
        try:
            result = ingest(db, path, actor=cli_actor(), progress=_progress)
        except BundleRejected as exc:
            refused += 1
            click.echo(f"{path}: REFUSED ({exc.reason}): {exc}; nothing was imported", err=True)
            continue
        click.echo(f"{path}: {result.summary()}")
        for rid, reason in result.rejected[:20]:
            click.echo(f"  rejected revision {rid}: {reason}")
    if refused:
        sys.exit(1)


@sync_group.command("push")
@click.option("--chunk-kb", default=client.CHUNK_BYTES // 1024, show_default=True, type=click.IntRange(1, 1024),
              help="Largest request body in kB.")
@click.pass_context
def sync_push(ctx, chunk_kb: int) -> None:
    """Send unacknowledged revisions to the central over HTTP, in chunks; resumes where it stopped.

    Example: fieldkit sync push
    """
    db = open_store(ctx)

    def progress(report, total):
        click.echo(f"... sent {report.sent} of {total} revisions", err=True)

    report = client.push(db, chunk_bytes=chunk_kb * 1024, progress=progress)
    click.echo(push_summary(report))
    for item in report.rejected[:20]:
        click.echo(f"  rejected revision {item.get('id')}: {item.get('reason')}")


def push_summary(report: client.PushReport) -> str:
    """One line on what a push did; a push that had nothing to send says so instead of counting zeros."""
    held = f" (+{report.already_acknowledged} already held)" if report.already_acknowledged else ""
    if not report.sent:
        return f"nothing to send: the central holds every revision of this laptop{held}; waiting {report.waiting}"
    central = ", ".join(f"{v} {k}" for k, v in report.counts.items())
    return (f"sent {report.sent} revisions in {report.chunks} chunks; central: {central or 'no answer'}; "
            f"acknowledged {report.acknowledged}{held}; waiting {report.waiting}")


@sync_group.command("pull")
@click.pass_context
def sync_pull(ctx) -> None:
    """Fetch new questionnaire versions, registry updates and the central's version of this laptop's interviews.

    An interview this laptop sent that was changed on the central (a conflict resolved, an
    answer corrected) is updated here, so the next edit builds on it. An edit on this laptop
    that is not sent yet is kept: the next push sends it and the central lists the conflict.

    Example: fieldkit sync pull
    """
    report = client.pull(open_store(ctx))
    click.echo("questionnaire versions added: " + (", ".join(report.added) or "none"))
    if report.registry is not None:
        click.echo(f"registry: {report.registry['added']} municipalities added, {report.registry['changed']} changed")
    for line in _heads_lines(report.heads):
        click.echo(line)
    for problem in report.conflicts:
        click.echo(f"REFUSED: {problem}", err=True)
    if report.conflicts:
        sys.exit(1)


def _heads_lines(heads) -> list[str]:
    """What pulling the heads did, in English: the count updated, then each interview whose local edit was kept."""
    n = len(heads.updated)
    lines = [f"{n} {'interview' if n == 1 else 'interviews'} updated from the central"]
    for sid in heads.kept_edit:
        lines.append(f"  kept {sid}: this laptop has an edit the central does not have yet; the next push sends "
                     "it and the central lists a conflict to resolve")
    for sid in heads.kept_draft:
        lines.append(f"  kept {sid}: an edit is open on this laptop; complete it (the next push then lists a "
                     "conflict on the central) or discard it and pull again to take the central's version")
    for sid, reason in heads.skipped:
        lines.append(f"  not updated {sid}: {reason}")
    return lines


@sync_group.command("ack")
@click.option("--device", "name", required=True, help="Name of the enrolled laptop.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="File to write.")
@click.pass_context
def sync_ack(ctx, name: str, out: str) -> None:
    """Write a signed ack file listing every revision the central holds from one laptop.

    Example: fieldkit --db central.db sync ack --device lund-anna --out /media/usb/anna.ack.json
    """
    document = acks.write_ack_file(open_store(ctx), name, out)
    click.echo(f"wrote {out}: {len(document['revision_ids'])} revisions acknowledged for {name}")


@sync_group.command("ingest-ack")
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_context
def sync_ingest_ack(ctx, file: str) -> None:
    """Read an ack file from the central: acknowledged revisions are not sent again.

    Example: fieldkit sync ingest-ack /media/usb/anna.ack.json
    """
    result = acks.read_ack_file(open_store(ctx), file)
    click.echo(f"{file}: {result['listed']} listed, {result['newly_acknowledged']} newly acknowledged; "
               f"waiting {result['waiting']}")


@sync_group.command("status")
@click.pass_context
def sync_status(ctx) -> None:
    """Show what waits to be sent, when the laptop last synced, and whether it was acknowledged.

    Example: fieldkit sync status
    """
    for line in status.status_lines(status.laptop_status(open_store(ctx))):
        click.echo(line)


@sync_group.command("conflicts")
@click.option("--all", "include_resolved", is_flag=True, help="Include resolved conflicts.")
@click.pass_context
def sync_conflicts(ctx, include_resolved: bool) -> None:
    """List submissions with conflicting revisions (both kept), as tab-separated lines.

    Columns: submission, questionnaire, municipality, head revision, other revision, base, device, detected.

    Example: fieldkit --db central.db sync conflicts
    """
    rows = lineage.list_conflicts(open_store(ctx), include_resolved=include_resolved)
    for row in rows:
        click.echo("\t".join(str(row[k] or "") for k in (
            "submission_uuid", "questionnaire_id", "municipality_code", "head_revision", "other_revision",
            "base_revision", "device_name", "detected_at")))
    click.echo(f"{len(rows)} conflicts", err=True)


@sync_group.command("move-draft")
@click.argument("submission")
@click.option("--version", help="Target version (default: the newest).")
@click.pass_context
def sync_move_draft(ctx, submission: str, version: str | None) -> None:
    """Move a draft to a newer questionnaire version; lists the answers that could not be carried.

    Example: fieldkit sync move-draft 1b4e28ba-2fa1-41d2-883f-0016d3cca427
    """
    move = drafts.move_draft(open_store(ctx), submission, version)
    click.echo(f"moved {move.submission_uuid} from version {move.from_version} to {move.to_version}: "
               f"{len(move.carried)} answers carried, {len(move.dropped)} not carried")
    for item in move.dropped:
        click.echo(f"  not carried: {item['question']}: {item['reason']}")
