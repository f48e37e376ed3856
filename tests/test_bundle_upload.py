"""The central's upload page for bundle files: the CLI's ingest from a browser, said as a sentence and audited."""

from __future__ import annotations

import gzip
import io
import re

import pytest

from fieldkit.app import create_app
from sync import audit
from sync.bundle import record_line, write_bundle

from central_helpers import PASSWORD, logged_in
from sync_helpers import interview, record_texts, rewrite_zip


@pytest.fixture
def laptop_bundle(tmp_path, cdb, make_laptop):
    """A bundle of three completed interviews from the laptop `anna`, enrolled on the central."""
    laptop = make_laptop(tmp_path / "laptop.db", cdb, "anna")
    for n in range(3):
        interview(laptop, {"lok.har_lok": "ja" if n % 2 else "nej"})
    path = write_bundle(laptop, tmp_path / "anna.fkb").path
    laptop.conn.close()
    return path


def _upload(client, path, name=None):
    return client.post("/admin/paket/", data={"bundle": (io.BytesIO(path.read_bytes()), name or path.name)},
                       content_type="multipart/form-data")


def test_an_admin_uploads_a_laptop_bundle_and_reads_what_it_did(central_app, cdb, laptop_bundle):
    admin = logged_in(central_app, "admin")
    page = admin.get("/admin/paket/").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and "Högst 256 MB" in page

    response = _upload(admin, laptop_bundle)
    assert response.status_code == 200
    assert "anna.fkb: 3 nya, 0 uppdaterade, 0 oförändrade, 0 konflikter, 0 avvisade." in response.get_data(as_text=True)
    assert cdb["revisions"].count == 3
    entry = audit.entries(cdb, action="sync_ingest")[0]
    assert (entry["actor"], entry["details"]["new"], entry["details"]["source"]) == ("ada", 3, "file")

    again = _upload(admin, laptop_bundle).get_data(as_text=True)
    assert ("anna.fkb: 0 nya, 0 uppdaterade, 3 oförändrade, 0 konflikter, 0 avvisade. "
            "Inget ändrades: centralen hade redan allt.") in again
    assert cdb["revisions"].count == 3


def test_a_tampered_bundle_is_refused_whole_with_its_reason_and_audited(central_app, cdb, laptop_bundle, tmp_path):
    texts = record_texts(laptop_bundle)
    changed = texts[-1].replace('"nej"', '"ja"') if '"nej"' in texts[-1] else texts[-1].replace('"ja"', '"nej"')

    def change(name, data):
        if name != "records.jsonl.gz":
            return data
        lines = gzip.decompress(data).decode().splitlines()
        lines[-1] = record_line(changed).decode().rstrip("\n")
        return gzip.compress(("\n".join(lines) + "\n").encode())

    tampered = tmp_path / "anna-andrad.fkb"
    rewrite_zip(laptop_bundle, tampered, change)
    response = _upload(logged_in(central_app, "admin"), tampered)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "anna-andrad.fkb avvisades (tampered):" in page and "Inget importerades." in page
    assert cdb["revisions"].count == 0
    entry = audit.entries(cdb, action="sync_refused")[0]
    assert (entry["actor"], entry["details"]["file"], entry["details"]["reason"]) == ("ada", "anna-andrad.fkb", "tampered")


def test_a_file_that_is_no_bundle_and_a_missing_file_are_said(central_app, cdb, tmp_path):
    admin = logged_in(central_app, "admin")
    junk = tmp_path / "semester.jpg"
    junk.write_bytes(b"\xff\xd8 not a zip")
    response = _upload(admin, junk)
    assert response.status_code == 422 and "semester.jpg avvisades (not_a_bundle)" in response.get_data(as_text=True)
    empty = admin.post("/admin/paket/", data={}, content_type="multipart/form-data")
    assert empty.status_code == 422 and "Välj en paketfil (.fkb) att ladda upp." in empty.get_data(as_text=True)
    # A name with a path in it is made safe: nothing is written outside the upload's own folder.
    odd = _upload(admin, junk, name="../../etc/passwd")
    assert "etc_passwd avvisades" in odd.get_data(as_text=True)


def test_a_file_over_the_limit_gets_413_and_imports_nothing(central_path, cdb, laptop_bundle):
    app = create_app({"DB": str(central_path), "TESTING": True, "WTF_CSRF_ENABLED": False, "UPLOAD_MAX_BYTES": 1024})
    response = _upload(logged_in(app, "admin"), laptop_bundle)
    assert response.status_code == 413
    assert cdb["revisions"].count == 0


def test_the_upload_is_refused_without_a_csrf_token(central_csrf_app, cdb, laptop_bundle):
    client = central_csrf_app.test_client()
    page = client.get("/logga-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/logga-in", data={"name": "ada", "password": PASSWORD, "csrf_token": token}).status_code == 302
    response = _upload(client, laptop_bundle)
    assert response.status_code == 400
    assert cdb["revisions"].count == 0


def test_an_evaluator_may_not_upload(central_app, cdb, laptop_bundle):
    assert _upload(logged_in(central_app, "evaluator"), laptop_bundle).status_code == 403
    assert cdb["revisions"].count == 0
