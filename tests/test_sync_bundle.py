"""Bundles: writing, verifying and ingesting; every kind of bad bundle is refused and imports nothing."""

from __future__ import annotations

import gzip
import json
import zipfile

import pytest

from sync import store
from forms.loader import from_dict
from sync import audit, devices, records
from sync.bundle import record_line, write_bundle
from sync.errors import BundleRejected
from sync.ingest import ingest

from sync_helpers import copy_submission, counts, dump, edit, interview, manifest, record_texts, resign, rewrite_zip


@pytest.fixture
def central(tmp_path, make_central):
    db = make_central(tmp_path / "central.db")
    yield db
    db.conn.close()


@pytest.fixture
def laptop(tmp_path, central, make_laptop):
    db = make_laptop(tmp_path / "laptop.db", central, "anna")
    for n in range(3):
        interview(db, {"lok.har_lok": "ja" if n % 2 else "nej"})
    yield db
    db.conn.close()


@pytest.fixture
def bundle(tmp_path, laptop):
    return write_bundle(laptop, tmp_path / "anna.fkb").path


def ident(db):
    return devices.identity(db)


def test_bundle_carries_manifest_records_and_questionnaire(bundle, laptop):
    meta = manifest(bundle)
    assert meta["format"] == "fieldkit-bundle" and meta["format_version"] == 1
    assert meta["device_id"] == ident(laptop).device_id
    assert meta["counts"] == {"questionnaires": 1, "revisions": 3, "submissions": 3}
    assert [q["id"] for q in meta["questionnaires"]] == ["kub-webbenkat"]
    texts = record_texts(bundle)
    assert json.loads(texts[0])["kind"] == "questionnaire"
    assert [json.loads(t)["kind"] for t in texts[1:]] == ["revision"] * 3
    assert not bundle.with_name(bundle.name + ".partial").exists()


def test_ingest_imports_every_revision_and_acknowledges_them(bundle, central, laptop):
    result = ingest(central, bundle)
    assert result.counts == {"new": 3, "updated": 0, "unchanged": 0, "conflicts": 0, "rejected": 0}
    assert central["submissions"].count == 3
    for row in laptop.query("select * from revisions"):
        held = next(central.query("select * from revisions where id = ?", [row["id"]]))
        assert held == row
    assert sorted(result.acknowledged) == sorted(r["id"] for r in laptop.query("select id from revisions"))
    assert store.integrity_ok(central)


def test_answers_with_swedish_text_are_held_as_the_laptops_text(tmp_path, central, laptop):
    """The import stores the record's own bytes of the answers: as text, byte for byte the laptop's."""
    said = "Hälsoundersökning saknas ofta – \"åtgärd\" ønskes; 北"
    sid = interview(laptop, {"lok.har_lok": "ja", "forslag.effektivisering": said})
    ingest(central, write_bundle(laptop, tmp_path / "anna.fkb").path)
    mine = laptop.execute("select answers from revisions where submission_uuid = ?", [sid]).fetchone()[0]
    assert central.execute("select typeof(answers), answers from revisions where submission_uuid = ?",
                           [sid]).fetchone() == ("text", mine)
    assert central.execute("select typeof(answers), answers from submissions where uuid = ?",
                           [sid]).fetchone() == ("text", mine)
    assert store.get_submission(central, sid).answers["forslag.effektivisering"] == said


def test_reingesting_the_same_bundle_changes_nothing_and_says_so(bundle, central):
    ingest(central, bundle)
    before = dump(central)
    again = ingest(central, bundle)
    assert again.counts == {"new": 0, "updated": 0, "unchanged": 3, "conflicts": 0, "rejected": 0}
    assert "nothing changed" in again.summary()
    bookkeeping = ("sync_ingests", "sync_devices", "audit_log")  # when it was seen, and that it was imported

    def data(lines):
        return [line for line in lines if not any(table in line for table in bookkeeping)]

    assert data(dump(central)) == data(before)
    logged = central.execute("select action, actor, details from audit_log order by id desc limit 1").fetchone()
    assert logged[0] == "sync_ingest" and logged[1] == "device:anna" and '"unchanged":3' in logged[2]


def test_a_newer_revision_replaces_the_head_and_every_revision_is_kept(tmp_path, bundle, central, laptop):
    ingest(central, bundle)
    sid = next(laptop.query("select uuid from submissions"))["uuid"]
    edit(laptop, sid, {"lok.har_lok": "ja", "lok.bosattning_bostader": "ja"})
    second = write_bundle(laptop, tmp_path / "second.fkb").path
    result = ingest(central, second)
    assert result.counts["updated"] == 1 and result.counts["unchanged"] == 3
    sub = store.get_submission(central, sid)
    assert sub.revision == 2 and sub.answers["lok.har_lok"] == "ja" and not sub.conflict
    assert [r["number"] for r in store.list_revisions(central, sid)] == [1, 2]


def test_revision_hash_from_text_equals_the_store_hash():
    row = {"submission_uuid": "s", "questionnaire_id": "q", "questionnaire_version": "1",
           "municipality_code": "2480", "parent_id": None, "merge_parent_id": "m"}
    answers = {"a": "Å \"x\"", "b": [1, 2.5], "c": {"z": None}}
    expected = store.revision_hash("s", "q", "1", "2480", answers, None, "m")
    assert records.revision_hash(row, records.dumps(answers)) == expected


# -- refused bundles: nothing imported ----------------------------------------------

def without_audit(lines):
    return [line for line in lines if "audit_log" not in line]


def assert_refused(central, path, reason, message):
    before = dump(central)
    with pytest.raises(BundleRejected) as caught:
        ingest(central, path)
    assert caught.value.reason == reason
    assert message in str(caught.value)
    assert without_audit(dump(central)) == without_audit(before)
    (entry,) = audit.entries(central, action="sync_refused")
    assert entry["details"]["reason"] == reason and message in entry["details"]["message"]
    return str(caught.value)


def test_ingest_rejects_truncated_bundle(tmp_path, bundle, central):
    cut = tmp_path / "cut.fkb"
    data = bundle.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    assert_refused(central, cut, "truncated", "cut.fkb: the file is truncated (the zip directory at its end is missing)")


def test_ingest_rejects_corrupted_bundle(tmp_path, bundle, central):
    bad = tmp_path / "bad.fkb"
    data = bytearray(bundle.read_bytes())
    with zipfile.ZipFile(bundle) as zf:
        info = zf.getinfo("records.jsonl.gz")
    middle = info.header_offset + 30 + len(info.filename) + 20 + info.compress_size // 2
    data[middle] ^= 0xFF
    bad.write_bytes(bytes(data))
    assert_refused(central, bad, "corrupted", "bad.fkb: records.jsonl.gz is damaged (Bad CRC-32")


def test_ingest_rejects_tampered_records(tmp_path, bundle, central):
    texts = record_texts(bundle)
    changed = texts[-1].replace('"nej"', '"ja"') if '"nej"' in texts[-1] else texts[-1].replace('"ja"', '"nej"')
    tampered = tmp_path / "tampered.fkb"

    def change(name, data):
        if name != "records.jsonl.gz":
            return data
        lines = gzip.decompress(data).decode().splitlines()
        lines[-1] = record_line(changed).decode().rstrip("\n")
        return gzip.compress(("\n".join(lines) + "\n").encode())

    rewrite_zip(bundle, tampered, change)
    assert_refused(central, tampered, "tampered", "the records were changed after signing")


def test_ingest_rejects_tampered_manifest(tmp_path, bundle, central):
    tampered = tmp_path / "tampered.fkb"

    def change(name, data):
        if name != "manifest.json":
            return data
        meta = json.loads(data)
        meta["counts"]["revisions"] = 1
        return json.dumps(meta).encode()

    rewrite_zip(bundle, tampered, change)
    assert_refused(central, tampered, "tampered",
                   "tampered.fkb: the signature does not match: the manifest was changed after device anna")


def test_ingest_rejects_bundle_from_unknown_device(tmp_path, bundle, central, make_central, make_laptop):
    other = make_central(tmp_path / "other.db")
    stranger = make_laptop(tmp_path / "stranger.db", other, "stranger")
    interview(stranger)
    path = write_bundle(stranger, tmp_path / "stranger.fkb").path
    message = assert_refused(central, path, "unknown_device", "is not enrolled on this central store")
    assert message == (f"stranger.fkb: refused: device {ident(stranger).device_id} "
                       "is not enrolled on this central store")


def test_ingest_rejects_bundle_from_revoked_device(bundle, central):
    devices.revoke(central, "anna")
    assert_refused(central, bundle, "revoked_device", "anna.fkb: refused: device anna (")


def test_ingest_rejects_future_format_version(tmp_path, bundle, central, laptop):
    me = ident(laptop)
    future = resign(bundle, tmp_path / "future.fkb", me.device_id, me.key, format_version=2)
    assert_refused(central, future, "future_format",
                   "future.fkb: bundle format version 2 is newer than this fieldkit reads (version 1); "
                   "upgrade fieldkit on this computer, then ingest the bundle again")


def test_ingest_rejects_a_file_that_is_not_a_bundle(tmp_path, central):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    assert_refused(central, path, "not_a_bundle", "notes.txt: not a fieldkit bundle (not a zip file)")


def test_signed_bundle_with_a_wrong_content_hash_is_refused_whole(tmp_path, bundle, central, laptop):
    me = ident(laptop)
    texts = record_texts(bundle)
    record = json.loads(texts[2])
    record["answers"]["lok.har_lok"] = "vet_ej"
    texts[2] = records.dumps(record)
    bad = resign(bundle, tmp_path / "bad.fkb", me.device_id, me.key, texts=texts)
    assert_refused(central, bad, "invalid_record",
                   f"bad.fkb: record 3: revision {record['id']} has content hash {record['content_hash'][:12]}")


def test_questionnaire_version_with_other_content_is_refused_naming_both_hashes(tmp_path, bundle, central, laptop):
    me = ident(laptop)
    texts = record_texts(bundle)
    record = json.loads(texts[0])
    held = record["content_hash"]
    record["definition"]["title"]["sv"] = "Ändrad titel"
    record["content_hash"] = from_dict(record["definition"]).content_hash
    texts[0] = records.dumps(record)
    bad = resign(bundle, tmp_path / "edited.fkb", me.device_id, me.key, texts=texts)
    message = assert_refused(central, bad, "questionnaire_conflict",
                             f"questionnaire kub-webbenkat version {record['version']}")
    assert held in message and record["content_hash"] in message


def test_unknown_questionnaire_version_travels_with_the_bundle(tmp_path, central, laptop):
    definition = store.get_questionnaire(laptop, "kub-webbenkat").to_dict()
    definition["version"] = "9"
    store.add_questionnaire(laptop, from_dict(definition))
    sid = store.create_submission(laptop, "kub-webbenkat", "2480", version="9")
    store.complete_submission(laptop, sid, {"lok.har_lok": "ja"})
    path = write_bundle(laptop, tmp_path / "v9.fkb").path
    result = ingest(central, path)
    assert result.questionnaires["kub-webbenkat@9"] == "added"
    assert store.get_questionnaire(central, "kub-webbenkat", "9").version == "9"
    assert store.get_submission(central, sid).questionnaire_version == "9"


def test_revision_whose_parent_never_arrives_is_rejected_not_acknowledged(tmp_path, central, laptop, bundle):
    sid = next(laptop.query("select uuid from submissions"))["uuid"]
    edit(laptop, sid, {"lok.har_lok": "vet_ej"})
    me = ident(laptop)
    full = write_bundle(laptop, tmp_path / "full.fkb", log=False).path
    texts = [t for t in record_texts(full) if json.loads(t).get("number") != 1]
    orphan = resign(full, tmp_path / "orphan.fkb", me.device_id, me.key, texts=texts)
    result = ingest(central, orphan)
    assert result.counts["rejected"] == 1
    assert "is neither held here nor in the bundle" in result.rejected[0][1]
    assert result.rejected[0][0] not in result.acknowledged


def test_interview_copied_to_a_second_laptop_arrives_once(tmp_path, central, laptop, bundle, make_laptop):
    ingest(central, bundle)
    other = make_laptop(tmp_path / "b.db", central, "bertil")
    sid = next(laptop.query("select uuid from submissions"))["uuid"]
    copy_submission(laptop, other, sid)
    result = ingest(central, write_bundle(other, tmp_path / "b.fkb").path)
    assert result.counts["unchanged"] == 1
    assert counts(central)["revisions"] == 3


def test_a_bundle_from_another_writer_with_its_own_json_layout_is_accepted(tmp_path, bundle, central, laptop):
    me = ident(laptop)
    texts = []
    for text in record_texts(bundle):
        record = json.loads(text)
        # Keys in another order, spaces after separators, non-ASCII escaped: the same JSON values.
        texts.append(json.dumps(dict(reversed(list(record.items()))), ensure_ascii=True))
    assert not any(t.startswith('{"answers":') for t in texts)
    other = resign(bundle, tmp_path / "other.fkb", me.device_id, me.key, texts=texts)
    result = ingest(central, other)
    assert result.counts["new"] == 3
    for row in laptop.query("select id, answers, content_hash from revisions"):
        assert next(central.query("select answers, content_hash from revisions where id = ?", [row["id"]])) == \
            {"answers": row["answers"], "content_hash": row["content_hash"]}
