"""setup.cfg ships what the code reads: every data file of a package is matched by a package_data pattern.

Building a wheel takes seconds and a network-free build backend, so this reads setup.cfg instead; setuptools
expands the same patterns with glob, where `*` stays inside one folder.
"""

from __future__ import annotations

import configparser
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("fieldkit", "forms", "sync", "exports")


def package_data() -> dict[str, list[str]]:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    return {package: [p.strip() for p in patterns.replace("\n", ",").split(",") if p.strip()]
            for package, patterns in config["options.package_data"].items()}


def matches(relative: str, pattern: str) -> bool:
    path, glob = PurePosixPath(relative), PurePosixPath(pattern)
    return len(path.parts) == len(glob.parts) and path.match(pattern)


def data_files(package: str) -> list[str]:
    """Files under the package folder that are not Python code, relative to it."""
    folder = ROOT / package
    return sorted(
        path.relative_to(folder).as_posix() for path in folder.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
        and not path.name.startswith(".")
    )


def test_every_data_file_of_a_package_is_shipped():
    patterns = package_data()
    unshipped = [f"{package}/{name}" for package in PACKAGES for name in data_files(package)
                 if not any(matches(name, pattern) for pattern in patterns.get(package, []))]
    assert unshipped == [], "add these to [options.package_data] in setup.cfg"


def test_every_package_data_pattern_ships_something():
    for package, patterns in package_data().items():
        names = data_files(package)
        for pattern in patterns:
            assert any(matches(name, pattern) for name in names), f"{package}: {pattern} matches no file"


def test_the_templates_static_files_form_library_and_registry_are_shipped():
    patterns = package_data()
    for package, name in (("fieldkit", "templates/base.html"), ("fieldkit", "templates/review/show.html"),
                          ("fieldkit", "static/app.js"), ("forms", "library/kub-webbenkat.yaml"),
                          ("forms", "data/kommuner.csv")):
        assert (ROOT / package / name).is_file()
        assert any(matches(name, pattern) for pattern in patterns[package]), f"{package}/{name}"
