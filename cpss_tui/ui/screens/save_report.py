"""Save a report to a file from the app: the path is asked, prefilled in the home folder, written private.

Reports hold member data, so files are created 0600 (reports/files.py) and an existing file is replaced only
when ctrl+s is pressed a second time for the same path, as the bundle export does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from cpss_tui.rules.problems import Problem
from cpss_tui.ui.widgets.form import FormDialog

# The chosen path -> every file to write (path -> content); a CSV report writes one file, billing two.
Render = Callable[[Path], Mapping[str, str | bytes]]


def file_slug(name: str) -> str:
    """A name as a file name part: "Sawyer Demoski" -> "sawyer-demoski"."""
    import re

    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "report"


def check_target(path_text: str, confirmed: Path | None) -> tuple[Path | None, Problem | None]:
    """The path typed, or the problem with it (empty, a folder, a missing folder, exists and not yet confirmed)."""
    raw = path_text.strip()
    if not raw:
        return None, Problem("", "path", "path: type the file to write.")
    path = Path(raw).expanduser()
    if path.is_dir():
        return None, Problem("", "path", f"path: {path} is a folder; name a file in it.")
    if not path.parent.is_dir():
        return None, Problem("", "path", f"path: the folder {path.parent} does not exist.")
    if path.exists() and confirmed != path:
        return path, Problem("", "path", f"path: {path.name} exists; press ctrl+s again to replace it.")
    return path, None


class SaveReportDialog(FormDialog):
    """Dismisses True when the files were written."""

    def __init__(self, title: str, default_name: str, render: Render | Mapping[str, str | bytes]) -> None:
        super().__init__()
        self.title_text = title
        self.default_name = default_name
        self.files_for = render
        self._confirmed: Path | None = None
        self.written: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Static(self.title_text, classes="screen-title")
            yield Label("File to write (private to you: it holds member information)")
            yield Input(value=str(Path.home() / self.default_name), id="path")
            yield Static("", id="path-error", classes="field-error")
            yield Static("", id="form-error", classes="field-error")
            yield from self.form_buttons("Save")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def action_save(self) -> None:
        from cpss_tui.reports.files import write_private_files

        path, problem = check_target(self.query_one("#path", Input).value, self._confirmed)
        if problem is not None:
            self._confirmed = path
            self.show_problems([problem])
            return
        assert path is not None
        files = dict(self.files_for(path)) if callable(self.files_for) else {str(path): self.files_for[""]}
        try:
            write_private_files(files)
        except OSError as exc:
            self.show_problems([Problem("", "path", f"path: cannot write {path} ({exc.strerror or exc})")])
            return
        self.written = list(files)
        self.app.notify(f"Saved {', '.join(files)}", title="Report saved")
        self.dismiss(True)
