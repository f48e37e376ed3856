"""The audit log: every change that matters leaves one entry saying who, what and from where."""

from __future__ import annotations

import pytest

from sync import accounts, audit, store
from fieldkit.cli import main
from sync import client, devices
from sync.bundle import write_bundle

from central_helpers import logged_in, make_submission
from sync_helpers import Server, interview


def test_review_actions_are_audited_without_answer_values(central_app, cdb):
    sid = make_submission(cdb)
    client_ = logged_in(central_app, "evaluator")
    section = "tillgang_bostader"
    page = client_.get(f"/granskning/{sid}/andra/{section}")
    assert page.status_code == 200
    before = store.get_submission(cdb, sid).answers
    form = {"comment": "Kommunen ringde och rättade svaret", "base": store.get_submission(cdb, sid).head_revision}
    for key, value in before.items():
        if key.startswith("tillgang_bostader.") and isinstance(value, dict):
            for item, code in value.items():
                form[f"{key}/{item}"] = "vet_ej" if code != "vet_ej" else "mycket_svart"
    assert client_.post(f"/granskning/{sid}/andra/{section}", data=form).status_code == 302
    client_.post(f"/granskning/{sid}/granskad", data={"reviewed": "1"})
    client_.post(f"/granskning/{sid}/exkludera", data={"excluded": "1", "reason": "Dubblett av annan intervju"})
    entries = audit.entries(cdb, target=sid)
    assert [e["action"] for e in entries] == ["excluded", "reviewed", "edit"]
    assert {e["actor"] for e in entries} == {"eva"}
    edit = entries[2]["details"]
    assert edit["comment"] == "Kommunen ringde och rättade svaret" and edit["number"] == 2
    assert edit["questions"] and edit["questions"] == ["tillgang_bostader.tillgang"]
    assert entries[0]["details"] == {"reason": "Dubblett av annan intervju"}
    assert "vet_ej" not in str(edit), "audit details name questions, never answer values"


def test_user_changes_on_the_admin_page_are_audited(central_app, cdb):
    admin = logged_in(central_app, "admin")
    response = admin.post("/admin/anvandare", data={"name": "nils", "role": "county", "county": "12",
                                                    "password": "ett långt lösenord", "password_again": "ett långt lösenord"})
    assert response.status_code == 302
    admin.post("/admin/anvandare/status", data={"name": "nils", "disabled": "1"})
    entries = audit.entries(cdb, target="nils")
    assert [(e["actor"], e["action"]) for e in entries] == [("ada", "user_disabled"), ("ada", "user_added")]
    assert entries[1]["details"] == {"county": "12", "role": "county"}


def test_an_admin_cannot_disable_themselves(central_app, cdb):
    admin = logged_in(central_app, "admin")
    response = admin.post("/admin/anvandare/status", data={"name": "ADA", "disabled": "1"}, follow_redirects=True)
    assert "Du kan inte stänga av dig själv." in response.get_data(as_text=True)
    assert accounts.get_user(cdb, "ada") is not None
    assert admin.get("/admin/logg").status_code == 200


def test_device_enrolment_revocation_and_cli_ingest_are_audited(runner, central_path, cdb, tmp_path, make_field_store):
    enrolled = runner.invoke(main, ["--db", str(central_path), "devices", "add", "anna"], catch_exceptions=False)
    code = enrolled.output.strip().splitlines()[-1]
    laptop = make_field_store(tmp_path / "laptop.db", "Anna")
    devices.setup(laptop, "http://127.0.0.1:9", code)
    interview(laptop)
    bundle = write_bundle(laptop, tmp_path / "anna.fkb").path
    result = runner.invoke(main, ["--db", str(central_path), "sync", "ingest", str(bundle)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    runner.invoke(main, ["--db", str(central_path), "devices", "revoke", "anna"], catch_exceptions=False)
    entries = audit.entries(cdb, limit=3)
    assert [e["action"] for e in entries] == ["device_revoked", "sync_ingest", "device_enrolled"]
    assert all(e["actor"].startswith("cli") for e in entries)
    assert entries[1]["details"]["new"] == 1 and entries[1]["details"]["source"] == "file"
    assert entries[0]["target"] == entries[2]["target"] == "anna"
    laptop.conn.close()


@pytest.mark.slow
def test_a_push_over_http_is_audited_as_the_device(central_path, cdb, tmp_path, make_field_store):
    with Server(central_path) as server:
        _device, code = devices.enrol(cdb, "berit")
        laptop = make_field_store(tmp_path / "laptop.db", "Berit")
        devices.setup(laptop, server.url, code)
        interview(laptop)
        client.push(laptop)
        laptop.conn.close()
    entry = audit.entries(cdb, action="sync_ingest")[0]
    assert entry["actor"] == "device:berit" and entry["details"]["new"] == 1
    assert entry["address"] == "127.0.0.1"


def test_the_audit_page_is_for_admins_and_filters_by_action(central_app, cdb):
    audit.record(cdb, "eva", "export", {"questionnaire": "kub-webbenkat", "counties": ["24"]})
    audit.record(cdb, "eva", "reviewed", target="x")
    for role in ("evaluator", "county", "interviewer"):
        assert logged_in(central_app, role).get("/admin/logg").status_code == 403
    page = logged_in(central_app, "admin").get("/admin/logg?action=export").get_data(as_text=True)
    assert "counties=24 questionnaire=kub-webbenkat" in page  # details of another shape: as key=value
    assert '<td title="export">Export</td>' in page
    assert 'title="reviewed"' not in page
    english = logged_in(central_app, "admin")
    english.get("/sprak/en")
    assert '<td title="reviewed">Marked reviewed</td>' in english.get("/admin/logg?action=reviewed").get_data(as_text=True)
    swedish = logged_in(central_app, "admin").get("/admin/logg?action=reviewed").get_data(as_text=True)
    assert '<td title="reviewed">Markerad som granskad</td>' in swedish


def test_an_action_must_be_a_word(cdb):
    with pytest.raises(audit.AuditError):
        audit.record(cdb, "eva", "drop table; --")


def test_the_audit_log_reads_as_sentences_in_the_pages_language(central_app, cdb):
    audit.record(cdb, "lena", "export", {"format": "xlsx", "questionnaire": "kub-webbenkat", "counties": ["24"],
                                         "submissions": 12, "include_personal": False})
    audit.record(cdb, "device:anna", "sync_ingest", {"source": "http", "bundle": "c1", "new": 3, "updated": 1,
                                                     "unchanged": 0, "conflicts": 0, "rejected": 0})
    audit.record(cdb, "eva", "excluded", {"reason": "Dubblett"}, target="x")
    admin = logged_in(central_app, "admin")
    page = admin.get("/admin/logg").get_data(as_text=True)
    assert "Excel-arbetsbok: kub-webbenkat för Västerbottens län (24), 12 inlämningar." in page
    assert "Mottaget över nätet: 3 nya, 1 uppdaterade, 0 oförändrade, 0 konflikter, 0 avvisade." in page
    assert "Skäl: Dubblett" in page
    admin.get("/sprak/en")
    english = admin.get("/admin/logg").get_data(as_text=True)
    assert "Excel workbook: kub-webbenkat for Västerbottens län (24), 12 submissions." in english
    assert "Received over the network: 3 new, 1 updated" in english


def test_an_import_reads_as_a_sentence(central_app, cdb):
    audit.record(cdb, "cli:anna", "import_submissions", {"file": "omgang.xlsx", "format": "xlsx", "rows": 12,
                                                          "added": 10, "updated": 0, "unchanged": 2},
                 target="kub-webbenkat")
    page = logged_in(central_app, "admin").get("/admin/logg").get_data(as_text=True)
    assert '<td title="import_submissions">Inlämningar importerade</td>' in page
    assert "Från omgang.xlsx: 12 rader, 10 tillagda, 0 uppdaterade, 2 oförändrade." in page
