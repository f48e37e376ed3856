"""Benchmark the Excel export against a plain openpyxl write-only dump of the same raw table.

Usage: .venv/bin/python bench/export.py --n 10000

Makes (or reuses) a store with n demo submissions of one questionnaire (by
default `smak-kontaktlogg`, where every record counts; with `unit:
municipality`, e.g. `kub-webbenkat`, the export keeps one submission per
municipality, so the Data sheet has at most 290 rows and the ratio says little),
then runs in two fresh subprocesses, so each has its own peak memory:

- baseline: the Data sheet's rows (one per submission, metadata and every
  answer column) are built in memory first, untimed; the timer covers only
  appending them to an openpyxl write-only sheet and saving;
- full: everything the export command does: load from SQLite, aggregate,
  write Översikt, the section sheets with charts, Fritext, Data, Kodbok.

With --plain the full export writes every cell through openpyxl's own cell
writer (exports.xlsx_fast.FAST = False), as the baseline does.

The last line printed is one JSON object: n, seconds, baseline_seconds,
ratio, peak_rss_mb (of the full export) and baseline_peak_rss_mb.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUESTIONNAIRE = "smak-kontaktlogg"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def make_store(path: Path, n: int, seed: int, questionnaire: str) -> None:
    from sync import demo, store

    if path.exists():
        db = store.open_db(path)
        have = db.execute("select count(*) from submissions where questionnaire_id = ?", [questionnaire]).fetchone()[0]
        db.conn.close()
        if have == n:
            return
        path.unlink()
    db = store.open_db(path)
    store.init_store(db)
    started = time.perf_counter()
    counts = demo.make_demo(db, n, seed, [questionnaire])
    db.conn.close()
    print(f"store: {counts} in {time.perf_counter() - started:.1f} s ({path})", file=sys.stderr)


def run_baseline(db_path: Path, out: Path, questionnaire: str) -> dict:
    from openpyxl import Workbook

    from exports import ExportFilter, build_report
    from exports.tabular import wide_columns, wide_rows
    from sync import store

    db = store.open_db(db_path)
    report = build_report(db, ExportFilter(questionnaire))
    columns = wide_columns(report, excel=True)
    rows = [[c.header for c in columns]] + [list(r) for r in wide_rows(columns, report.n)]
    del report
    started = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Data")
    for row in rows:
        ws.append(row)
    wb.save(out)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": len(rows) - 1, "columns": len(columns), "peak_rss_mb": peak_rss_mb()}


def run_full(db_path: Path, out: Path, questionnaire: str, plain: bool = False) -> dict:
    from exports import ExportFilter, build_report, save_workbook, xlsx_fast
    from sync import store

    xlsx_fast.FAST = not plain
    started = time.perf_counter()
    db = store.open_db(db_path)
    report = build_report(db, ExportFilter(questionnaire))
    built = time.perf_counter()
    save_workbook(report, out)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "report_seconds": built - started, "rows": report.n,
            "bytes": out.stat().st_size, "peak_rss_mb": peak_rss_mb()}


def phase(name: str, db_path: Path, out: Path, questionnaire: str, plain: bool = False) -> dict:
    """Run one phase in a fresh interpreter and return its figures."""
    result = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--db", str(db_path), "--out", str(out),
         "--questionnaire", questionnaire]
        + (["--plain"] if plain else []),
        check=True, capture_output=True, text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="Number of demo submissions.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--questionnaire", default=QUESTIONNAIRE, help="Shipped questionnaire to export.")
    parser.add_argument("--db", help="Store to use (made if missing); default: a file in the temp folder.")
    parser.add_argument("--out", help="Folder for the workbooks (default: a temporary folder).")
    parser.add_argument("--plain", action="store_true",
                        help="Write every cell through openpyxl's own cell writer (no fast rows).")
    parser.add_argument("--phase", choices=("baseline", "full"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        if args.phase == "baseline":
            print(json.dumps(run_baseline(Path(args.db), Path(args.out), args.questionnaire)))
        else:
            print(json.dumps(run_full(Path(args.db), Path(args.out), args.questionnaire, args.plain)))
        return
    db_path = Path(args.db or Path(tempfile.gettempdir())
                   / f"fieldkit-bench-{args.questionnaire}-{args.n}-{args.seed}.db")
    make_store(db_path, args.n, args.seed, args.questionnaire)
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = Path(args.out or tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        baseline = phase("baseline", db_path, out_dir / "baseline.xlsx", args.questionnaire)
        print(f"baseline: openpyxl write-only dump of {baseline['rows']} x {baseline['columns']}: "
              f"{baseline['seconds']:.1f} s, peak {baseline['peak_rss_mb']:.0f} MB")
        full = phase("full", db_path, out_dir / "export.xlsx", args.questionnaire, args.plain)
        print(f"full workbook: {full['seconds']:.1f} s (load and aggregate {full['report_seconds']:.1f} s), "
              f"{full['bytes'] / 1e6:.1f} MB, peak {full['peak_rss_mb']:.0f} MB")
    ratio = full["seconds"] / baseline["seconds"] if baseline["seconds"] else None
    print(json.dumps({"questionnaire": args.questionnaire, "n": args.n, "seconds": round(full["seconds"], 2),
                      "baseline_seconds": round(baseline["seconds"], 2),
                      "ratio": round(ratio, 3) if ratio else None, "peak_rss_mb": round(full["peak_rss_mb"], 1),
                      "baseline_peak_rss_mb": round(baseline["peak_rss_mb"], 1), "fast_rows": not args.plain,
                      "python": sys.version.split()[0],
                      "cpus": os.cpu_count()}))


if __name__ == "__main__":
    main()
