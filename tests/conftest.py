"""Shared fixtures: a store on disk, the app, its test client and the CLI runner."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sync import store
from fieldkit import config
from fieldkit.app import create_app


@pytest.fixture
def store_path(tmp_path):
    """An initialised field store with the form library, in a temporary folder."""
    path = tmp_path / "fieldkit.db"
    db = store.open_db(path)
    store.init_store(db, interviewer="Test Intervjuare")
    db.conn.close()
    config.ensure_secret_key(tmp_path)
    return path


@pytest.fixture
def db(store_path):
    database = store.open_db(store_path)
    yield database
    database.conn.close()


@pytest.fixture
def app(store_path):
    return create_app({"DB": str(store_path), "TESTING": True, "WTF_CSRF_ENABLED": False})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_app(store_path):
    """The app with CSRF protection on, as in production."""
    return create_app({"DB": str(store_path), "TESTING": True})


@pytest.fixture
def runner():
    return CliRunner()
