"""`fieldkit export xlsx|csv|kvartal`: the findings of a questionnaire as a workbook or CSV; the quarterly feedback."""

from __future__ import annotations

import datetime
import time

import click

from exports import ExportFilter, export_report, save_workbook, write_csv
from exports.repeats import write_instances_csv
from exports.filters import STATUSES, TableOptions
from exports.quarterly import export_quarterly
from exports.xlsx_quarterly import save_quarterly
from exports.survey import read_frame_file

from .admin_commands import cli_actor
from .language import lang_option
from .store_commands import open_store

SEPARATORS = {",": ",", ";": ";", "tab": "\t"}


class Day(click.ParamType):
    """A calendar day written YYYY-MM-DD."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date written YYYY-MM-DD, e.g. 2013-03-01", param, ctx)


def filter_options(command):
    """The filter options shared by every export command."""
    options = [
        click.option("--questionnaire", "questionnaire", required=True, help="Questionnaire id, e.g. kub-webbenkat."),
        click.option("--lan", "counties", multiple=True, metavar="CODE",
                     help="Only this county (2-digit code, e.g. 24); repeatable."),
        click.option("--kommun", "municipalities", multiple=True, metavar="CODE",
                     help="Only this municipality (4-digit code, e.g. 2480); repeatable."),
        click.option("--district", "districts", multiple=True, metavar="CODE", expose_value=False,
                     callback=_remember_districts,
                     help="Only this district below a municipality (code or name, e.g. 0180-08 or Södermalm), "
                          "for a questionnaire answered per district; repeatable."),
        click.option("--from", "date_from", type=Day(),
                     help="Only submissions created on or after this day (YYYY-MM-DD, Swedish time)."),
        click.option("--to", "date_to", type=Day(),
                     help="Only submissions created on or before this day (YYYY-MM-DD)."),
        click.option("--round", "round_id", metavar="ID", expose_value=False, callback=_remember_round,
                     help="Only this survey round of the questionnaire (its id, e.g. 2013): the submissions "
                          "created on its days, its frame for the response rate; --from and --to narrow it "
                          "further. An unknown id is refused with the list of rounds."),
        click.option("--status", type=click.Choice(STATUSES), default="complete", show_default=True,
                     help="complete: completed submissions only; all: drafts too. Excluded ones never count."),
        lang_option("Language of labels, headers and messages."),
        click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
                     help="File to write."),
        click.option("--frame", type=click.Path(dir_okay=False, exists=True), expose_value=False,
                     callback=_remember_frame,
                     help="A CSV of the municipality codes expected to answer (first column), e.g. a network's "
                          "members; the response rate and the Not answered sheet use it instead of the "
                          "questionnaire's frame."),
        click.option("--include-personal", is_flag=True, expose_value=False, callback=_remember_personal,
                     help="Include answers to questions marked personal (names, phone numbers, e-mail) and "
                          "those marked sensitive, one by one; left out unless asked (sensitive ones are always "
                          "counted in the tables). Logged in the audit log."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def table_options(command):
    """The options of the workbook's tables: grouping, a cross-table, small-number suppression."""
    options = [
        click.option("--group-by", metavar="QUESTION", expose_value=False, callback=_remember_table_option,
                     help="Group the tables by a question's answers instead of by county: a single, yes/no or "
                          "scale question, a matrix row (question/row), a rule, a year question, or a date "
                          "question by year or quarter (e.g. svar.svarsdatum:quarter), or county. Default: the "
                          "questionnaire's own grouping (report: group_by, e.g. NAD's hubs), else county."),
        click.option("--cross", metavar="Q1,Q2", expose_value=False, callback=_remember_table_option,
                     help="Add a sheet Korstabell: the answers to Q1 (rows) by the answers to Q2 (columns), "
                          "counts and row shares; the same kinds of questions as --group-by."),
        click.option("--min-count", type=click.IntRange(0, 1000), default=0, metavar="N", expose_value=False,
                     callback=_remember_table_option,
                     help="Hide counts from 1 to N-1 (shown as <N), the counts that would tell one of them "
                          "from a total (shown as ..) and the shares and statistics computed from them, e.g. 5 "
                          "for tables to be published; 0 hides nothing."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _remember_table_option(ctx: click.Context, param, value):
    if param.name == "cross" and value is not None:
        value = tuple(part.strip() for part in value.split(",") if part.strip())
    if value is not None:
        ctx.meta.setdefault("tables", {})[param.name] = value
    return value


def _remember_districts(ctx: click.Context, _param, value: tuple[str, ...]) -> tuple[str, ...]:
    ctx.meta["districts"] = tuple(value or ())
    return value


def _remember_frame(ctx: click.Context, _param, value: str | None) -> str | None:
    ctx.meta["frame"] = read_frame_file(value) if value else ()
    return value


def _remember_round(ctx: click.Context, _param, value: str | None) -> str | None:
    ctx.meta["round"] = (value or "").strip()
    return value


def _remember_personal(ctx: click.Context, _param, value: bool) -> bool:
    ctx.meta["include_personal"] = value
    return value


def _report(ctx: click.Context, questionnaire, counties, municipalities, date_from, date_to, status, lang):
    db = open_store(ctx)
    flt = ExportFilter(questionnaire, tuple(counties), tuple(municipalities), date_from, date_to, status,
                       ctx.meta.get("frame", ()), TableOptions(**ctx.meta.get("tables", {})),
                       round=ctx.meta.get("round", ""), districts=tuple(ctx.meta.get("districts", ())))
    personal = ctx.meta.get("include_personal", False)
    return export_report(db, flt, ctx.command.name, actor=cli_actor(), lang=lang, include_personal=personal)


@click.group("export")
def export_group() -> None:
    """Export findings: an Excel workbook or CSV for a questionnaire and a filter.

    Example: fieldkit export xlsx --questionnaire kub-webbenkat --lan 24 --out vasterbotten.xlsx
    """


@export_group.command("xlsx")
@filter_options
@table_options
@click.pass_context
def xlsx_command(ctx, questionnaire, counties, municipalities, date_from, date_to, status, lang, out) -> None:
    """Write an Excel workbook: overview and response rate, a sheet per section with tables and charts,
    free texts, the raw data and a codebook. An export of part of the country (--lan, --kommun) has the
    whole country's figures under each table's total, for comparison.

    Example: fieldkit export xlsx --questionnaire smak-kontaktlogg --lan 24 --group-by arende.forfragan_datum:quarter
    --cross kontakt.kanal,svar.svar --min-count 5 --out vasterbotten.xlsx
    """
    started = time.perf_counter()
    report = _report(ctx, questionnaire, counties, municipalities, date_from, date_to, status, lang)
    save_workbook(report, out)
    click.echo(f"wrote {out}: {report.n} submissions, {len(report.sections)} section sheets "
               f"({time.perf_counter() - started:.1f} s)")


@export_group.command("csv")
@filter_options
@click.option("--long", "long_form", is_flag=True, help="One row per answer instead of one row per submission.")
@click.option("--sep", default=",", show_default=True, type=click.Choice(list(SEPARATORS)),
              help="Field separator; ';' suits Excel with Swedish settings.")
@click.option("--repeat", "repeat_id", default=None, metavar="ID",
              help="The instances of this repeat (e.g. intervju.personer), one row each, keyed to the "
                   "submission and numbered from 1, instead of the submissions.")
@click.pass_context
def csv_command(ctx, questionnaire, counties, municipalities, date_from, date_to, status, lang, out,
                long_form, sep, repeat_id) -> None:
    """Write the submissions as CSV (UTF-8 with BOM): one row per submission, or with --long one per answer.

    Example: fieldkit export csv --questionnaire kub-webbenkat --sep ';' --out kub.csv
    """
    report = _report(ctx, questionnaire, counties, municipalities, date_from, date_to, status, lang)
    if repeat_id:
        found = next((one for one in report.instances if one.repeat.id == repeat_id), None)
        if found is None:
            known = ", ".join(one.repeat.id for one in report.instances) or "none"
            raise click.ClickException(f"{report.filter.questionnaire} has no repeat {repeat_id!r} "
                                       f"(its repeats: {known})")
        write_instances_csv(found, out, report.gettext, report.lang, sep=SEPARATORS[sep])
        click.echo(f"wrote {out}: {len(found.rows)} instances of {repeat_id}")
        return
    write_csv(report, out, long=long_form, sep=SEPARATORS[sep])
    click.echo(f"wrote {out}: {report.n} submissions ({'long' if long_form else 'wide'})")


@export_group.command("kvartal")
@click.option("--lan", "county", required=True, metavar="CODE", help="The county (2-digit code, e.g. 24).")
@click.option("--kvartal", "quarter", required=True, metavar="YYYYQN",
              help="The quarter, written year, Q and the quarter's number, e.g. 2014Q3.")
@lang_option("Language of labels, headers and messages.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True), help="File to write.")
@click.pass_context
def kvartal_command(ctx, county, quarter, lang, out) -> None:
    """Write the quarterly feedback to a county board (Kvartalsåterkoppling till länsstyrelsen) as a workbook:
    per municipality the agreed places, requests and answers from the contact log, persons placed from the
    quarterly follow-up, the county total and the previous quarter beside them, the reasons for no, the
    quarters before and charts. Logged in the audit log.

    Example: fieldkit export kvartal --lan 24 --kvartal 2014Q3 --out vasterbotten-2014Q3.xlsx
    """
    report = export_quarterly(open_store(ctx), county, quarter, actor=cli_actor(), lang=lang)
    save_quarterly(report, out)
    click.echo(f"wrote {out}: {report.county}, {report.quarter.label(lang)}, {report.requests} requests")
