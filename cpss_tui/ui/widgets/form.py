"""The shared shape of a small record dialog: ctrl+s saves, escape cancels, refusals shown under their field.

Every dialog that writes one record (attempt, addendum, visit, supervision session) behaves the same way, so
the keys, the buttons and the way a `Problem` finds its place live here once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from cpss_tui.rules.problems import Problem

if TYPE_CHECKING:
    from cpss_tui.ui.app import CpssApp


class FormDialog(ModalScreen[bool]):
    """A modal form; dismisses True when its record was saved. Subclasses implement `action_save`."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save", priority=True),
        Binding("escape", "cancel", "Cancel", id="cancel"),
    ]

    @property
    def cpss(self) -> CpssApp:
        return cast("CpssApp", self.app)

    def form_buttons(self, save_label: str = "Save") -> ComposeResult:
        """Save and Cancel buttons, for the mouse (the keys do the same)."""
        with Horizontal(classes="buttons"):
            yield Button(f"{save_label}  (ctrl+s)", id="save", variant="primary")
            yield Button("Cancel  (esc)", id="cancel")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.run_action("save")

    def action_save(self) -> None:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def show_problems(self, problems: Iterable[Problem]) -> None:
        """Clear every field error, then put each problem under its field (`#<field>-error`), else `#form-error`.

        The rule id is added to a message that does not already name it.
        """
        messages: dict[str, list[str]] = {}
        for problem in problems:
            target = f"{problem.field}-error"
            if not self.query(f"#{target}"):
                target = "form-error"
            text = (
                problem.message if problem.rule in problem.message else f"{problem.message} ({problem.rule})"
            )
            messages.setdefault(target, []).append(text)
        for error in self.query(".field-error").results(Static):
            error.update("\n".join(messages.get(error.id or "", [])))
