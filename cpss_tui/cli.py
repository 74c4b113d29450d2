"""The command line: the TUI's scripting face (spec/interface.md, "Commands").

Exit status: 0 success; 2 bad input, with every problem on stderr one per line naming the record and field;
1 anything else, with a short message and no traceback (details go to a log without record contents).
Heavy modules (Textual, the data layer) are imported inside the command that needs them, so `--help` and
scripted commands start fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from cpss_tui import __version__, cli_crypto, cli_print, cli_reports, cli_safety

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from cpss_tui.ui.app import CpssApp

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_BAD_INPUT = 2


class BadInput(Exception):
    """Bad input from the user: every line of `problems` is printed to stderr and the exit status is 2."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0: {text}")
    return value


def _common_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """--db and --as-of, accepted before and after the subcommand."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--db", metavar="PATH", default=default, help="database file (default: $CPSS_DB or per-user)"
    )
    parser.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        type=_iso_date,
        default=default,
        help="evaluate every rule as of this date",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used by tests to check the interface)."""
    parser = argparse.ArgumentParser(
        prog="cpss-tui", description="Peer support compliance: what is due, at a glance."
    )
    parser.add_argument("--version", action="version", version=f"cpss-tui {__version__}")
    _common_options(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _common_options(p, suppress=True)
        return p

    demo = add("demo", "fill an empty database with a realistic synthetic agency")
    demo.add_argument("--members", type=_positive_int, default=26)
    demo.add_argument("--specialists", type=_positive_int, default=3)
    demo.add_argument("--years", type=_positive_float, default=0.5)
    demo.add_argument("--seed", type=int, default=1)

    imp = add("import", "merge a bundle into the database (all or nothing)")
    imp.add_argument("file", metavar="FILE", help="bundle file, or - for standard input")

    exp = add(
        "export",
        "write a bundle of the database or of some members; `export billing` writes the claim CSV of a period",
    )
    exp.add_argument(
        "what",
        nargs="?",
        choices=("bundle", "billing"),
        default="bundle",
        help="bundle (default): records for a supervisor; billing: H0038 claim lines and what was left out",
    )
    exp.add_argument("-o", "--output", metavar="FILE", help="file to write (default: standard output)")
    exp.add_argument(
        "--member", metavar="ID", action="append", default=[], help="only this member (repeatable)"
    )
    cli_reports.add_billing_options(exp)

    audit = add("audit", "print the audit log: who changed which record, when, old and new values")
    audit.add_argument("--member", metavar="ID", help="only the entries concerning this member")

    cli_safety.add_parsers(add)
    cli_reports.add_parser(add, lambda p: _common_options(p, suppress=True))
    cli_crypto.add_parser(add)
    cli_print.add_parser(add)

    status = add("status", "the computed compliance state")
    status.add_argument("--json", action="store_true", help="print the JSON document of interface.md")
    return parser


def _today_in_agency_tz(engine: Engine) -> date:
    from cpss_tui.services.staff import today

    return today(engine)


def _open(db: str | None, key: bytes | None = None) -> Engine:
    from cpss_tui.data.migrate import open_database
    from cpss_tui.locations import resolve_db_path

    return open_database(resolve_db_path(db), key=key).engine


def _ask_key(db: str | None) -> bytes | None:
    """The key of an encrypted database, asked for at the terminal before anything opens (None if plain)."""
    from cpss_tui.locations import resolve_db_path

    return cli_crypto.key_for(resolve_db_path(db))


def _cmd_demo(args: argparse.Namespace, engine: Engine, as_of: date) -> int:
    from cpss_tui.data.demo import DemoError, generate

    try:
        summary = generate(
            engine,
            members=args.members,
            specialists=args.specialists,
            years=args.years,
            seed=args.seed,
            as_of=as_of,
        )
    except DemoError as exc:
        raise BadInput([f"demo: {exc}"]) from None
    print(f"demo agency written as of {as_of.isoformat()}: {summary.describe()}")
    return EXIT_OK


def _cmd_import(args: argparse.Namespace, engine: Engine, as_of: date) -> int:
    from cpss_tui.data.bundle import BundleError, import_bundle

    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput([f"{args.file}: cannot read the file ({exc.__class__.__name__}: {exc})"]) from None
    try:
        report = import_bundle(engine, text, as_of=as_of)
    except BundleError as exc:
        raise BadInput(exc.problems) from None
    print(report.describe())
    return EXIT_OK


def _cmd_export(args: argparse.Namespace, engine: Engine, as_of: date) -> int:
    if args.what == "billing":
        return cli_reports.cmd_export_billing(args, engine, as_of)
    cli_reports.refuse_billing_options(args)
    from cpss_tui.data.bundle import BundleError, export_bundle

    try:
        text = export_bundle(engine, args.member or None)
    except BundleError as exc:
        raise BadInput(exc.problems) from None
    if args.output:
        from cpss_tui.locations import ensure_private_file

        out = Path(args.output)
        ensure_private_file(out)  # a bundle holds PHI: private to the user like the database
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _cmd_status(args: argparse.Namespace, engine: Engine, as_of: date) -> int:
    from cpss_tui.services.status import compute_status, render_status_json, render_status_table

    status = compute_status(engine, as_of)
    if args.json:
        sys.stdout.write(render_status_json(status))
    else:
        render_status_table(status)
    return EXIT_OK


def _cmd_audit(args: argparse.Namespace, engine: Engine, as_of: date) -> int:
    from cpss_tui.services.audit import audit_entries, format_entry

    if args.member:
        from cpss_tui.data.db import read_session
        from cpss_tui.data.models import Member

        with read_session(engine) as session:
            if session.get(Member, args.member) is None:
                raise BadInput([f"--member: no member with id {args.member!r}"])
    for entry in audit_entries(engine, args.member):
        print(format_entry(entry))
    return EXIT_OK


def tui_app(db: str | None, as_of: date | None, key: bytes | None = None) -> CpssApp:
    """The TUI as the command line starts it: the frame paints first, the database opens in a worker."""
    from cpss_tui import gc_pause

    gc_pause.pause()  # until the database is open (see gc_pause.py)
    quick = None
    if key is None:  # a plain file: read the home screen while Textual loads (data/start_read.py)
        import cpss_tui.data.start_read  # noqa: F401  (measured: importing the rules here, not in the thread, is faster)
        from cpss_tui.data.quick_start import QuickStart
        from cpss_tui.locations import resolve_db_path

        quick = QuickStart(resolve_db_path(db), as_of)
    from cpss_tui.ui.app import create_app

    return create_app(as_of=as_of, open_engine=lambda: _open(db, key), quick_start=quick)


def _cmd_tui(args: argparse.Namespace) -> int:
    from cpss_tui.errors import DatabaseError

    try:
        key = _ask_key(args.db)  # before the TUI takes the terminal
    except (DatabaseError, cli_crypto.PassphraseError) as exc:
        print(f"cpss-tui: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    app = tui_app(args.db, args.as_of, key)
    try:
        app.run()
    finally:
        app.close_database()
        from cpss_tui import gc_pause

        gc_pause.resume()
    if app.failure:
        print(f"cpss-tui: {app.failure}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if app.crash_message:  # already printed by the app after the screen was restored; details in the log
        return EXIT_ERROR
    return EXIT_OK


COMMANDS = {
    "demo": _cmd_demo,
    "import": _cmd_import,
    "export": _cmd_export,
    "status": _cmd_status,
    "audit": _cmd_audit,
    "report": cli_reports.cmd_report,
    "backup": cli_safety.cmd_backup,
    "restore": cli_safety.cmd_restore,
    "check": cli_safety.cmd_check,
    "encrypt": cli_crypto.cmd_encrypt,
    "print": cli_print.cmd_print,
}


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """`build_parser().parse_args(argv)`, without building every command's parser (~8 ms, a tenth of what
    start-up adds to a bare Textual app) when `argv` starts the TUI: a parser of the common options alone
    tries first, and anything it does not fully understand (a command, --help, --version, a bad value, an
    unknown word) goes to the whole parser, which parses or refuses it exactly as before."""
    tokens = list(sys.argv[1:] if argv is None else argv)
    tui = argparse.ArgumentParser(prog="cpss-tui", add_help=False, exit_on_error=False)
    _common_options(tui, suppress=False)
    try:
        args, rest = tui.parse_known_args(tokens)
    except argparse.ArgumentError:
        rest = ["(refused)"]
    if not rest:
        args.command = None
        return args
    return build_parser().parse_args(tokens)


def run(argv: Sequence[str] | None = None) -> int:
    """Parse `argv`, run the command and return the exit status (raises nothing for bad input)."""
    args = parse_args(argv)
    if args.command is None:
        return _cmd_tui(args)
    from cpss_tui.errors import DatabaseError

    try:
        if args.command in cli_safety.WITHOUT_OPENING:  # restore: the current file may be past opening
            return cli_safety.WITHOUT_OPENING[args.command](args)
        engine = _open(args.db, _ask_key(args.db))
        try:
            as_of = args.as_of or _today_in_agency_tz(engine)
            return COMMANDS[args.command](args, engine, as_of)
        finally:
            engine.dispose()
    except BadInput as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        return EXIT_BAD_INPUT
    except (DatabaseError, cli_crypto.PassphraseError) as exc:
        print(f"cpss-tui: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point: never shows a traceback; unexpected errors are logged without record contents."""
    try:
        code = run(argv)
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        # `cpss-tui export | head`: the reader left; that is not an error worth a log entry.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = EXIT_OK
    except SystemExit:
        raise
    except BaseException as exc:  # last line of defence: a short message, details in the log
        from cpss_tui.errors import report_unexpected

        print(report_unexpected(exc), file=sys.stderr)
        code = EXIT_ERROR
    sys.exit(code)
