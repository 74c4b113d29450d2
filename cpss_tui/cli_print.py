"""`cpss-tui print member ID -o FILE.pdf`: the printed service record of one member (issue 6, item 5).

The PDF (cpss_tui/reports/service_record.py) holds protected health information, so the file is created
private to the user (0600) before a byte is written. It is rendered first and written only when complete, so
an unknown member leaves no file behind. Who printed it is the app's current user (the one the TUI was last
used as); on a database nobody has opened the TUI with, the login name of the person running the command.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

PRINTABLE = ("member",)


def add_parser(add: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Register `print`."""
    p = add(
        "print", "write a printable PDF: `print member ID -o FILE.pdf`, the member's whole service record"
    )
    p.add_argument("what", choices=PRINTABLE, help="member: the service record of one member")
    p.add_argument("id", metavar="ID", help="the member's id")
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="the PDF file to write")


def printed_by(engine: Engine) -> str:
    """'Name, credentials' of the app's current user, else the login name of whoever runs the command."""
    from cpss_tui.services.staff import current_user

    user = current_user(engine)
    if user is not None:
        return f"{user.name}, {user.credentials}".strip(", ")
    import getpass

    try:
        return f"{getpass.getuser()} (login name)"
    except (KeyError, OSError):  # no name for this uid (a container): still say something true
        return "an unnamed login"


def cmd_print(args: argparse.Namespace, engine: Engine, as_of: date) -> int:
    """Render the record, then write it private to the user; one line says what was written."""
    from cpss_tui.cli import BadInput
    from cpss_tui.reports.service_record import print_service_record, write_private_pdf

    printed = print_service_record(engine, args.id, as_of, printed_by(engine))
    if printed is None:
        raise BadInput([f"ID: no member with id {args.id!r}"])
    out = Path(args.output).expanduser()
    try:
        write_private_pdf(out, printed.content)
    except OSError as exc:
        raise BadInput([f"--output: cannot write {out} ({exc.strerror or exc})"]) from None
    pages = f"{printed.pages} page{'s' if printed.pages != 1 else ''}"
    notes = f"{printed.notes} note{'s' if printed.notes != 1 else ''}"
    print(f"service record of {printed.name} written to {out} ({pages}, {notes})")
    return 0
