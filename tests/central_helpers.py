"""Builders for the central-server tests: the users of the central store, logins, submissions, conflicts.

The store itself comes from conftest.py (`central_path`, `cdb`, `central_app`): its users are made once
per session in a template that each test copies.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any, Callable

from sync import conflicts, store
from sync.demo import AnswerMaker
from sync.bundle import write_bundle
from sync.ingest import ingest

from sync_helpers import copy_submission, edit

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


def make_conflict(db, folder: Path, make_laptop: Callable) -> dict[str, Any]:
    """An interview both Anna and Bertil edited offline; Anna's edit reached the central `db` first.

    `make_laptop` is conftest's fixture of that name.

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
