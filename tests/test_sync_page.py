"""The laptop's sync page: connect to a central, send, fetch, save a bundle and read an ack, all without a terminal."""

from __future__ import annotations

from sync import acks, devices, records, store

from sync_helpers import Server, interview


def _code(central) -> str:
    _device, code = devices.enrol(central, "anna", actor="ada")
    return code


def test_a_laptop_connects_sends_and_fetches_from_the_page(client, db, tmp_path, make_central):
    central = make_central(tmp_path / "central" / "central.db")
    with Server(tmp_path / "central" / "central.db") as server:
        page = client.get("/sync/").get_data(as_text=True)
        assert "Datorn är inte kopplad till någon server än." in page
        done = client.post("/sync/koppla", data={"url": server.url, "code": _code(central)}, follow_redirects=True)
        assert f"Kopplad till {server.url}" in done.get_data(as_text=True)
        assert "vanlig http" not in done.get_data(as_text=True), "localhost over http is no risk"
        sid = interview(db)
        sent = client.post("/sync/skicka", follow_redirects=True).get_data(as_text=True)
        assert "1 revidering skickad, 1 kvitterade; 0 väntar fortfarande." in sent
        assert store.get_submission(central, sid).status == "complete"
        fetched = client.post("/sync/hamta", follow_redirects=True).get_data(as_text=True)
        assert "Nya formulärversioner: inga." in fetched and "0 intervjuer uppdaterade från servern." in fetched
    central.conn.close()


def test_sending_with_the_central_unreachable_says_nothing_is_lost(client, db, tmp_path, make_central):
    central = make_central(tmp_path / "central.db")
    devices.setup(db, "http://127.0.0.1:9", _code(central))  # nothing listens there
    central.conn.close()
    interview(db)
    page = client.post("/sync/skicka", follow_redirects=True).get_data(as_text=True)
    assert "Inget mer kunde skickas" in page and "inget går förlorat" in page
    assert records.count_unacknowledged(db) == 1


def test_a_wrong_enrolment_code_is_refused_on_the_page(client, db):
    page = client.post("/sync/koppla", data={"url": "https://fieldkit.lst.se", "code": "not-a-code"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Datorn kunde inte kopplas:" in page
    assert not store.get_settings(db).get("sync_url")


def test_a_bundle_is_saved_to_a_folder_and_a_missing_drive_is_named(client, db, tmp_path, make_central):
    central = make_central(tmp_path / "central.db")
    client.post("/sync/koppla", data={"url": "https://fieldkit.lst.se", "code": _code(central)})
    interview(db)
    missing = client.post("/sync/paket", data={"folder": str(tmp_path / "usb")}, follow_redirects=True)
    assert f"Inget paket skrevs: the folder {tmp_path / 'usb'} does not exist" in missing.get_data(as_text=True)
    (tmp_path / "usb").mkdir()
    saved = client.post("/sync/paket", data={"folder": str(tmp_path / "usb")}, follow_redirects=True)
    assert "1 revidering. Lämna den till servern" in saved.get_data(as_text=True)
    (bundle,) = (tmp_path / "usb").glob("fieldkit-*.fkb")
    assert "vanlig http" not in saved.get_data(as_text=True)
    # The central's acknowledgement read back from the page marks the revision as sent.
    from sync.ingest import ingest

    ingest(central, bundle)
    acks.write_ack_file(central, "anna", tmp_path / "usb" / "anna.ack")
    read = client.post("/sync/kvittens", data={"file": str(tmp_path / "usb" / "anna.ack")},
                       follow_redirects=True).get_data(as_text=True)
    assert "1 revideringar nyss kvitterade; 0 väntar fortfarande." in read
    assert records.count_unacknowledged(db) == 0
    central.conn.close()


def test_a_central_over_plain_http_is_warned_about(client, db, tmp_path, make_central):
    central = make_central(tmp_path / "central.db")
    client.post("/sync/koppla", data={"url": "http://fieldkit.lst.se", "code": _code(central)})
    assert "Adressen är vanlig http" in client.get("/sync/").get_data(as_text=True)
    central.conn.close()
