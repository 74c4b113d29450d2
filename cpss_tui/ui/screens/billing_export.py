"""Billing export from the app (issue "Reports", item 4): the same two files as `cpss-tui export billing`.

The biller picks the period (the last whole month by default) and the claim file; the exclusions file goes
beside it (`NAME-excluded.csv`). After writing, the dialog stays open on a summary — claim lines, units,
amount at profile rates, and the units left out counted by reason — so the person can see what did not bill
before sending the file on.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from cpss_tui.rules.problems import Problem
from cpss_tui.ui.screens.save_report import check_target
from cpss_tui.ui.widgets.form import FormDialog

if TYPE_CHECKING:
    from cpss_tui.reports.billing import BillingExport
    from cpss_tui.reports.period import Period


def summary(export: BillingExport, claims: str, excluded: str) -> str:
    """What was written, in words, with the left-out units counted by reason."""
    reasons = Counter[str]()
    notes = Counter[str]()
    for e in export.exclusions:
        reasons[e.reason] += e.units
        notes[e.reason] += 1
    left = "; ".join(
        f"{reason}: {notes[reason]} note(s), {units} unit(s)" for reason, units in sorted(reasons.items())
    )
    return f"{export.describe()}\nClaims: {claims}\nLeft out: {excluded}\n" + (
        f"Left out by reason — {left}" if left else "Nothing was left out."
    )


class BillingExportDialog(FormDialog):
    """Writes the claim CSV and the exclusions CSV; stays open on the summary (escape closes)."""

    DEFAULT_CSS = """
    BillingExportDialog #billing-period { height: 3; }
    BillingExportDialog #billing-period Input { width: 18; }
    BillingExportDialog .period-label { width: auto; padding: 1 1 0 0; }
    BillingExportDialog #billing-summary { height: auto; margin-top: 1; }
    """

    class Done(Message):
        def __init__(self, export: BillingExport, claims: str, excluded: str) -> None:
            super().__init__()
            self.export = export
            self.claims = claims
            self.excluded = excluded

    class Failed(Message):
        def __init__(self, problem: Problem) -> None:
            super().__init__()
            self.problem = problem

    def __init__(self) -> None:
        super().__init__()
        self._confirmed: Path | None = None

    def compose(self) -> ComposeResult:
        from cpss_tui.reports.period import previous_month

        period = previous_month(self.cpss.as_of)
        with Vertical(classes="dialog form"):
            yield Static("Billing export · H0038 claim lines of signed notes", classes="screen-title")
            with Horizontal(id="billing-period"):
                yield Static("From", classes="period-label")
                yield Input(period.first.isoformat(), id="from")
                yield Static(" To", classes="period-label")
                yield Input(period.last.isoformat(), id="to")
            yield Static("", id="from-error", classes="field-error")
            yield Static("", id="to-error", classes="field-error")
            yield Label("Claim file (CSV); the units left out go to NAME-excluded.csv")
            name = f"cpss-billing-{period.first.isoformat()}-{period.last.isoformat()}.csv"
            yield Input(str(Path.home() / name), id="path")
            yield Static("", id="path-error", classes="field-error")
            yield Static("", id="form-error", classes="field-error")
            yield Static("", id="billing-summary")
            yield from self.form_buttons("Export")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def _period(self) -> Period | None:
        from cpss_tui.reports.period import PeriodError, parse_period

        try:
            return parse_period(self.query_one("#from", Input).value, self.query_one("#to", Input).value)
        except PeriodError as exc:
            field = "from" if str(exc).startswith("from") else "to"
            self.show_problems([Problem("", field, str(exc))])
            return None

    def action_save(self) -> None:
        period = self._period()
        if period is None:
            return
        path, problem = check_target(self.query_one("#path", Input).value, self._confirmed)
        if problem is not None:
            self._confirmed = path
            self.show_problems([problem])
            return
        assert path is not None
        self.show_problems([])
        self.query_one("#billing-summary", Static).update("Writing…")
        self._write(period, path)

    @work(thread=True, exclusive=True, exit_on_error=False, group="billing-export")
    def _write(self, period: Period, path: Path) -> None:
        from cpss_tui.reports.billing import billing_export, excluded_path_for
        from cpss_tui.reports.files import write_billing_files

        export = billing_export(self.cpss.engine, period)
        excluded = excluded_path_for(str(path))
        try:
            write_billing_files(export, str(path), excluded)
        except OSError as exc:
            where = exc.filename or path
            self.post_message(
                self.Failed(Problem("", "path", f"path: cannot write {where} ({exc.strerror or exc})"))
            )
            return
        self.post_message(self.Done(export, str(path), excluded))

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.query_one("#billing-summary", Static).update("")
        self.show_problems([message.problem])

    @on(Done)
    def _done(self, message: Done) -> None:
        self._confirmed = Path(message.claims)  # a second export of the same file is a deliberate replace
        self.query_one("#billing-summary", Static).update(
            summary(message.export, message.claims, message.excluded)
        )
        self.app.notify(message.export.describe(), title="Billing export written")
