"""Run `fieldkit serve` as a real subprocess and talk to it over HTTP, as a browser would."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

FIELDKIT = [sys.executable, "-m", "fieldkit"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`fieldkit serve` on a free port; `kill()` sends SIGKILL."""

    def __init__(self, db_path: Path):
        self.db_path = db_path
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Server":
        env = dict(os.environ, FIELDKIT_DB=str(self.db_path))
        self.process = subprocess.Popen(FIELDKIT + ["serve", "--port", str(self.port)], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    with self.process.stderr:
                        raise RuntimeError(self.process.stderr.read().decode())
                time.sleep(0.05)
        raise RuntimeError("fieldkit serve did not start")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.process and self.process.stderr:
            self.process.stderr.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.kill()


class Browser:
    """A cookie-keeping HTTP client that sends the CSRF token like the pages do."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.token = None

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=10) as response:
            html = response.read().decode()
        match = re.search(r'name="csrf_token" value="([^"]+)"', html)
        if match:
            self.token = match.group(1)
        return html

    def post(self, path: str, data: list[tuple[str, str]] | dict, *, fetch: bool = False):
        pairs = list(data.items()) if isinstance(data, dict) else list(data)
        body = urllib.parse.urlencode(pairs + [("csrf_token", self.token)]).encode()
        headers = {"Origin": self.base}
        if fetch:
            headers["X-Requested-With"] = "fetch"
        request = urllib.request.Request(self.base + path, data=body, headers=headers, method="POST")
        return self.opener.open(request, timeout=10)
