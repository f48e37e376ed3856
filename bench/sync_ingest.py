"""Benchmark: ingest a bundle of N demo kub-webbenkat interviews into a central store.

Prints seconds, submissions per second and peak memory, next to a plain `sqlite3`
`executemany` insert of the same rows (same schema, same pragmas, one transaction) made in
the same run, and a repeated ingest of the same bundle. With --repeat R, the ingest, the repeated
ingest and the plain insert are measured R times, each into a fresh copy of the central, and the
median of each is reported (a noisy machine swings single runs by 2x). The last line is one JSON
object: n, revisions, seconds, baseline_seconds, ratio, ratios (one per run), reingest_seconds,
reingest_ratio, peak_rss_mb.

Targets: 100 000 in under 30 s, within 2x the plain insert (issue 11; it was 3x in issue 4);
a repeated ingest within 0.2x the first. The ingest checks every record before it writes, then
imports in transactions of `sync.ingest.BATCH` revisions; the plain insert is one transaction.

    .venv/bin/python bench/sync_ingest.py --n 10000
    .venv/bin/python bench/sync_ingest.py --n 100000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import queue as queue_module
import resource
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from sync import demo, devices, store
from sync.bundle import write_bundle
from sync.ingest import ingest


def prepare(folder: str, n: int, seed: int, queue) -> None:
    """In a child process: a central, an enrolled laptop with n demo interviews, and its bundle.

    Stores left in the folder by an earlier run (--dir) are replaced.
    """
    for name in ("central.db", "laptop.db", "central-pristine.db", "baseline.db"):
        for suffix in ("", "-wal", "-shm"):
            (Path(folder) / f"{name}{suffix}").unlink(missing_ok=True)
    central = store.open_db(Path(folder) / "central.db")
    store.init_store(central, central=True)
    laptop = store.open_db(Path(folder) / "laptop.db")
    store.init_store(laptop)
    _device, code = devices.enrol(central, "bench")
    devices.setup(laptop, "http://127.0.0.1:9", code)
    started = time.perf_counter()
    made = demo.make_demo(laptop, n, seed, ["kub-webbenkat"])
    made_seconds = time.perf_counter() - started
    started = time.perf_counter()
    written = write_bundle(laptop, Path(folder) / "bench.fkb", log=False)
    queue.put({"complete": made["complete"], "drafts": made["draft"], "demo_seconds": made_seconds,
               "bundle_seconds": time.perf_counter() - started, "bundle_bytes": written.path.stat().st_size,
               "revisions": written.counts["revisions"]})


def baseline(folder: Path, central_path: Path) -> float:
    """Seconds for a plain sqlite3 executemany of the ingested submission and revision rows into a fresh file."""
    source = sqlite3.connect(central_path)
    schema = [row[0] for row in source.execute(
        "select sql from sqlite_master where tbl_name in ('submissions', 'revisions') and sql is not null "
        "and type in ('table', 'index') order by type desc")]  # tables, then their indexes; not the store's
    # change-counter triggers (the ingest pays for them, the baseline does not: the ratio errs against us)
    tables = {}
    for table in ("submissions", "revisions"):
        cursor = source.execute(f"select * from {table}")
        tables[table] = ([d[0] for d in cursor.description], cursor.fetchall())
    source.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{folder / 'baseline.db'}{suffix}").unlink(missing_ok=True)
    target = sqlite3.connect(folder / "baseline.db", isolation_level=None)
    target.execute("PRAGMA journal_mode=WAL")
    target.execute("PRAGMA synchronous=FULL")
    for sql in schema:
        target.execute(sql)
    started = time.perf_counter()
    target.execute("BEGIN IMMEDIATE")
    for table, (columns, rows) in tables.items():
        marks = ",".join("?" * len(columns))
        target.executemany(f"insert into {table} ({','.join(columns)}) values ({marks})", rows)
    target.execute("COMMIT")
    seconds = time.perf_counter() - started
    target.close()
    return seconds


def measure(central_path: Path, folder: Path, revisions: int) -> tuple:
    """One run: (ingest seconds, baseline seconds, repeated ingest seconds, first result, repeated result, peak MB).

    The peak memory is taken before the plain insert, which holds every row in memory.
    """
    central = store.open_db(central_path)
    started = time.perf_counter()
    first = ingest(central, folder / "bench.fkb")
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = ingest(central, folder / "bench.fkb")
    reingest = time.perf_counter() - started
    if first.counts["new"] != revisions or again.counts["unchanged"] != revisions:
        raise SystemExit(f"unexpected counts: {first.counts} then {again.counts}")
    if not store.integrity_ok(central):
        raise SystemExit("integrity check failed")
    central.conn.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return seconds, baseline(folder, central_path), reingest, first, again, peak_mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000, help="Demo interviews to make (about 5 %% stay drafts).")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", help="Work in this folder (default: a temporary one, removed afterwards).")
    parser.add_argument("--repeat", type=int, default=1, help="Measure this many times; report the medians.")
    args = parser.parse_args()
    folder = Path(args.dir or tempfile.mkdtemp(prefix="fieldkit-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        # The laptop side runs in a child process, so this process's peak memory is the ingest's.
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        child = context.Process(target=prepare, args=(str(folder), args.n, args.seed, queue))
        child.start()
        prepared = None
        while prepared is None:
            try:
                prepared = queue.get(timeout=1)
            except queue_module.Empty:
                if not child.is_alive():
                    raise SystemExit(f"preparing the bundle failed (exit code {child.exitcode}); see above")
        child.join()
        print(f"laptop: {prepared['complete']} complete interviews ({prepared['drafts']} drafts stay behind) in "
              f"{prepared['demo_seconds']:.1f} s; bundle of {prepared['revisions']} revisions, "
              f"{prepared['bundle_bytes'] / 1e6:.1f} MB, written in {prepared['bundle_seconds']:.1f} s")

        central_path = folder / "central.db"
        pristine = folder / "central-pristine.db"
        central = store.open_db(central_path)
        central.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        central.conn.close()
        shutil.copyfile(central_path, pristine)
        runs = []
        for run in range(args.repeat):
            for suffix in ("-wal", "-shm"):
                Path(f"{central_path}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(pristine, central_path)
            runs.append(measure(central_path, folder, prepared["revisions"]))
            seconds, plain, reingest, first, again, _peak = runs[-1]
            print(f"run {run + 1}: ingest {seconds:.2f} s, baseline {plain:.2f} s, ratio {seconds / plain:.2f}; "
                  f"again {reingest:.2f} s")
        peak_mb = runs[0][5]  # of the ingests, before the first plain insert
        seconds = statistics.median(r[0] for r in runs)
        plain = statistics.median(r[1] for r in runs)
        reingest = statistics.median(r[2] for r in runs)
        ratios = [round(r[0] / r[1], 3) for r in runs]
        ratio = round(statistics.median(ratios), 3)

        per_second = prepared["revisions"] / seconds
        print(f"ingest:   {seconds:.2f} s for {prepared['revisions']} submissions ({per_second:,.0f} per second); "
              f"{first.summary()}")
        print(f"baseline: {plain:.2f} s (plain sqlite3 executemany of the same submission and revision rows); "
              f"ingest / baseline = {ratio:.2f} (target <= 2)")
        print(f"again:    {reingest:.2f} s ({reingest / seconds:.3f} of the first; target <= 0.2); {again.summary()}")
        print(f"peak RSS: {peak_mb:.0f} MB")
        print(json.dumps({
            "n": args.n, "revisions": prepared["revisions"], "seconds": round(seconds, 3),
            "baseline_seconds": round(plain, 3), "ratio": ratio, "ratios": ratios,
            "reingest_seconds": round(reingest, 3), "reingest_ratio": round(reingest / seconds, 4),
            "per_second": round(per_second), "peak_rss_mb": round(peak_mb, 1),
        }))
    finally:
        if not args.dir:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
