"""Builders for the central-server tests: a central store with one user per role, logins, submissions.

Hashing passwords is slow on purpose, so the users are made once per session in a template
store that each test copies.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from sync import accounts, conflicts, store
from fieldkit import config
from fieldkit.app import create_app
from sync.demo import AnswerMaker
from sync.bundle import write_bundle
from sync.ingest import ingest

from sync_helpers import copy_submission, edit, make_laptop

PASSWORD = "correct horse battery"
#: name -> (role, county code). The county user and the interviewer's submissions are in Västerbotten (24).
USERS = {
    "ada": ("admin", None),
    "eva": ("evaluator", None),
    "lena": ("county", "24"),
    "ivar": ("interviewer", None),
    "olle": ("county", "01"),
    "inez": ("interviewer", None),
}
ROLE_USER = {"admin": "ada", "evaluator": "eva", "county": "lena", "interviewer": "ivar"}
QID = "kub-webbenkat"
IN_COUNTY = "2480"  # Umeå, county 24
OTHER_COUNTY = "0180"  # Stockholm, county 01


@pytest.fixture(scope="session")
def central_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("central-template")
    path = folder / "central.db"
    db = store.open_db(path)
    store.init_store(db, central=True)
    for name, (role, county) in USERS.items():
        accounts.add_user(db, name, role, PASSWORD, county_code=county, actor="test")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return path


def copy_central(template: Path, folder: Path) -> Path:
    path = folder / "central.db"
    shutil.copyfile(template, path)
    config.ensure_secret_key(folder)
    return path


@pytest.fixture
def central_path(central_template, tmp_path) -> Path:
    return copy_central(central_template, tmp_path)


@pytest.fixture
def cdb(central_path):
    database = store.open_db(central_path)
    yield database
    database.conn.close()


@pytest.fixture
def central_app(central_path):
    return create_app({"DB": str(central_path), "TESTING": True, "WTF_CSRF_ENABLED": False})


@pytest.fixture
def central_csrf_app(central_path):
    return create_app({"DB": str(central_path), "TESTING": True})


def login(client, name: str, password: str = PASSWORD, *, environ_base=None, **extra):
    return client.post("/logga-in", data={"name": name, "password": password, **extra},
                       environ_base=environ_base or {})


def logged_in(app, role_or_name: str):
    """A test client with a session of this role's user (or this user name)."""
    client = app.test_client()
    name = ROLE_USER.get(role_or_name, role_or_name)
    response = login(client, name)
    assert response.status_code == 302, response.data
    return client


def answers_for(db, questionnaire_id: str = QID, municipality: str = IN_COUNTY, seed: int = 3) -> dict[str, Any]:
    questionnaire = store.get_questionnaire(db, questionnaire_id)
    return AnswerMaker(questionnaire, random.Random(seed), skip_rate=0.0).make(municipality)


def make_submission(db, *, municipality: str = IN_COUNTY, questionnaire_id: str = QID, interviewer: str = "ivar",
                    answers: dict[str, Any] | None = None, complete: bool = True, seed: int = 3) -> str:
    """A submission (complete unless told) with plausible answers; returns its uuid."""
    sid = store.create_submission(db, questionnaire_id, municipality, interviewer=interviewer)
    if complete:
        store.complete_submission(db, sid, answers or answers_for(db, questionnaire_id, municipality, seed))
    return sid


def make_conflict(db, folder: Path) -> dict[str, Any]:
    """An interview both Anna and Bertil edited offline; Anna's edit reached the central `db` first.

    Anna changed lok.har_lok and the free-text proposal; Bertil a cooperation rating and the same proposal.
    """
    anna = make_laptop(folder / "anna.db", db, "anna")
    bertil = make_laptop(folder / "bertil.db", db, "bertil")
    answers = answers_for(db)
    answers["lok.har_lok"] = "nej"
    sid = store.create_submission(anna, "kub-webbenkat", IN_COUNTY)
    store.complete_submission(anna, sid, answers)
    ingest(db, write_bundle(anna, folder / "a1.fkb").path)
    copy_submission(anna, bertil, sid)
    edit(anna, sid, {"lok.har_lok": "vet_ej", "forslag.effektivisering": "Annas förslag"}, author="Anna")
    rating = "mycket_bra" if answers["samarbete.lansstyrelsen"] != "mycket_bra" else "ganska_bra"
    edit(bertil, sid, {"samarbete.lansstyrelsen": rating, "forslag.effektivisering": "Bertils förslag"},
         author="Bertil")
    ingest(db, write_bundle(anna, folder / "a2.fkb").path)
    ingest(db, write_bundle(bertil, folder / "b2.fkb").path)
    (conflict,) = conflicts.open_for(db, sid)
    anna.conn.close()
    bertil.conn.close()
    return {"sid": sid, "conflict": conflict, "rating": rating, "before": answers}
