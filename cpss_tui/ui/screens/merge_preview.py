"""Merging a field laptop (issue 5 item 5): pick a bundle file, preview it, apply it in one step.

`ImportPicker` is a path box with a folder tree under it (only folders and `.json` files; enter on a file picks
it), usable at 80x24 by keyboard. `MergePreview` lists what the import would do, conflicts first, each by
record and field with the value here and in the bundle (`data.bundle_preview`); nothing is written until Apply,
which runs the ordinary all-or-nothing import. Apply is refused, with the reason on screen, when the import would
refuse (a signed note differs, a problem in the file); records changed both here and in the bundle need a
second press that names them, so nothing is overwritten silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, DirectoryTree, Footer, Header, Input, Label, Static

from cpss_tui.data.bundle_preview import Preview, RecordChange

if TYPE_CHECKING:
    from cpss_tui.ui.app import CpssApp


class BundleTree(DirectoryTree):
    """Folders and .json files only: a bundle is a .json file."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p for p in paths if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() == ".json")
        ]


class ImportPicker(ModalScreen[None]):
    """Choose the bundle file to merge; enter previews it."""

    DEFAULT_CSS = """
    ImportPicker .dialog {
        height: 22;
    }
    ImportPicker BundleTree {
        height: 1fr;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, start: Path | None = None) -> None:
        super().__init__()
        self.start = start or Path.cwd()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Import a specialist's bundle · preview first", classes="screen-title")
            yield Label("File (type a path and press enter, or pick below)")
            yield Input(placeholder=str(self.start / "bundle.json"), id="path")
            yield Static("", id="path-error", classes="field-error")
            yield BundleTree(self.start, id="tree")
            yield Static("tab to the folder tree · enter picks · esc cancels", classes="muted")

    def on_mount(self) -> None:
        self.query_one("#path-error", Static).display = False
        self.query_one("#path", Input).focus()

    @on(DirectoryTree.FileSelected)
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        self.query_one("#path", Input).value = str(event.path)
        self._open(event.path)

    @on(Input.Submitted, "#path")
    def _typed(self, event: Input.Submitted) -> None:
        raw = event.value.strip()
        if not raw:
            self._error("path: type the bundle file's path, or pick it in the tree")
            return
        path = Path(raw).expanduser()
        if path.is_dir():
            tree = self.query_one("#tree", BundleTree)
            tree.path = path
            tree.focus()
            return
        self._open(path)

    def _error(self, message: str) -> None:
        error = self.query_one("#path-error", Static)
        error.update(message)
        error.display = True

    def _open(self, path: Path) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self._error(f"path: cannot read {path} ({exc.__class__.__name__}: {exc})")
            return
        self.dismiss(None)
        self.app.push_screen(MergePreview(path, text))

    def action_cancel(self) -> None:
        self.dismiss(None)


def _diff_text(change: RecordChange) -> str:
    return "; ".join(f"{d.key}: here {d.here!s:.24} · bundle {d.bundle!s:.24}" for d in change.diffs)


class MergePreview(Screen[None]):
    """What importing one bundle would do; `a` applies it, all or nothing."""

    AUTO_FOCUS = "#merge"
    DEFAULT_CSS = """
    MergePreview #merge {
        height: 1fr;
    }
    MergePreview #merge-detail {
        height: 4;
        padding: 0 1;
    }
    MergePreview #merge-refusal {
        color: $error;
        text-style: bold;
        padding: 0 1;
        height: auto;
    }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding(
            "a", "apply", "Apply", tooltip="Import the whole bundle in one step (all or nothing)", id="apply"
        ),
    ]
    PALETTE_ACTIONS = (("Apply the previewed import", "Import the bundle, all or nothing", "apply"),)

    class Previewed(Message):
        def __init__(self, preview: Preview | None, problems: list[str]) -> None:
            super().__init__()
            self.preview = preview
            self.problems = problems

    class Applied(Message):
        def __init__(self, summary: str | None, problems: list[str]) -> None:
            super().__init__()
            self.summary = summary
            self.problems = problems

    def __init__(self, path: Path, text: str) -> None:
        super().__init__()
        self.path = path
        self.text = text
        self.preview: Preview | None = None
        self.rows: list[tuple[str, RecordChange | None, str]] = []  # (status, change, problem line)
        self.confirming = False
        self.applied = False

    @property
    def cpss(self) -> CpssApp:
        return cast("CpssApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Previewing {self.path.name}…", id="merge-summary", classes="screen-title")
        yield Static("", id="merge-refusal")
        table: DataTable[object] = DataTable(id="merge", cursor_type="row", zebra_stripes=True)
        table.add_column("Status", key="status", width=9)
        table.add_column("Record", key="record", width=14)
        table.add_column("What", key="what", width=22)
        table.add_column("Fields", key="fields", width=26)
        yield table
        yield Static("", id="merge-detail", classes="muted")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._preview()

    @work(thread=True, exclusive=True, exit_on_error=False, group="merge")
    def _preview(self) -> None:
        from cpss_tui.data.bundle_preview import BundleError, preview_bundle

        app = self.cpss
        actor = app.user.id if app.user else None
        try:
            self.post_message(self.Previewed(preview_bundle(app.engine, self.text, actor, app.as_of), []))
        except BundleError as exc:
            self.post_message(self.Previewed(None, list(exc.problems)))

    @on(Previewed)
    def _show(self, message: Previewed) -> None:
        self.preview = message.preview
        p = message.preview
        problems = message.problems if p is None else p.problems
        self.rows = []
        if p is not None:
            for c in p.conflicts:
                self.rows.append(("CONFLICT" if c.blocks else "BOTH EDIT", c.change, ""))
            self.rows += [("CHANGED", c, "") for c in p.changed]
            self.rows += [("NEW", c, "") for c in p.new]
        self.rows = [("PROBLEM", None, line) for line in problems] + self.rows
        table = self.query_one("#merge", DataTable)
        table.clear()
        for status, change, line in self.rows:
            style = {"CONFLICT": "bold red", "PROBLEM": "bold red", "BOTH EDIT": "bold yellow"}.get(
                status, ""
            )
            if change is None:
                table.add_row(Text(status, style=style), "", line[:22], line[22:48])
            else:
                fields = ", ".join(d.key for d in change.diffs)
                table.add_row(
                    Text(status, style=style),
                    change.list_name,
                    change.summary[:22],
                    fields[:26],
                )
        if p is None:
            summary = f"{self.path.name}: not a bundle the app can read"
        else:
            summary = (
                f"{self.path.name}: {len(p.new)} new · {len(p.changed)} changed · {len(p.conflicts)} conflicting "
                f"· {p.unchanged} unchanged"
            )
        self.query_one("#merge-summary", Static).update(summary)
        refusal = self.query_one("#merge-refusal", Static)
        if p is None or p.refusal is not None:
            reason = "the file is not a cpss-bundle" if p is None else p.refusal
            refusal.update(f"Apply refused: {reason}. Nothing was imported.")
        elif p.writes_nothing:
            refusal.update(Text("Nothing to import: every record is already here.", style="green"))
        elif p.overwrites:
            refusal.update(
                Text(
                    f"{len(p.overwrites)} records were changed here and in the bundle: Apply lets the bundle's "
                    "version win (press a twice).",
                    style="bold yellow",
                )
            )
        else:
            refusal.update(Text("Nothing written yet: press a to apply, all or nothing.", style="green"))
        self._detail()

    @on(DataTable.RowHighlighted, "#merge")
    def _detail(self) -> None:
        table = self.query_one("#merge", DataTable)
        detail = self.query_one("#merge-detail", Static)
        row = table.cursor_row
        if not self.rows or row is None or not 0 <= row < len(self.rows):
            detail.update("")
            return
        _status, change, line = self.rows[row]
        if change is None:
            detail.update(line)
        elif change.diffs:
            detail.update(f"{change.label}\n{_diff_text(change)}")
        else:
            detail.update(f"{change.label}: {change.summary}")

    def action_apply(self) -> None:
        p = self.preview
        if p is None or p.refusal is not None:
            reason = "the file is not a cpss-bundle" if p is None else p.refusal
            self.notify(f"Apply refused: {reason}.", severity="error", timeout=8)
            return
        if self.applied or p.writes_nothing:
            self.notify("Nothing to import: every record is already here.")
            return
        if p.overwrites and not self.confirming:
            self.confirming = True
            names = ", ".join(c.change.summary or c.change.label for c in p.overwrites[:3])
            self.notify(
                f"The bundle's version will replace {len(p.overwrites)} records changed here ({names}). "
                "Press a again to apply.",
                severity="warning",
                timeout=10,
            )
            return
        self._apply(p)

    @work(thread=True, exclusive=True, exit_on_error=False, group="merge")
    def _apply(self, preview: Preview) -> None:
        from cpss_tui.data.bundle_preview import BundleError, apply_preview

        app = self.cpss
        actor = app.user.id if app.user else None
        try:
            report = apply_preview(app.engine, self.text, preview, actor, app.as_of)
        except BundleError as exc:
            self.post_message(self.Applied(None, list(exc.problems)))
            return
        self.post_message(self.Applied(report.describe().splitlines()[0], []))

    @on(Applied)
    def _applied(self, message: Applied) -> None:
        if message.summary is None:
            self.query_one("#merge-refusal", Static).update("\n".join(message.problems))
            self.notify("\n".join(message.problems), severity="error", timeout=10)
            return
        self.applied = True
        self.query_one("#merge-refusal", Static).update(
            Text(f"Applied: {message.summary}.", style="bold green")
        )
        self.notify(f"Imported {self.path.name}: {message.summary}.")
