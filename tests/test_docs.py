"""Tests that keep the docs honest: every command has help and is in docs/cli.md; every setting in docs/config.md.

Regenerate docs/cli.md with: FIELDKIT_UPDATE_DOCS=1 python -m pytest tests/test_docs.py
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from fieldkit.cli import main
from fieldkit.config import SETTINGS
from sync.accounts import PASSWORD_HASH_ENV

DOCS = Path(__file__).resolve().parent.parent / "docs"


WIDTH = {"terminal_width": 80, "max_content_width": 80}  # the same text on any terminal


def _commands(group: click.Group, parent: click.Context):
    """(path, command, its context) for every command below `group`, depth first."""
    for name in sorted(group.commands):
        command = group.commands[name]
        ctx = click.Context(command, info_name=name, parent=parent, **WIDTH)
        yield ctx.command_path, command, ctx
        if isinstance(command, click.Group):
            yield from _commands(command, ctx)


def _root() -> click.Context:
    return click.Context(main, info_name="fieldkit", **WIDTH)


def cli_reference() -> str:
    lines = ["# Command-line reference", "", "Generated from `--help` by `tests/test_docs.py`; do not edit by hand.", ""]
    root = _root()
    lines += ["## fieldkit", "", "```", main.get_help(root).rstrip(), "```", ""]
    for path, command, ctx in _commands(main, root):
        lines += [f"## {path}", "", "```", command.get_help(ctx).rstrip(), "```", ""]
    return "\n".join(lines)


def test_every_command_has_help_with_an_example():
    for path, command, _ctx in _commands(main, _root()):
        assert command.help, f"{path} has no help"
        assert "Example:" in command.help, f"{path}: its help should end in an example"


def test_cli_reference_is_up_to_date():
    expected = cli_reference()
    target = DOCS / "cli.md"
    if os.environ.get("FIELDKIT_UPDATE_DOCS"):
        target.write_text(expected, encoding="utf-8")
    assert target.read_text(encoding="utf-8") == expected, "docs/cli.md is stale: regenerate it (see this file's docstring)"


def test_every_setting_is_documented():
    text = (DOCS / "config.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"`{setting.env}`" in text, f"{setting.env} is not in docs/config.md"


def test_the_variables_read_outside_the_settings_are_documented():
    text = (DOCS / "config.md").read_text(encoding="utf-8")
    for name in ("FIELDKIT_INSTANCE", PASSWORD_HASH_ENV):
        assert f"`{name}`" in text, f"{name} is not in docs/config.md"


def test_readme_names_the_two_commands():
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    ci = (DOCS.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
