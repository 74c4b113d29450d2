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
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
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
        show_messages(self, problems_by_field(problems, with_rule=True))


def show_messages(
    screen: Widget, errors: dict[str, str], flags: dict[str, str] | None = None, fallback: str = "form"
) -> None:
    """Write each field's refusal (or, failing that, flag) under the field: `#<field>-error`. A problem about
    a field the form has no place for goes to `#<fallback>-error`."""
    flags = flags or {}
    by_static: dict[str, tuple[str, bool]] = {}
    for field, message in flags.items():
        by_static[field] = (message, True)
    for field, message in errors.items():
        by_static[field] = (message, False)
    known = {(w.id or "").removesuffix("-error") for w in screen.query(".field-error")}
    merged: dict[str, tuple[str, bool]] = {}
    for field, (message, is_flag) in by_static.items():
        target = field if field in known else fallback
        if target in merged:
            old, old_flag = merged[target]
            merged[target] = (f"{old}\n{message}", old_flag and is_flag)
        else:
            merged[target] = (message, is_flag)
    for widget in screen.query(".field-error").results(Static):
        field = (widget.id or "").removesuffix("-error")
        message, is_flag = merged.get(field, ("", False))
        # A flag is a warning, not a refusal: the warning colour (inline, so app.tcss's error colour yields).
        widget.update(Content.styled(message, "$warning") if is_flag else message)
        widget.set_class(is_flag, "is-flag")
        widget.display = bool(message)


def problems_by_field(problems: Iterable[Problem], with_rule: bool = False) -> dict[str, str]:
    """Problems grouped by field, one line each; `with_rule` adds the rule id to a message that lacks it."""
    out: dict[str, str] = {}
    for p in problems:
        text = p.message if not with_rule or p.rule in p.message else f"{p.message} ({p.rule})"
        out[p.field] = f"{out[p.field]}\n{text}" if p.field in out else text
    return out


def reveal_first(screen: Widget, problems: list[Problem], fallback: str = "form") -> None:
    """Scroll the first refused field into view and focus it, so a refusal is never off screen."""
    for p in problems:
        for candidate in (p.field, fallback):
            found = screen.query(f"#{candidate}")
            if found:
                widget = found.first()
                if widget.focusable:
                    widget.focus()
                error = screen.query(f"#{candidate}-error")
                (error.first() if error else widget).scroll_visible(animate=False)
                return
