"""Benchmark `fieldkit submissions import`: an export's wide CSV and workbook read back into an empty store.

Usage: .venv/bin/python bench/submissions_import.py --n 5000

Makes a store with n demo `smak-kontaktlogg` submissions (every record counts, so the
export holds all the completed ones), exports the wide CSV and the workbook, then
imports each into a fresh empty store and imports the CSV a second time (every row
unchanged). Prints one line per step and, last, one JSON object with the seconds.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

QUESTIONNAIRE = "smak-kontaktlogg"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="demo submissions in the source store")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from exports import ExportFilter, build_report, save_workbook, write_csv
    from exports.importing import import_submissions
    from sync import demo, store

    figures: dict[str, float | int] = {"n": args.n}
    with tempfile.TemporaryDirectory(prefix="fieldkit-import-bench-") as tmp:
        folder = Path(tmp)
        empty = folder / "empty.db"
        db = store.open_db(empty)
        store.init_store(db)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.conn.close()
        source = store.open_db(shutil.copyfile(empty, folder / "source.db"))
        demo.make_demo(source, args.n, 1, [QUESTIONNAIRE])
        report = build_report(source, ExportFilter(QUESTIONNAIRE), "sv", include_personal=True)
        figures["rows"] = report.n
        write_csv(report, folder / "k.csv", sep=";")
        save_workbook(report, folder / "k.xlsx")
        for name, key in (("k.csv", "csv_seconds"), ("k.xlsx", "xlsx_seconds")):
            target = store.open_db(shutil.copyfile(empty, folder / f"{name}.db"))
            started = time.perf_counter()
            result = import_submissions(target, folder / name)
            figures[key] = round(time.perf_counter() - started, 2)
            print(f"{name}: {len(result.added)} added in {figures[key]} s", file=sys.stderr)
            if name == "k.csv":
                started = time.perf_counter()
                again = import_submissions(target, folder / name)
                figures["csv_again_seconds"] = round(time.perf_counter() - started, 2)
                print(f"{name} again: {len(again.unchanged)} unchanged in {figures['csv_again_seconds']} s",
                      file=sys.stderr)
            target.conn.close()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
