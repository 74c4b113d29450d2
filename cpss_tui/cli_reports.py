"""The report commands: `report quality|units|calendar ...` (issue "Reports"); `export billing` lives in cli.py's
`export` beside the bundle it shares a verb with, and its work in cpss_tui/reports/billing.py.

`report` takes a second word naming the report; each report is one entry of REPORTS: its help, how to add its
options, and the command that runs it. Same contract as every command: exit 0 success, 2 bad input naming the
option. The data layer is imported inside each command so `--help` stays fast.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from cpss_tui.reports.period import Period

Command = Callable[[argparse.Namespace, "Engine", date], int]


def iso_date(text: str) -> date:
    """A YYYY-MM-DD option value, refused in words otherwise."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def add_period(parser: argparse.ArgumentParser, required: bool = True) -> None:
    """--from and --to, both inclusive."""
    parser.add_argument(
        "--from",
        dest="date_from",
        metavar="YYYY-MM-DD",
        type=iso_date,
        required=required,
        help="first day of the period (inclusive)",
    )
    parser.add_argument(
        "--to",
        dest="date_to",
        metavar="YYYY-MM-DD",
        type=iso_date,
        required=required,
        help="last day of the period (inclusive)",
    )


def period_of(args: argparse.Namespace) -> Period:
    """The period of --from/--to, refused with exit 2 when it runs backwards or is absurdly long."""
    from cpss_tui.cli import BadInput
    from cpss_tui.reports.period import Period, PeriodError

    try:
        return Period.checked(args.date_from, args.date_to)
    except PeriodError as exc:
        raise BadInput([str(exc)]) from None


def _add_quality(parser: argparse.ArgumentParser) -> None:
    add_period(parser)
    parser.add_argument("--csv", metavar="FILE", help="also write the figures as CSV to FILE")


def _cmd_quality(args: argparse.Namespace, engine: Engine, as_of: date) -> int:
    from pathlib import Path

    from cpss_tui.locations import ensure_private_file
    from cpss_tui.reports.quality import quality_csv, quality_report, quality_text

    report = quality_report(engine, period_of(args))
    print(quality_text(report))
    if args.csv:
        out = Path(args.csv)
        try:
            ensure_private_file(out)
            out.write_text(quality_csv(report), encoding="utf-8", newline="")
        except OSError as exc:
            from cpss_tui.cli import BadInput

            raise BadInput([f"--csv: cannot write {args.csv} ({exc.strerror or exc})"]) from None
    return 0


def _add_units(parser: argparse.ArgumentParser) -> None:
    from cpss_tui.cli_charts import add_units_options

    add_units_options(parser)


def _cmd_units(args: argparse.Namespace, engine: Engine, as_of: date) -> int:
    from cpss_tui.cli_charts import cmd_units

    return cmd_units(args, engine, as_of)


def _add_calendar(parser: argparse.ArgumentParser) -> None:
    from cpss_tui.cli_charts import add_calendar_options

    add_calendar_options(parser)


def _cmd_calendar(args: argparse.Namespace, engine: Engine, as_of: date) -> int:
    from cpss_tui.cli_charts import cmd_calendar

    return cmd_calendar(args, engine, as_of)


# name -> (help, add options, run). Add a report here; its code lives in cpss_tui/reports.
REPORTS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Command]] = {
    "quality": (
        "quality benchmarks Q-1 and Q-2 over a period, program-wide and per specialist, with targets",
        _add_quality,
        _cmd_quality,
    ),
    "units": (
        "unit use as charts: a member's authorizations (used, remaining) and weekly units against the caps "
        "(--member), or a specialist's units per week (--specialist)",
        _add_units,
        _cmd_units,
    ),
    "calendar": (
        "a member's contact calendar: the C-3 weekly status of the 52 weeks ending with the week of --as-of",
        _add_calendar,
        _cmd_calendar,
    ),
}


def add_parser(
    add: Callable[[str, str], argparse.ArgumentParser],
    common: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Register `report NAME` (one sub-parser per entry of REPORTS); `common` adds --db/--as-of to each."""
    report = add("report", "reports for auditors and billing: " + ", ".join(REPORTS))
    sub = report.add_subparsers(dest="report", metavar="REPORT", required=True)
    for name, (help_text, add_options, _) in REPORTS.items():
        parser = sub.add_parser(name, help=help_text, description=help_text)
        common(parser)
        add_options(parser)


def cmd_report(args: argparse.Namespace, engine: Engine, as_of: date) -> int:
    """Run the report named by the second word."""
    return REPORTS[args.report][2](args, engine, as_of)


def add_billing_options(export: argparse.ArgumentParser) -> None:
    """The options `export billing` adds to `export` (the bundle export refuses them)."""
    add_period(export, required=False)
    export.add_argument(
        "--excluded",
        metavar="FILE",
        help="billing: where to list the units left out (default: beside -o, as NAME-excluded.csv)",
    )


def refuse_billing_options(args: argparse.Namespace) -> None:
    """A bundle export given --from/--to/--excluded: say so rather than ignore them."""
    from cpss_tui.cli import BadInput

    given = [
        flag
        for flag, value in (("--from", args.date_from), ("--to", args.date_to), ("--excluded", args.excluded))
        if value is not None
    ]
    if given:
        raise BadInput(
            [f"{flag}: only `export billing` takes it; a bundle holds every date" for flag in given]
        )


def cmd_export_billing(args: argparse.Namespace, engine: Engine, as_of: date) -> int:
    """`export billing --from D --to D -o FILE.csv [--excluded FILE]`: the claim file and the exclusions."""
    from cpss_tui.cli import BadInput

    problems = [
        f"{flag}: required by `export billing`"
        for flag, value in (("--from", args.date_from), ("--to", args.date_to), ("-o", args.output))
        if value is None
    ]
    if args.member:
        problems.append("--member: `export billing` covers every member of the period")
    if problems:
        raise BadInput(problems)
    from cpss_tui.reports.billing import billing_export, excluded_path_for
    from cpss_tui.reports.files import write_billing_files

    export = billing_export(engine, period_of(args))
    excluded = args.excluded or excluded_path_for(args.output)
    try:
        write_billing_files(export, args.output, excluded)
    except OSError as exc:
        raise BadInput([f"-o: cannot write {exc.filename or args.output} ({exc.strerror or exc})"]) from None
    print(export.describe())
    print(f"claims: {args.output}")
    print(f"left out: {excluded}")
    return 0
