"""Benchmark: interview page GET and autosave POST latency on a store of N submissions; or the reports page.

Compared, in the same run, with a bare Flask route returning a constant, two
ways: over real HTTP to waitress on 127.0.0.1 (what a browser sees; the
headline figures) and through Flask's test client in process (fieldkit's own
work only). Prints figures; the last line is JSON.

With `--reports`, all N interviews are of one questionnaire and the figures are
its reports page through the test client: the first view, the same view again
(cached), and the view after each kind of change (which must rebuild it).

Example: python bench/pages.py --n 10000
Example: python bench/pages.py --reports --n 100000 --repeat 20
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import re
import statistics
import tempfile
import threading
import time
from pathlib import Path

import waitress
from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from fieldkit import config
from fieldkit.app import create_app
from sync import accounts, store
from sync.demo import make_demo


def timed(call, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


class HttpClient:
    """Keep-alive HTTP/1.1 with the test client's cookies, like a browser tab."""

    def __init__(self, port: int, cookie: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port)
        self.cookie = cookie

    def get(self, path: str) -> int:
        self.conn.request("GET", path, headers={"Cookie": self.cookie})
        response = self.conn.getresponse()
        response.read()
        return response.status

    def post(self, path: str, body: str) -> int:
        self.conn.request("POST", path, body=body, headers={
            "Cookie": self.cookie, "Content-Type": "application/x-www-form-urlencoded",
            "X-Requested-With": "fetch", "Origin": f"http://127.0.0.1:{self.conn.port}"})
        response = self.conn.getresponse()
        response.read()
        return response.status


def serve(app, bare) -> tuple[int, object]:
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth is 1": both threads busy
    server = waitress.create_server(DispatcherMiddleware(app, {"/bare": bare}), host="127.0.0.1", port=0, threads=2)
    threading.Thread(target=server.run, daemon=True).start()
    return server.effective_port, server


REPORT_QID = "kub-webbenkat"


def once(call) -> float:
    return timed(call, 1)[0]


def reports(n: int, repeat: int) -> None:
    """The reports page of REPORT_QID with n interviews: first view, cached view, and after changes."""
    from sync import reviewing

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        db = store.open_db(path)
        store.init_store(db)
        started = time.perf_counter()
        make_demo(db, n, seed=1, questionnaire_ids=[REPORT_QID])
        print(f"store with {n} interviews of {REPORT_QID} made in {time.perf_counter() - started:.1f} s")
        config.ensure_secret_key(Path(tmp))
        client = create_app({"DB": str(path)}).test_client()
        url = f"/rapporter/{REPORT_QID}"

        def get(query: str = "") -> None:
            response = client.get(url + query)
            assert response.status_code == 200, response.status_code

        first = once(get)
        cached = timed(get, repeat)
        county_first = once(lambda: get("?lan=24"))
        county_cached = timed(lambda: get("?lan=24"), repeat)
        english = once(lambda: client.get("/sprak/en") and get())
        sid = db.execute("select uuid from submissions where status = 'complete' limit 1").fetchone()[0]
        reviewing.set_reviewed(db, sid, True, actor="bench")
        after_review = once(get)
        again = once(get)
        store.create_submission(db, REPORT_QID, "2480")
        after_new = once(get)
        db.conn.close()
    cached_median, cached_p95 = summary(cached)
    county_median, _ = summary(county_cached)
    print(f"reports page, {n} interviews (in process):")
    print(f"  first view                  {first:8.1f} ms")
    print(f"  same view again (cached)    median {cached_median:7.1f} ms  p95 {cached_p95:7.1f} ms")
    print(f"  one county, first / cached  {county_first:8.1f} ms / {county_median:.1f} ms")
    print(f"  in English, first           {english:8.1f} ms")
    print(f"  after a review mark         {after_review:8.1f} ms  (then {again:.1f} ms)")
    print(f"  after a new interview       {after_new:8.1f} ms")
    print(json.dumps({"n": n, "reports_first_ms": round(first, 1), "reports_cached_median_ms": round(cached_median, 1),
                      "reports_cached_p95_ms": round(cached_p95, 1), "reports_after_change_ms": round(after_review, 1)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000, help="submissions in the store")
    parser.add_argument("--repeat", type=int, default=300, help="requests per measurement")
    parser.add_argument("--reports", action="store_true", help="time the reports page instead of the interview page")
    args = parser.parse_args()
    if args.reports:
        reports(args.n, args.repeat)
        return

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        db = store.open_db(path)
        store.init_store(db)
        started = time.perf_counter()
        make_demo(db, args.n, seed=1)
        accounts.set_interviewer(db, "Bench")  # a field laptop starts interviews only once it names who asks
        print(f"store with {args.n} submissions made in {time.perf_counter() - started:.1f} s")
        config.ensure_secret_key(Path(tmp))
        app = create_app({"DB": str(path)})
        client = app.test_client()
        html = client.get("/").data.decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        location = client.post("/start", data={"questionnaire": "kub-webbenkat", "municipality": "2480",
                                               "csrf_token": token}).headers["Location"]
        sid = location.split("/")[2]
        page_url = f"/s/{sid}/del/hinder"
        save_url = f"/s/{sid}/autosave/hinder"
        form = {"csrf_token": token, "hinder.hinder/hyresvardar_samarbete": "instammer_helt",
                "hinder.hinder/statlig_ersattning": "vet_ej"}
        assert client.get(page_url).status_code == 200
        assert client.post(save_url, data=form, headers={"Origin": "http://localhost"}).status_code == 200

        bare = Flask("bare")
        bare.add_url_rule("/", "bare", lambda: "ok")
        bare_client = bare.test_client()

        for _ in range(20):  # warm up every path
            bare_client.get("/"), client.get(page_url), client.post(save_url, data=form)
        local_baseline = timed(lambda: bare_client.get("/"), args.repeat)
        local_page = timed(lambda: client.get(page_url), args.repeat)
        local_save = timed(lambda: client.post(save_url, data=form), args.repeat)

        port, server = serve(app, bare)
        cookie = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
        http_client = HttpClient(port, cookie)
        body = "&".join(f"{k}={v}" for k, v in form.items())
        assert http_client.get("/bare/") == 200 and http_client.get(page_url) == 200
        assert http_client.post(save_url, body) == 200
        for _ in range(20):
            http_client.get("/bare/"), http_client.get(page_url), http_client.post(save_url, body)
        baseline = timed(lambda: http_client.get("/bare/"), args.repeat)
        page = timed(lambda: http_client.get(page_url), args.repeat)
        save = timed(lambda: http_client.post(save_url, body), args.repeat)
        http_client.conn.close()  # the server's thread is a daemon: it ends with the bench, mid-loop or not

    local = [summary(x) for x in (local_baseline, local_page, local_save)]
    print("in process (Flask test client):")
    for name, (median, p95) in zip(("bare route", "interview GET", "autosave POST"), local):
        print(f"  {name:15s} median {median:7.3f} ms  p95 {p95:7.3f} ms  ({median / local[0][0]:.1f}x bare)")
    base_median, base_p95 = summary(baseline)
    page_median, page_p95 = summary(page)
    save_median, save_p95 = summary(save)
    print("over HTTP (waitress, keep-alive, 127.0.0.1):")
    print(f"  bare route      median {base_median:7.3f} ms  p95 {base_p95:7.3f} ms")
    print(f"  interview GET   median {page_median:7.3f} ms  p95 {page_p95:7.3f} ms  ({page_median / base_median:.1f}x bare)")
    print(f"  autosave POST   median {save_median:7.3f} ms  p95 {save_p95:7.3f} ms  ({save_median / base_median:.1f}x bare)")
    print(json.dumps({
        "n": args.n, "median_ms": round(page_median, 3), "p95_ms": round(page_p95, 3),
        "autosave_median_ms": round(save_median, 3), "autosave_p95_ms": round(save_p95, 3),
        "baseline_median_ms": round(base_median, 3), "ratio": round(page_median / base_median, 2),
        "autosave_ratio": round(save_median / base_median, 2),
        "in_process_median_ms": round(local[1][0], 3), "in_process_baseline_median_ms": round(local[0][0], 3),
        "in_process_ratio": round(local[1][0] / local[0][0], 2),
    }))


if __name__ == "__main__":
    main()
