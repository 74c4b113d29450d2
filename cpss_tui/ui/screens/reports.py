"""The reports menu (F2, or "Reports" in the command palette): every report in one list, each with what it shows
and the command line that writes the same file, so a new user finds them without a manual.

Reports about one member ask which member first (MemberPicker); they are also keys on the member record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from textual.screen import Screen as AnyScreen

    from cpss_tui.ui.app import CpssApp


@dataclass(frozen=True)
class ReportEntry:
    """One line of the menu: `open_for(member_id)` builds the screen; member_id is None when not `per_member`."""

    id: str
    title: str
    what: str
    command: str
    per_member: bool
    open_for: Callable[[str | None], AnyScreen[object]]


def _quality(_: str | None) -> AnyScreen[object]:
    from cpss_tui.ui.screens.quality_report import QualityScreen

    return cast("AnyScreen[object]", QualityScreen())


def _billing(_: str | None) -> AnyScreen[object]:
    from cpss_tui.ui.screens.billing_export import BillingExportDialog

    return cast("AnyScreen[object]", BillingExportDialog())


REPORTS: tuple[ReportEntry, ...] = (
    ReportEntry(
        "quality",
        "Quality benchmarks (Q-1, Q-2)",
        "Face-to-face units and time outside the office, per specialist, with targets",
        "cpss-tui report quality --from D --to D [--csv FILE]",
        False,
        _quality,
    ),
    ReportEntry(
        "billing",
        "Billing export (H0038 claims CSV)",
        "Claim lines of signed notes after caps; the units left out, with reasons",
        "cpss-tui export billing --from D --to D -o FILE.csv",
        False,
        _billing,
    ),
)


def entry_prompt(entry: ReportEntry) -> Text:
    text = Text(entry.title, style="bold")
    if entry.per_member:
        text.append("  (asks for a member)", style="dim")
    text.append(f"\n  {entry.what}\n")
    text.append(f"  {entry.command}", style="dim italic")
    return text


class ReportsScreen(Screen[None]):
    """Enter opens the highlighted report."""

    DEFAULT_CSS = """
    ReportsScreen OptionList { height: 1fr; }
    ReportsScreen #reports-hint { height: auto; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="back")]

    @property
    def cpss(self) -> CpssApp:
        return cast("CpssApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Reports · for auditors, billing and supervision", classes="screen-title")
        yield OptionList(*[Option(entry_prompt(e), id=e.id) for e in REPORTS], id="reports")
        yield Static(
            "Enter opens a report. Each also runs from the command line (shown under it) and from the "
            "command palette (ctrl+p).",
            id="reports-hint",
        )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#reports", OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        open_report(self.app, str(event.option.id))


def open_report(app: object, report_id: str) -> None:
    """Open one report by id: straight away, or after a member is picked."""
    from textual.app import App

    assert isinstance(app, App)
    entry = next(e for e in REPORTS if e.id == report_id)
    if not entry.per_member:
        app.push_screen(entry.open_for(None))
        return
    from cpss_tui.ui.screens.member_picker import MemberPicker

    def picked(member_id: str | None) -> None:
        if member_id:
            app.push_screen(entry.open_for(member_id))

    app.push_screen(MemberPicker(entry.title), picked)
