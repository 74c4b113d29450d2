"""Quality benchmarks in the app (Q-1, Q-2; issue "Reports", item 1): the same figures as
`cpss-tui report quality`, program-wide and per specialist, each beside its target with a bar a supervisor can
take in at a glance. The bar's tick marks the target, and every row also says "met" or "BELOW" in words, so the
screen reads without colour. ctrl+s saves the CSV an auditor asks for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, Static

if TYPE_CHECKING:
    from cpss_tui.reports.period import Period
    from cpss_tui.reports.quality import Figures, QualityReport
    from cpss_tui.rules.quality import Benchmark
    from cpss_tui.ui.app import CpssApp

BAR_CELLS = 10  # 10% a cell; a half block shows 5%


def benchmark_bar(bench: Benchmark, cells: int = BAR_CELLS) -> Text:
    """`████████████████▌··│·` : the share as a bar, `│` at the target; green when met, red when below."""
    text = Text()
    if bench.figure is None:
        return text.append("no signed notes".ljust(cells + 1), style="dim")
    filled = bench.figure * cells
    target_at = round(bench.target * cells)
    style = "green" if bench.met else "red"
    for cell in range(cells):
        if cell == target_at:
            text.append("│", style="bold")
        if cell < int(filled):
            text.append("█", style=style)
        elif cell == int(filled) and filled - int(filled) >= 0.5:
            text.append("▌", style=style)
        else:
            text.append("·", style="dim")
    return text


def _cell(bench: Benchmark) -> Text:
    figure = "  —  " if bench.figure is None else f"{bench.figure * 100:5.1f}%"
    verdict = "" if bench.figure is None else (" met" if bench.met else " BELOW")
    text = Text(f"{figure} ")
    text.append_text(benchmark_bar(bench))
    text.append(verdict, style="green" if bench.met else "bold red")
    return text


class QualityScreen(Screen[None]):
    """Q-1 and Q-2 of a period: program (site) first, then each specialist with signed notes in it."""

    DEFAULT_CSS = """
    QualityScreen #period { height: 3; padding: 0 1; }
    QualityScreen #period Label { padding: 1 1 0 0; margin: 0; }
    QualityScreen #period Input { width: 18; }
    QualityScreen #quality { height: 1fr; }
    QualityScreen #quality-legend { height: auto; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("enter", "apply_period", "Apply period", tooltip="Recompute for the dates typed", id="apply"),
        Binding(
            "ctrl+s",
            "save_csv",
            "Save CSV",
            tooltip="Write the figures as CSV for an auditor",
            id="save_csv",
            priority=True,
        ),
    ]
    PALETTE_ACTIONS = (
        ("Save quality benchmarks as CSV", "The figures of this period, for an auditor", "save_csv"),
    )

    class Loaded(Message):
        def __init__(self, report: QualityReport) -> None:
            super().__init__()
            self.report = report

    def __init__(self) -> None:
        super().__init__()
        self.report: QualityReport | None = None

    @property
    def cpss(self) -> CpssApp:
        return cast("CpssApp", self.app)

    def compose(self) -> ComposeResult:
        from cpss_tui.reports.period import previous_month

        period = previous_month(self.cpss.as_of)
        yield Header()
        yield Static("Quality benchmarks · loading…", id="quality-title", classes="screen-title")
        with Horizontal(id="period"):
            yield Label("From")
            yield Input(period.first.isoformat(), id="from", placeholder="YYYY-MM-DD")
            yield Label(" To")
            yield Input(period.last.isoformat(), id="to", placeholder="YYYY-MM-DD")
        yield Static("", id="period-error", classes="field-error")
        yield DataTable(id="quality", cursor_type="row", zebra_stripes=True)
        yield Static(
            "Q-1: at least 80% of delivered units face-to-face (group counts; telehealth, audio-only and "
            "collateral do not). Q-2: at least 70% of staff time outside the agency office. Signed notes "
            "dated in the period; │ marks the target. ctrl+s saves the CSV.",
            id="quality-legend",
        )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#quality", DataTable)
        table.add_column("Who", key="who", width=18)
        table.add_column("Q-1 face-to-face units", key="q1")
        table.add_column("Q-2 time outside office", key="q2")
        table.focus()  # the figures first; tab reaches the dates
        self.action_apply_period()

    def _period(self) -> Period | None:
        from cpss_tui.reports.period import PeriodError, parse_period

        try:
            period = parse_period(self.query_one("#from", Input).value, self.query_one("#to", Input).value)
        except PeriodError as exc:
            self.query_one("#period-error", Static).update(str(exc))
            return None
        self.query_one("#period-error", Static).update("")
        return period

    @on(Input.Submitted)
    def action_apply_period(self) -> None:
        period = self._period()
        if period is not None:
            self._load(period)

    @work(thread=True, exclusive=True, exit_on_error=False, group="quality-load")
    def _load(self, period: Period) -> None:
        from cpss_tui.reports.quality import quality_report

        self.post_message(self.Loaded(quality_report(self.cpss.engine, period)))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        report = self.report = message.report
        self.query_one("#quality-title", Static).update(
            f"Quality benchmarks · {report.agency} · {report.period.describe()}"
        )
        table = self.query_one("#quality", DataTable)
        table.clear()
        rows: list[tuple[str, Figures]] = [("Program (site)", report.program)]
        rows += [(f.staff_name, f) for f in report.specialists]
        for who, figures in rows:
            table.add_row(
                Text(who, style="bold" if figures is report.program else ""),
                _cell(figures.q1),
                _cell(figures.q2),
                key=figures.staff_id or "program",
            )
        if not report.specialists:
            self.query_one("#period-error", Static).update("No signed notes in this period.")

    def action_save_csv(self) -> None:
        from cpss_tui.ui.screens.save_report import SaveReportDialog

        report = self.report
        if report is None:
            return
        from cpss_tui.reports.quality import quality_csv

        name = f"cpss-quality-{report.period.first.isoformat()}-{report.period.last.isoformat()}.csv"
        self.app.push_screen(
            SaveReportDialog("Save quality benchmarks as CSV", name, {"": quality_csv(report)})
        )
