"""Export this laptop's records to a bundle file for the supervisor (issue 5 item 5), from inside the app.

The same bundle `cpss-tui export -o FILE` writes (`data.bundle.export_bundle`), created private to the user
(0600: it holds PHI) before a byte is written. An existing file is not overwritten unless the user presses
ctrl+s a second time for the same path.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from cpss_tui.rules.problems import Problem
from cpss_tui.ui.widgets.form import FormDialog


def default_path(name: str, as_of: str) -> Path:
    """~/cpss-export-<name>-<date>.json: where a specialist finds it to copy to a USB stick or share."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "records"
    return Path.home() / f"cpss-export-{slug}-{as_of}.json"


class ExportDialog(FormDialog):
    """Dismisses True when the bundle was written."""

    def __init__(self) -> None:
        super().__init__()
        self._confirmed_overwrite: Path | None = None

    def compose(self) -> ComposeResult:
        user = self.cpss.user
        path = default_path(user.name if user else "records", self.cpss.as_of.isoformat())
        with Vertical(classes="dialog form"):
            yield Static("Export records to a bundle file (for your supervisor)", classes="screen-title")
            yield Label("File to write (private to you: it holds member health information)")
            yield Input(value=str(path), id="path")
            yield Static("", id="path-error", classes="field-error")
            yield Static("", id="form-error", classes="field-error")
            yield from self.form_buttons("Export")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def action_save(self) -> None:
        from cpss_tui.data.bundle import BundleError, export_bundle
        from cpss_tui.locations import ensure_private_file

        raw = self.query_one("#path", Input).value.strip()
        if not raw:
            self.show_problems([Problem("export", "path", "path: type the file to write.")])
            return
        path = Path(raw).expanduser()
        if path.is_dir():
            self.show_problems([Problem("export", "path", f"path: {path} is a folder; name a file in it.")])
            return
        if not path.parent.is_dir():
            self.show_problems([Problem("export", "path", f"path: the folder {path.parent} does not exist.")])
            return
        if path.exists() and self._confirmed_overwrite != path:
            self._confirmed_overwrite = path
            self.show_problems(
                [Problem("export", "path", f"path: {path.name} exists; press ctrl+s again to replace it.")]
            )
            return
        try:
            text = export_bundle(self.cpss.engine)
            ensure_private_file(path)
            os.chmod(path, 0o600)  # a file being replaced keeps its old mode otherwise
            path.write_text(text, encoding="utf-8")
        except BundleError as exc:
            self.show_problems([Problem("export", "form", line) for line in exc.problems])
            return
        except OSError as exc:
            self.show_problems(
                [Problem("export", "path", f"path: cannot write {path} ({exc.strerror or exc})")]
            )
            return
        self.app.notify(f"Exported to {path} (private to you). Give this file to your supervisor.")
        self.dismiss(True)
