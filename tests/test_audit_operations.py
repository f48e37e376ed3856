"""Each audited operation writes its own entry, in the same transaction as the change it records.

So every adaptor (pages, the sync API, the command line) gets the entry without writing it, and
a change is never kept without its entry: if the entry cannot be written, the change is undone.
"""

from __future__ import annotations

import pytest

from exports import ExportFilter, export_report
from sync import audit, devices, reviewing, store
from sync.bundle import write_bundle
from sync.ingest import ingest
from sync.selection import Scope

from central_helpers import IN_COUNTY, make_submission
from sync_helpers import interview


class Refused(Exception):
    pass


@pytest.fixture
def break_audit(monkeypatch):
    """Call it to make audit entries fail to be written from then on, as a full disk would."""
    def refuse(*args, **kwargs):
        raise Refused("the audit log cannot be written")
    return lambda: monkeypatch.setattr(audit, "record", refuse)


@pytest.fixture
def bundle(cdb, tmp_path, make_laptop):
    """A bundle of one interview from Anna's laptop, enrolled on the central."""
    laptop = make_laptop(tmp_path / "laptop.db", cdb, "anna")
    interview(laptop)
    path = write_bundle(laptop, tmp_path / "anna.fkb").path
    laptop.conn.close()
    return path


def test_an_ingest_records_itself_as_the_device_unless_someone_ran_it(cdb, bundle):
    ingest(cdb, bundle)
    entry = audit.entries(cdb, action="sync_ingest")[0]
    assert entry["actor"] == "device:anna" and entry["details"]["new"] == 1 and entry["details"]["source"] == "file"
    ingest(cdb, bundle, actor="cli:root")
    assert audit.entries(cdb, action="sync_ingest")[0]["actor"] == "cli:root"


def test_an_ingest_whose_audit_entry_fails_imports_nothing(cdb, bundle, break_audit):
    break_audit()
    with pytest.raises(Refused):
        ingest(cdb, bundle)
    assert cdb["submissions"].count == 0 and cdb["sync_ingests"].count == 0


def test_enrolment_and_revocation_record_themselves(cdb):
    device, _code = devices.enrol(cdb, "berit", actor="ada")
    devices.revoke(cdb, "berit", actor="ada")
    devices.revoke(cdb, "berit", actor="ada")  # already revoked: nothing changes, nothing is logged
    entries = audit.entries(cdb, limit=5)
    assert [(e["action"], e["actor"], e["target"], e["details"]) for e in entries[:2]] == [
        ("device_revoked", "ada", "berit", {"id": device.id}),
        ("device_enrolled", "ada", "berit", {"id": device.id}),
    ]
    assert [e["action"] for e in entries].count("device_revoked") == 1


def test_an_enrolment_whose_audit_entry_fails_enrols_nothing(cdb, break_audit):
    break_audit()
    with pytest.raises(Refused):
        devices.enrol(cdb, "berit", actor="ada")
    assert devices.list_devices(cdb) == []


def test_a_review_action_whose_audit_entry_fails_changes_nothing(cdb, break_audit):
    sid = make_submission(cdb)
    break_audit()
    with pytest.raises(Refused):
        reviewing.set_excluded(cdb, sid, True, actor="eva", reason="Dubblett")
    assert not store.get_submission(cdb, sid).excluded


def test_an_export_records_what_went_out_and_never_personal_answers_beyond_the_scope(cdb):
    make_submission(cdb, municipality=IN_COUNTY)
    report = export_report(cdb, ExportFilter("kub-webbenkat", counties=("01",)), "xlsx", actor="lena",
                           include_personal=True, scope=Scope(county_code="24", personal=False), address="10.0.0.7")
    entry = audit.entries(cdb, action="export")[0]
    assert entry["actor"] == "lena" and entry["address"] == "10.0.0.7" and entry["target"] == "kub-webbenkat"
    assert entry["details"]["counties"] == ["24"], "the scope's county, not the one asked for"
    assert entry["details"]["include_personal"] is False and entry["details"]["submissions"] == report.n == 1
    assert entry["details"]["format"] == "xlsx"
