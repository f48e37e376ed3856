"""The `--lang` option of the commands that speak to people in Swedish or English, and the language of their errors.

The option is eager and remembered in the context's `meta` (shared by every context of one run), so that
a domain error raised anywhere below, even from another option's callback (e.g. a bad --frame file),
is printed by the top command in the language asked for. Commands without --lang speak English.
"""

from __future__ import annotations

import click

from exports.labels import LANGUAGES

#: Where the chosen language is kept in `click.Context.meta`.
META_KEY = "fieldkit.lang"


def _remember(ctx: click.Context, _param, value: str) -> str:
    ctx.meta[META_KEY] = value
    return value


def lang_option(help_text: str):
    """`--lang sv|en` (default sv), eager and remembered for the errors."""
    return click.option("--lang", type=click.Choice(LANGUAGES), default="sv", show_default=True, is_eager=True,
                        callback=_remember, help=help_text)


def error_language(ctx: click.Context) -> str:
    """The language a domain error is printed in: the command's --lang, else English."""
    return ctx.meta.get(META_KEY, "en")
