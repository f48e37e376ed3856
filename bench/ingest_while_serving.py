"""Benchmark: ingest a bundle of N demo interviews while the central answers logins, pages and sync calls.

A second process runs the central's app (Flask's test client: the real views, store connections
and error pages, no network) and repeats three requests: a login (which writes an audit entry),
the review list (a read) and a signed sync call (`GET /api/v1/sync/questionnaires`, read-only but
it writes its nonce). It runs alone for a few seconds (idle), then while this process ingests the
bundle. Prints, idle and during the ingest (a request that overlaps it counts as during), how
many requests of each kind were made, how many failed (status 500 or an exception: a write that
waited out the store's 15 s busy timeout) and the longest wait. The last line is one JSON object.

The laptop and its bundle are made as in bench/sync_ingest.py. With --dir, what was made is kept
there and reused by the next run (delete the folder to start over); the central is reset each run.

    .venv/bin/python bench/ingest_while_serving.py --n 10000
    .venv/bin/python bench/ingest_while_serving.py --n 100000 --dir /tmp/fieldkit-serving
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sync_ingest import prepare  # noqa: E402 - the bench folder's own module

from fieldkit import config  # noqa: E402
from fieldkit.app import create_app  # noqa: E402
from sync import accounts, signing, store  # noqa: E402
from sync.ingest import ingest  # noqa: E402

USER, PASSWORD = "bench-eva", "a bench password, long enough"
IDLE_SECONDS = 5
KINDS = ("login", "page", "sync")


def made(folder: Path, n: int, seed: int) -> dict:
    """The laptop's bundle and a pristine central (enrolled device, one user), made once per folder."""
    facts = folder / "prepared.json"
    if facts.exists() and json.loads(facts.read_text())["n"] == n:
        return json.loads(facts.read_text())
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=prepare, args=(str(folder), n, seed, queue))
    child.start()
    prepared = queue.get()
    child.join()
    central = store.open_db(folder / "central.db")
    accounts.add_user(central, USER, "evaluator", PASSWORD, actor="bench")
    central.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    central.conn.close()
    shutil.copyfile(folder / "central.db", folder / "central-pristine.db")
    prepared["n"] = n
    facts.write_text(json.dumps(prepared))
    return prepared


def fresh_central(folder: Path) -> Path:
    path = folder / "central.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(folder / "central-pristine.db", path)
    config.ensure_secret_key(config.instance_path_for(path))
    return path


def signed(device_id: str, key: str, path: str) -> dict[str, str]:
    timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
    message = signing.request_message("GET", path, timestamp, nonce, b"")
    return {"X-Fieldkit-Device": device_id, "X-Fieldkit-Timestamp": timestamp, "X-Fieldkit-Nonce": nonce,
            "X-Fieldkit-Signature": signing.sign(key, message)}


def serve(db_path: str, device_id: str, key: str, stop, queue) -> None:
    """In a child process: repeat a login, a page and a sync call; report (start, end, kind, ok) samples.

    Times are `time.monotonic()`, one clock for every process of the machine.
    """
    app = create_app({"DB": db_path, "WTF_CSRF_ENABLED": False})  # not TESTING: a failure is a 500, as in production
    app.logger.disabled = True
    client = app.test_client()
    calls = {
        "login": lambda: client.post("/logga-in", data={"name": USER, "password": PASSWORD}).status_code,
        "page": lambda: client.get("/granskning/").status_code,
        "sync": lambda: client.get("/api/v1/sync/questionnaires",
                                   headers=signed(device_id, key, "/api/v1/sync/questionnaires")).status_code,
    }
    samples = []
    while not stop.is_set():
        for kind, call in calls.items():
            started = time.monotonic()
            try:
                ok = call() < 500
            except Exception:  # noqa: BLE001 - any failure counts as a failed request
                ok = False
            samples.append((started, time.monotonic(), kind, ok))
    queue.put(samples)


def describe(samples: list[tuple], phase: str, began: float, ended: float) -> dict:
    """Per kind of request: how many, how many failed, median and longest wait, of one phase."""
    def in_phase(start: float, end: float) -> bool:
        return end < began if phase == "idle" else start <= ended and end >= began

    found = {}
    for kind in KINDS:
        waits = [end - start for start, end, k, _ok in samples if k == kind and in_phase(start, end)]
        failed = sum(1 for start, end, k, ok in samples if k == kind and in_phase(start, end) and not ok)
        found[kind] = {"requests": len(waits), "failed": failed,
                       "median": round(statistics.median(waits), 3) if waits else None,
                       "longest": round(max(waits), 3) if waits else None}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000, help="Demo interviews to make (about 5 %% stay drafts).")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", help="Keep the laptop and bundle here and reuse them (default: a temporary folder).")
    args = parser.parse_args()
    folder = Path(args.dir or tempfile.mkdtemp(prefix="fieldkit-serving-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        prepared = made(folder, args.n, args.seed)
        print(f"laptop: {prepared['complete']} complete interviews; bundle of {prepared['revisions']} revisions, "
              f"{prepared['bundle_bytes'] / 1e6:.1f} MB")
        path = fresh_central(folder)
        central = store.open_db(path)
        device = next(central.query("select id, key from sync_devices"))

        context = multiprocessing.get_context("fork")
        stop, queue = context.Event(), context.Queue()
        child = context.Process(target=serve, args=(str(path), device["id"], device["key"], stop, queue),
                                daemon=True)
        child.start()
        try:
            time.sleep(IDLE_SECONDS)
            began = time.monotonic()
            result = ingest(central, folder / "bench.fkb")
            ended = time.monotonic()
            seconds = ended - began
            time.sleep(0.5)
        finally:  # the requests stop with the ingest, also when it fails
            stop.set()
        samples = queue.get()
        child.join()
        central.conn.close()

        print(f"ingest: {seconds:.1f} s; {result.summary()}")
        report = {"n": args.n, "revisions": prepared["revisions"], "ingest_seconds": round(seconds, 2)}
        for phase in ("idle", "during"):
            found = describe(samples, phase, began, ended)
            print(f"{phase + ':':8}" + "; ".join(
                f"{kind} {f['requests']} requests, {f['failed']} failed, median {f['median']} s, longest {f['longest']} s"
                for kind, f in found.items()))
            waits = [f["longest"] for f in found.values() if f["longest"] is not None]
            report[f"{phase}_requests"] = sum(f["requests"] for f in found.values())
            report[f"{phase}_failed"] = sum(f["failed"] for f in found.values())
            report[f"{phase}_longest_wait"] = max(waits) if waits else None
            report[phase] = found
        print(f"longest wait during the ingest: {report['during_longest_wait']} s (idle: {report['idle_longest_wait']} s); "
              f"{report['during_failed']} of {report['during_requests']} requests failed")
        print(json.dumps(report))
    finally:
        if not args.dir:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
