"""`cpss-tui report units` and `cpss-tui report calendar`: the unit-use charts and the contact calendar as text.

Registered in cli_reports.REPORTS through small wrappers there (this module is imported only when one of these
reports is asked for). Output is the same text form the TUI shows (cpss_tui/reports/unit_use.py and
contact_calendar.py): a chart and a legend in words. When standard output is not a terminal the chart is 80
columns wide and has no colour, so a file or a pipe gets plain characters.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from datetime import date
from typing import TYPE_CHECKING

from cpss_tui.cli_reports import add_period

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from cpss_tui.reports.period import Period

PLAIN_WIDTH = 80


def add_units_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--member", metavar="ID", help="one member: authorizations and weekly units")
    parser.add_argument("--specialist", metavar="ID", help="one specialist: units delivered per week")
    add_period(parser, required=False)


def add_calendar_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--member", metavar="ID", required=True, help="the member whose weeks to show")


def _terminal() -> tuple[int, bool]:
    """(width, colour): the terminal's width and colour on a tty; 80 columns and no colour otherwise."""
    if sys.stdout.isatty():
        return max(60, shutil.get_terminal_size((PLAIN_WIDTH, 24)).columns), True
    return PLAIN_WIDTH, False


def _optional_period(args: argparse.Namespace) -> Period | None:
    """--from and --to together, or neither (the report's default period)."""
    from cpss_tui.cli import BadInput
    from cpss_tui.cli_reports import period_of

    if args.date_from is None and args.date_to is None:
        return None
    missing = [flag for flag, value in (("--from", args.date_from), ("--to", args.date_to)) if value is None]
    if missing:
        raise BadInput([f"{missing[0]}: give --from and --to together (or neither, for the default period)"])
    return period_of(args)


def cmd_units(args: argparse.Namespace, engine: Engine, as_of: date) -> int:
    """`report units --member ID | --specialist ID [--from D --to D]`."""
    from cpss_tui.cli import BadInput

    if (args.member is None) == (args.specialist is None):
        raise BadInput(["--member/--specialist: give exactly one of them"])
    period = _optional_period(args)
    width, colour = _terminal()
    if args.member is not None:
        from cpss_tui.reports.unit_use import member_unit_use, member_units_text

        use = member_unit_use(engine, args.member, as_of, period)
        if use is None:
            raise BadInput([f"--member: no member with id {args.member!r}"])
        print(member_units_text(use, width, colour))
        return 0
    from cpss_tui.reports.unit_use import specialist_units_text, specialist_weekly_units

    staff = specialist_weekly_units(engine, args.specialist, as_of, period)
    if staff is None:
        raise BadInput([f"--specialist: no staff member with id {args.specialist!r}"])
    print(specialist_units_text(staff, width, colour))
    return 0


def cmd_calendar(args: argparse.Namespace, engine: Engine, as_of: date) -> int:
    """`report calendar --member ID`: the 52 weeks ending with the week of as_of."""
    from cpss_tui.cli import BadInput
    from cpss_tui.reports.contact_calendar import calendar_renderable, calendar_text, contact_calendar

    cal = contact_calendar(engine, args.member, as_of)
    if cal is None:
        raise BadInput([f"--member: no member with id {args.member!r}"])
    width, colour = _terminal()
    if not colour:
        print(calendar_text(cal, width))
        return 0
    from rich.console import Console

    from cpss_tui.reports.contact_calendar import calendar_legend

    console = Console(width=width, highlight=False)
    console.print(f"Contact calendar · {cal.name} · as of {cal.as_of} (C-3 weekly status)\n")
    console.print(calendar_renderable(cal), end="")
    console.print()
    for line in calendar_legend(cal):
        console.print(line)
    return 0
