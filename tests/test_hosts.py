"""The pages answer only to the host names they are served under (no DNS rebinding into a laptop)."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from fieldkit import config
from fieldkit.app import create_app


def test_a_laptop_answers_localhost_and_refuses_any_other_host(store_path):
    app = create_app({"DB": str(store_path), "TESTING": True})
    client = app.test_client()
    for host in ("localhost:5000", "127.0.0.1:5000", "localhost"):
        assert client.get("/", headers={"Host": host}).status_code == 200, host
    refused = client.get("/intervjuer", headers={"Host": "rebound.attacker.example:5000"})
    assert refused.status_code == 400
    assert "Okänd värd" in refused.get_data(as_text=True) and "Unknown host" in refused.get_data(as_text=True)


def test_configured_names_and_the_listening_address_are_accepted(store_path):
    app = create_app({"DB": str(store_path), "TESTING": True, "ALLOWED_HOSTS": "Fieldkit.lst.se, survey.example",
                      "LISTEN_HOST": "192.168.1.20"})
    client = app.test_client()
    for host in ("fieldkit.lst.se", "survey.example:8443", "192.168.1.20:5000", "localhost"):
        assert client.get("/", headers={"Host": host}).status_code == 200, host
    assert client.get("/", headers={"Host": "other.example"}).status_code == 400


def test_the_trusted_hosts_follow_the_listening_address():
    assert config.trusted_hosts("", "0.0.0.0") is None, "serving every address with no names: any host"
    assert config.trusted_hosts("a.example", "0.0.0.0") == [*config.LOOPBACK_HOSTS, "a.example"]
    assert config.trusted_hosts("", "127.0.0.1") == [*config.LOOPBACK_HOSTS, "127.0.0.1"]


@pytest.mark.slow
def test_serve_on_a_busy_port_says_so_without_a_traceback(store_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "fieldkit", "--db", str(store_path), "serve", "--port",
                                 str(port)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"Error: cannot listen on 127.0.0.1:{port}: Address already in use" in result.stderr
    assert "Traceback" not in result.stderr
