"""Shared fixtures: stores, the app, its test client and the CLI runner.

Initialising a store (migrations, the registry, the form library) costs a hundred times more than copying its
file, so each kind of store is built once per session as a template and every test works on its own copy.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from sync import accounts, devices, store
from fieldkit import config
from fieldkit.app import create_app

from browser_helpers import launch, require_chromium
from central_helpers import PASSWORD, USERS
from exports_helpers import init_store as init_exports_store
from exports_helpers import make_rich_store

#: One PBKDF2 round: no test measures hashing, and scrypt would cost every login and `users add` a tenth of a second.
CHEAP_PASSWORD_HASH = "pbkdf2:sha256:1"


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes():
    """Hash passwords cheaply in this process and in the servers and commands it starts."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(accounts.PASSWORD_HASH_ENV, CHEAP_PASSWORD_HASH)
        yield


# -- templates, built once per session -------------------------------------------------

def _finish(db: Database) -> None:
    """Fold the WAL into the file and close, so that copying the one file copies the whole store."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()


def _build(path: Path, **options) -> Path:
    db = store.open_db(path)
    store.init_store(db, **options)
    _finish(db)
    return path


def copy_store(template: Path, path: Path) -> Path:
    """A copy of a template store at `path` with a device id of its own, as `init_store` would have given it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, path)
    db = store.open_db(path)
    store.set_setting(db, "device_id", str(uuid.uuid4()))
    db.conn.close()
    return path


@pytest.fixture(scope="session")
def field_template(tmp_path_factory) -> Path:
    """A field store with the form library; its interviewer is "Test Intervjuare"."""
    return _build(tmp_path_factory.mktemp("field-template") / "fieldkit.db", interviewer="Test Intervjuare")


@pytest.fixture(scope="session")
def central_template(tmp_path_factory) -> Path:
    """A central store without users."""
    return _build(tmp_path_factory.mktemp("central-template") / "central.db", central=True)


@pytest.fixture(scope="session")
def users_template(central_template, tmp_path_factory, cheap_password_hashes) -> Path:
    """The central store with one user per role (`central_helpers.USERS`), each with `central_helpers.PASSWORD`."""
    path = tmp_path_factory.mktemp("users-template") / "central.db"
    shutil.copyfile(central_template, path)
    db = store.open_db(path)
    for name, (role, county) in USERS.items():
        accounts.add_user(db, name, role, PASSWORD, county_code=county, actor="test")
    _finish(db)
    return path


@pytest.fixture(scope="session")
def exports_template(tmp_path_factory) -> Path:
    """A field store with both versions of the export tests' questionnaire (`exports_helpers.init_store`)."""
    path = tmp_path_factory.mktemp("exports-template") / "fieldkit.db"
    _finish(init_exports_store(path))
    return path


@pytest.fixture(scope="session")
def rich_template(tmp_path_factory) -> Path:
    """The export tests' store with many submissions (`exports_helpers.make_rich_store`): copy it, never write it."""
    path = tmp_path_factory.mktemp("rich-template") / "fieldkit.db"
    _finish(make_rich_store(path))
    return path


# -- stores for one test ---------------------------------------------------------------

@pytest.fixture
def make_field_store(field_template):
    """`make_field_store(path, interviewer)`: a new field store at `path`, open (None: no interviewer set)."""
    def make(path: Path, interviewer: str | None = "Test Intervjuare") -> Database:
        db = store.open_db(copy_store(field_template, path))
        if interviewer is None:
            db.execute("delete from settings where key = 'interviewer'")
        else:
            store.set_setting(db, "interviewer", interviewer)
        return db
    return make


@pytest.fixture
def make_laptop(make_field_store):
    """`make_laptop(path, central, name)`: a new field store at `path`, open, enrolled on `central` as `name`."""
    def make(path: Path, central: Database, name: str, url: str = "http://127.0.0.1:9") -> Database:
        db = make_field_store(path, f"Intervjuare {name}")
        _device, code = devices.enrol(central, name)
        devices.setup(db, url, code)
        return db
    return make


@pytest.fixture
def make_central(central_template):
    """`make_central(path)`: a new central store without users at `path`, open."""
    def make(path: Path) -> Database:
        return store.open_db(copy_store(central_template, path))
    return make


@pytest.fixture
def make_exports_store(exports_template):
    """`make_exports_store(path)`: a new copy of `exports_template` at `path`, with a secret key, open."""
    def make(path: Path) -> Database:
        copy_store(exports_template, path)
        config.ensure_secret_key(path.parent)
        return store.open_db(path)
    return make


@pytest.fixture
def store_path(field_template, tmp_path) -> Path:
    """An initialised field store with the form library and a secret key, in a temporary folder."""
    path = copy_store(field_template, tmp_path / "fieldkit.db")
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


# -- the central server with its users -------------------------------------------------

@pytest.fixture
def central_path(users_template, tmp_path) -> Path:
    """A central store with one user per role and a secret key, in a temporary folder."""
    path = copy_store(users_template, tmp_path / "central.db")
    config.ensure_secret_key(tmp_path)
    return path


@pytest.fixture
def cdb(central_path):
    database = store.open_db(central_path)
    yield database
    database.conn.close()


@pytest.fixture
def central(cdb):
    """The central's connection under the name the sync tests use beside their laptops."""
    return cdb


@pytest.fixture
def server(central_path):
    """The central of `central_path` served on a free port of 127.0.0.1 (werkzeug, threaded)."""
    from sync_helpers import Server

    with Server(central_path) as running:
        yield running


@pytest.fixture
def central_app(central_path):
    return create_app({"DB": str(central_path), "TESTING": True, "WTF_CSRF_ENABLED": False})


@pytest.fixture
def central_csrf_app(central_path):
    return create_app({"DB": str(central_path), "TESTING": True})


# -- the browser -----------------------------------------------------------------------

@pytest.fixture(scope="session")
def chromium():
    """Headless Chromium, launched once for every browser test; each test opens a page (its own context)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()
