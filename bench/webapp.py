"""Benchmark: the offline web app in headless Chromium: opening a section page, saving an answer, and its size.

A field store (no login) is served by waitress on 127.0.0.1; Chromium loads /app/ once, the
service worker takes control, and the network is cut. In the page, with the server unreachable:

- open a section: from setting location.hash to the page drawn (the app's `data-rendered` count
  moves), cycling through the sections the answers make relevant;
- save an answer: from an input event on a question to the "Saved in this browser" line, i.e. the
  write to IndexedDB committed and the page updated after it.

Both as median and p95 in milliseconds over N. Then the bytes the app keeps: every response in
Cache Storage (the shell, scripts, styles and the data files), the browser's estimate of IndexedDB,
and the one questionnaire's JSON form as stored. Prints figures; the last line is JSON.

Example: python bench/webapp.py --n 200
Example: python bench/webapp.py --questionnaire smak-kontaktlogg --n 100
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
from pathlib import Path

import waitress

from fieldkit import config
from fieldkit.app import create_app
from sync import store

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]

OPEN_SECTION = """async ([uuid, sections, n]) => {
  const body = document.body, samples = [];
  const drawn = (before, route) => new Promise(done => {
    const check = () => body.dataset.rendered !== before && body.dataset.route === route;
    if (check()) return done();
    const seen = new MutationObserver(() => { if (check()) { seen.disconnect(); done(); } });
    seen.observe(body, {attributes: true});
  });
  for (let i = 0; i < n; i++) {
    const route = "#/i/" + uuid + "/s/" + sections[i % sections.length];
    if (body.dataset.route === route) continue;
    const before = body.dataset.rendered, start = performance.now();
    location.hash = route;
    await drawn(before, route);
    samples.push(performance.now() - start);
  }
  return samples;
}"""

SAVE_ANSWER = """async (n) => {
  const input = document.querySelector("#interview input[type=text], #interview textarea");
  const state = document.getElementById("save-state"), samples = [];
  for (let i = 0; i < n; i++) {
    const saved = new Promise(done => {
      const seen = new MutationObserver(() => { seen.disconnect(); done(); });
      seen.observe(state, {childList: true, characterData: true, subtree: true});
    });
    input.value = "svar " + i;
    const start = performance.now();
    input.dispatchEvent(new Event("input", {bubbles: true}));
    await saved;
    samples.push(performance.now() - start);
  }
  return samples;
}"""

SIZES = """async ([qid, version]) => {
  let cache = 0;
  const files = {};
  for (const name of await caches.keys()) {
    const box = await caches.open(name);
    for (const request of await box.keys()) {
      const bytes = (await (await box.match(request)).arrayBuffer()).byteLength;
      files[new URL(request.url).pathname] = bytes;
      cache += bytes;
    }
  }
  const estimate = await navigator.storage.estimate();
  const form = await FieldkitStorage.getForm(qid, version);
  return {cache: cache, files: files, idb: (estimate.usageDetails || {}).indexedDB || null,
          usage: estimate.usage, form: new TextEncoder().encode(JSON.stringify(form)).length};
}"""


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def serve(folder: Path) -> tuple[waitress.server.BaseWSGIServer, str]:
    path = folder / "fieldkit.db"
    db = store.open_db(path)
    store.init_store(db, interviewer="Bench")
    db.conn.close()
    config.ensure_secret_key(folder)
    app = create_app({"DB": str(path)})
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    return server, f"http://127.0.0.1:{server.effective_port}"


def run(n: int, qid: str) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        server, base = serve(Path(tmp))
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            page.goto(base + "/app/")
            page.wait_for_selector("body[data-ready='1'] #start")
            for _ in range(100):
                if page.evaluate("navigator.serviceWorker.controller !== null"):
                    break
                page.wait_for_timeout(100)
            server.close()
            context.set_offline(True)
            page.reload()
            page.wait_for_selector("body[data-ready='1'] #start")
            started = page.evaluate("""async (qid) => {
                const form = (await FieldkitStorage.currentForms()).find(f => f.id === qid);
                const interview = await FieldkitStorage.startInterview(form, {code: "2480", county_code: "24"});
                const sections = FieldkitAnswers.sections(form, interview.raw).sections.map(s => s.id);
                return {uuid: interview.uuid, version: form.version, sections: sections};
            }""", qid)
            opened = page.evaluate(OPEN_SECTION, [started["uuid"], started["sections"], n])
            # Saving: on the first section with a text answer.
            for section in started["sections"]:
                page.evaluate("([u, s]) => { location.hash = '#/i/' + u + '/s/' + s; }", [started["uuid"], section])
                page.wait_for_selector(f"body[data-route$='/s/{section}'] #interview")
                if page.locator("#interview input[type=text]:visible, #interview textarea:visible").count():
                    break
            saved = page.evaluate(SAVE_ANSWER, n)
            sizes = page.evaluate(SIZES, [qid, started["version"]])
        finally:
            browser.close()
            server.close()
    open_med, open_p95 = summary(opened)
    save_med, save_p95 = summary(saved)
    return {"questionnaire": qid, "n": n, "sections": len(started["sections"]),
            "open_section_ms": {"median": round(open_med, 2), "p95": round(open_p95, 2)},
            "save_answer_ms": {"median": round(save_med, 2), "p95": round(save_p95, 2)},
            "cache_bytes": sizes["cache"], "indexeddb_bytes": sizes["idb"], "form_bytes": sizes["form"],
            "forms_json_bytes": sizes["files"].get("/app/forms.json"), "usage_bytes": sizes["usage"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="section openings and saves to time")
    parser.add_argument("--questionnaire", default="kub-webbenkat", help="the questionnaire to interview")
    args = parser.parse_args()
    result = run(args.n, args.questionnaire)
    print(f"questionnaire {result['questionnaire']}: {result['sections']} relevant sections, N = {result['n']}")
    print(f"open a section page: median {result['open_section_ms']['median']} ms, "
          f"p95 {result['open_section_ms']['p95']} ms")
    print(f"save an answer:      median {result['save_answer_ms']['median']} ms, "
          f"p95 {result['save_answer_ms']['p95']} ms")
    print(f"Cache Storage (app shell, scripts, data): {result['cache_bytes'] / 1024:.1f} KiB, of which forms.json "
          f"{(result['forms_json_bytes'] or 0) / 1024:.1f} KiB")
    print(f"IndexedDB (browser's estimate): {(result['indexeddb_bytes'] or 0) / 1024:.1f} KiB; "
          f"the questionnaire's stored JSON form: {result['form_bytes'] / 1024:.1f} KiB")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
