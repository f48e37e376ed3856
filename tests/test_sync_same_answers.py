"""Two revisions with the same answers are not a conflict, whichever devices made them and in whichever order."""

from __future__ import annotations

import pytest

from sync import acks, devices, lineage, store
from sync.bundle import write_bundle
from sync.ingest import ingest

from sync_helpers import copy_submission, edit, interview

COUNTS = ("new", "updated", "conflicts", "rejected")


@pytest.fixture
def central(tmp_path, make_central):
    db = make_central(tmp_path / "central.db")
    yield db
    db.conn.close()


@pytest.fixture
def laptops(tmp_path, central, make_laptop):
    made = {name: make_laptop(tmp_path / f"{name}.db", central, name) for name in ("anna", "bertil", "carl")}
    yield made
    for db in made.values():
        db.conn.close()


@pytest.fixture
def send(tmp_path, central):
    """Write a laptop's bundle and ingest it on the central; returns the counts in COUNTS order.

    A laptop learns of acknowledgements from an ack file, so each bundle carries its earlier
    revisions again (counted unchanged, left out here).
    """
    made = []

    def send_(laptop):
        path = tmp_path / f"bundle-{len(made)}.fkb"
        made.append(path)
        counts = ingest(central, write_bundle(laptop, path).path).counts
        return tuple(counts[k] for k in COUNTS)
    return send_


@pytest.fixture
def shared(laptops, send):
    """An interview made on Anna's laptop, on the central, and copied to Bertil's and Carl's laptops."""
    sid = interview(laptops["anna"], {"lok.har_lok": "nej"})
    send(laptops["anna"])
    for name in ("bertil", "carl"):
        copy_submission(laptops["anna"], laptops[name], sid)
    return sid


def test_the_same_edit_on_two_laptops_is_kept_and_is_no_conflict(central, laptops, shared, send):
    a2 = edit(laptops["anna"], shared, {"lok.har_lok": "ja"}, author="Anna")
    b2 = edit(laptops["bertil"], shared, {"lok.har_lok": "ja"}, author="Bertil")
    assert a2["id"] != b2["id"], "two revisions, whose content (answers, parent) is the same"
    assert send(laptops["anna"]) == (0, 1, 0, 0)
    assert send(laptops["bertil"]) == (0, 0, 0, 0)
    sub = store.get_submission(central, shared)
    assert sub.head_revision == a2["id"] and not sub.conflict
    assert lineage.list_conflicts(central, include_resolved=True) == []
    assert b2["id"] in {r["id"] for r in store.list_revisions(central, shared)}, "both revisions are kept"
    bertil = devices.identity(laptops["bertil"]).device_id
    assert b2["id"] in acks.acknowledged_ids(central, bertil), "and acknowledged"


def test_the_same_edit_arriving_in_the_other_order_is_no_conflict_either(central, laptops, shared, send):
    edit(laptops["anna"], shared, {"lok.har_lok": "ja"})
    b2 = edit(laptops["bertil"], shared, {"lok.har_lok": "ja"})
    send(laptops["bertil"])
    send(laptops["anna"])
    sub = store.get_submission(central, shared)
    assert sub.head_revision == b2["id"] and not sub.conflict
    assert lineage.list_conflicts(central) == []


def test_a_third_laptop_with_the_same_edit_as_an_open_conflict_opens_no_second(central, laptops, shared, send):
    edit(laptops["anna"], shared, {"lok.har_lok": "ja"})
    b2 = edit(laptops["bertil"], shared, {"lok.har_lok": "vet_ej"})
    c2 = edit(laptops["carl"], shared, {"lok.har_lok": "vet_ej"})
    send(laptops["anna"])
    assert send(laptops["bertil"]) == (0, 0, 1, 0)
    assert send(laptops["carl"]) == (0, 0, 1, 0)
    (conflict,) = lineage.list_conflicts(central)
    assert conflict["other_revision"] == b2["id"]
    assert c2["id"] in {r["id"] for r in store.list_revisions(central, shared)}
    assert store.get_submission(central, shared).conflict


def test_a_branch_that_comes_back_to_the_heads_answers_settles_its_conflict(central, laptops, shared, send):
    edit(laptops["anna"], shared, {"lok.har_lok": "ja"})
    edit(laptops["bertil"], shared, {"lok.har_lok": "vet_ej"})
    send(laptops["anna"])
    send(laptops["bertil"])
    assert store.get_submission(central, shared).conflict
    b3 = edit(laptops["bertil"], shared, {"lok.har_lok": "ja"})
    assert send(laptops["bertil"]) == (0, 0, 0, 0)
    assert not store.get_submission(central, shared).conflict
    assert lineage.list_conflicts(central) == []
    (settled,) = lineage.list_conflicts(central, include_resolved=True)
    assert settled["resolution_revision"] == b3["id"] and settled["resolved_at"]


def test_a_head_that_moves_to_the_other_branchs_answers_settles_the_conflict(central, laptops, shared, send):
    edit(laptops["anna"], shared, {"lok.har_lok": "ja"})
    edit(laptops["bertil"], shared, {"lok.har_lok": "vet_ej"})
    send(laptops["anna"])
    send(laptops["bertil"])
    a3 = edit(laptops["anna"], shared, {"lok.har_lok": "vet_ej"})
    assert send(laptops["anna"]) == (0, 1, 0, 0)
    sub = store.get_submission(central, shared)
    assert sub.head_revision == a3["id"] and not sub.conflict
    (settled,) = lineage.list_conflicts(central, include_resolved=True)
    assert settled["resolution_revision"] == a3["id"]


def test_different_answers_are_still_a_conflict(central, laptops, shared, send):
    edit(laptops["anna"], shared, {"lok.har_lok": "ja"})
    edit(laptops["bertil"], shared, {"lok.har_lok": "ja", "forslag.effektivisering": "Mer samverkan"})
    send(laptops["anna"])
    assert send(laptops["bertil"]) == (0, 0, 1, 0)
    assert len(lineage.list_conflicts(central)) == 1
