"""The `fieldkit` command line: a thin layer over the Python API."""

from __future__ import annotations

import click

from .forms import forms_group


@click.group()
@click.version_option(package_name="fieldkit")
def main() -> None:
    """fieldkit: offline-first survey collection for municipal surveys.

    Example: fieldkit forms validate forms/library
    """


main.add_command(forms_group)
