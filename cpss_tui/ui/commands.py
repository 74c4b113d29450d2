"""Command palette provider: every action of the app is also a command (ctrl+p)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider


def _report(app: App[object], report_id: str) -> None:
    """Open one report (imported here: the palette loads at start-up)."""
    from cpss_tui.ui.screens.reports import open_report

    open_report(app, report_id)


def _report_commands(app: App[object]) -> list[tuple[str, str, Callable[[], object]]]:
    from cpss_tui.ui.screens.reports import REPORTS

    return [(f"Report: {e.title}", e.what, partial(_report, app, e.id)) for e in REPORTS]


def _push(app: App[object], which: str) -> None:
    """Open the export dialog or the import picker (imported here: the palette loads at start-up)."""
    if which == "export":
        from cpss_tui.ui.screens.export_dialog import ExportDialog

        app.push_screen(ExportDialog())
    else:
        from cpss_tui.ui.screens.merge_preview import ImportPicker

        app.push_screen(ImportPicker())


class CpssCommands(Provider):
    """The app's own commands, plus the actions of the screen on top."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self.app
        commands: list[tuple[str, str, Callable[[], object]]] = [
            ("Help", "Keys and what each state means", partial(app.run_action, "help")),
            ("Switch user", "Act as another staff member", partial(app.run_action, "switch_user")),
            ("Toggle light/dark theme", "Switch the colour theme", partial(app.run_action, "toggle_theme")),
            ("Export records to a file", "A bundle for your supervisor", partial(_push, app, "export")),
            ("Import a bundle file", "Merge a laptop's export: preview first", partial(_push, app, "import")),
            ("Reports", "Every report: quality, billing, unit use, calendar, printed record", partial(app.run_action, "reports")),
            ("Lock now", "Cover the screen until the passphrase or PIN is typed", partial(app.run_action, "lock")),
            ("Set lock PIN", "The PIN the lock screen asks for (unencrypted database)", partial(app.run_action, "set_pin")),
        ]
        if getattr(app, "_engine", None) is not None:
            commands += _report_commands(app)
        screen = app.screen
        for binding in getattr(screen, "PALETTE_ACTIONS", ()):
            name, help_text, action = binding
            commands.append((name, help_text, partial(screen.run_action, action)))
        return commands

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
