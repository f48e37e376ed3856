"""The laptop's sync status: what waits to be sent, when it last synced, and whether the central acknowledged it."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from . import records, store


def _event(db: Database, *kinds: str) -> dict[str, Any] | None:
    marks = ",".join("?" * len(kinds))
    rows = list(db.query(f"select * from sync_events where kind in ({marks}) order by id desc limit 1", kinds))
    if not rows:
        return None
    event = dict(rows[0])
    event["detail"] = json.loads(event["detail"] or "{}")
    return event


def _acknowledged_of(db: Database, event: dict[str, Any] | None) -> dict[str, Any] | None:
    """How many of the revisions an event sent the central has acknowledged by now."""
    if event is None:
        return None
    acked = db.execute("select count(*) from sync_sent s join sync_acks a on a.revision_id = s.revision_id "
                       "where s.event_id = ?", [event["id"]]).fetchone()[0]
    return {**event, "acknowledged_now": acked, "all_acknowledged": acked == event["revisions"]}


def laptop_status(db: Database) -> dict[str, Any]:
    """Everything the status page and `fieldkit sync status` show."""
    settings = store.get_settings(db)
    waiting = records.count_unacknowledged(db)
    waiting_submissions = db.execute(
        "select count(distinct r.submission_uuid) from revisions r where " + records.UNACKNOWLEDGED).fetchone()[0]
    by_questionnaire = [dict(r) for r in db.query(
        "select r.questionnaire_id, r.questionnaire_version, count(*) as revisions from revisions r where "
        + records.UNACKNOWLEDGED + " group by 1, 2 order by 1, 2")]
    drafts = db.execute("select count(*) from drafts").fetchone()[0]
    last_sent = _acknowledged_of(db, _event(db, "bundle", "push"))
    last_ack = _event(db, "ack-file", "push")
    return {
        "mode": settings.get("mode"),
        "set_up": bool(settings.get("sync_device_id")),
        "central": settings.get("sync_url"),
        "device_id": settings.get("sync_device_id"),
        "waiting_revisions": waiting,
        "waiting_submissions": waiting_submissions,
        "waiting_by_questionnaire": by_questionnaire,
        "drafts_not_sent": drafts,
        "acknowledged_total": db.execute("select count(*) from sync_acks").fetchone()[0],
        "last_sent": last_sent,
        "last_ack": last_ack,
        "last_pull": _event(db, "pull"),
    }


def status_lines(status: dict[str, Any]) -> list[str]:
    """The status as short lines of English text (the CLI's output)."""
    lines = []
    if not status["set_up"]:
        lines.append("not set up for sync: run `fieldkit sync setup URL CODE`")
    else:
        lines.append(f"central: {status['central']} (this laptop is device {status['device_id']})")
    lines.append(f"waiting to be sent: {status['waiting_revisions']} revisions of "
                 f"{status['waiting_submissions']} interviews")
    for row in status["waiting_by_questionnaire"]:
        lines.append(f"  {row['questionnaire_id']} version {row['questionnaire_version']}: {row['revisions']}")
    lines.append(f"drafts (sent once completed): {status['drafts_not_sent']}")
    sent = status["last_sent"]
    if sent:
        verdict = "all acknowledged" if sent["all_acknowledged"] else \
            f"{sent['acknowledged_now']} of {sent['revisions']} acknowledged so far"
        lines.append(f"last {sent['kind']}: {sent['at']} ({sent['ref']}), {sent['revisions']} revisions, {verdict}")
    else:
        lines.append("nothing sent yet")
    ack = status["last_ack"]
    if ack:
        lines.append(f"last acknowledgement: {ack['at']} ({'ack file ' + str(ack['ref']) if ack['kind'] == 'ack-file' else 'push'})")
    pull = status["last_pull"]
    lines.append(f"last pull: {pull['at']}" if pull else "never pulled")
    return lines
