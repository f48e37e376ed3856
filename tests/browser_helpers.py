"""Headless Debian Chromium through Playwright, for end-to-end tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def require_chromium() -> None:
    """Skip on a developer machine without Chromium; in CI (.ci/run installs it) a missing browser fails."""
    if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")


def artifacts_dir(name: str) -> Path:
    folder = ARTIFACTS / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def wait_for_service_worker(page) -> None:
    """Wait until the offline app's service worker controls the page (it takes control once it has kept the
    app's files), on the `controllerchange` event rather than by polling: wait_for_function would evaluate a
    string, which the app's CSP forbids, and a poll with a deadline fails on a slow machine."""
    page.evaluate("""() => navigator.serviceWorker.controller !== null || new Promise(resolve =>
        navigator.serviceWorker.addEventListener("controllerchange", () => resolve(true), {once: true}))""")


def stored_draft(store_path, sid: str) -> dict:
    """The draft of an interview as the server stored it (raw values under "raw"), read from the store file."""
    from sync import store

    db = store.open_db(store_path)
    try:
        return store.get_submission(db, sid).draft
    finally:
        db.conn.close()


def log_in(page, base: str, name: str, password: str | None = None) -> None:
    """Log in on the central's login page and wait until it has left it.

    The login page first derives the offline app's password verifier (webapp/login.js), then sends the
    form: a navigation started before that would abort the login.
    """
    from central_helpers import PASSWORD

    page.goto(base + "/logga-in")
    page.get_by_label("Användarnamn").fill(name)
    page.get_by_label("Lösenord").fill(password or PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(lambda url: "/logga-in" not in url)
