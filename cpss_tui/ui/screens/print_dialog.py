"""Print a member's service record to a PDF from the member record (key p): the file `cpss-tui print member`
writes (cpss_tui/reports/service_record.py).

The path is prefilled in the user's Documents folder (their home folder when there is none), named after the
member and the date. The record is read, drawn and written in a thread worker; the dialog then stays open on
what was written (pages, notes) or on the reason it was not, in words, under the field concerned. The file is
private to the user (0600: it holds PHI); an existing file is replaced only when ctrl+s is pressed a second
time for the same path, as the other save dialogs do.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from cpss_tui.rules.problems import Problem
from cpss_tui.ui.screens.save_report import check_target
from cpss_tui.ui.widgets.form import FormDialog

if TYPE_CHECKING:
    from cpss_tui.reports.service_record import PrintedRecord


def documents_dir() -> Path:
    """The user's Documents folder if it exists, else their home folder."""
    from platformdirs import user_documents_dir

    try:
        documents = Path(user_documents_dir())
    except (OSError, KeyError):  # pragma: no cover - no home to speak of
        return Path.home()
    return documents if documents.is_dir() else Path.home()


def default_path(name: str, as_of: date) -> Path:
    """<Documents>/service-record-<name>-<date>.pdf."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "member"
    return documents_dir() / f"service-record-{slug}-{as_of.isoformat()}.pdf"


def result_words(printed: PrintedRecord, path: Path) -> str:
    """The one line the command prints, for the dialog."""
    pages = f"{printed.pages} page{'s' if printed.pages != 1 else ''}"
    notes = f"{printed.notes} signed note{'s' if printed.notes != 1 else ''}"
    return f"Service record of {printed.name} written to {path} ({pages}, {notes}). Private to you: it holds PHI."


class PrintDialog(FormDialog):
    """Asks the PDF's path, writes the service record, stays open on the result (escape closes)."""

    DEFAULT_CSS = """
    PrintDialog #print-result { height: auto; margin-top: 1; }
    """

    class Done(Message):
        def __init__(self, printed: PrintedRecord, path: Path) -> None:
            super().__init__()
            self.printed = printed
            self.path = path

    class Failed(Message):
        def __init__(self, problem: Problem) -> None:
            super().__init__()
            self.problem = problem

    def __init__(self, member_id: str, member_name: str | None) -> None:
        super().__init__()
        self.member_id = member_id
        self.member_name = member_name or member_id
        self._confirmed: Path | None = None
        self.written: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Static(f"Print the service record of {self.member_name} (PDF)", classes="screen-title")
            yield Label("PDF file to write (private to you: it holds member health information)")
            yield Input(str(default_path(self.member_name, self.cpss.as_of)), id="path")
            yield Static("", id="path-error", classes="field-error")
            yield Static("", id="form-error", classes="field-error")
            yield Static(
                "Demographics, plan and crisis plan, authorizations, every signed note with its addenda; "
                "drafts are not printed.",
                id="print-result",
            )
            yield from self.form_buttons("Print")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def action_save(self) -> None:
        path, problem = check_target(self.query_one("#path", Input).value, self._confirmed)
        if problem is not None:
            self._confirmed = path
            self.show_problems([problem])
            return
        assert path is not None
        self.show_problems([])
        self.query_one("#print-result", Static).update("Printing…")
        user = self.cpss.user
        who = f"{user.name}, {user.credentials}".strip(", ") if user else "unknown user"
        self._print(path, who)

    @work(thread=True, exclusive=True, exit_on_error=False, group="print-record")
    def _print(self, path: Path, who: str) -> None:
        from cpss_tui.reports.service_record import print_service_record, write_private_pdf

        try:
            printed = print_service_record(self.cpss.engine, self.member_id, self.cpss.as_of, who)
            if printed is None:
                self.post_message(
                    self.Failed(Problem("", "form", f"member: no member with id {self.member_id!r}."))
                )
                return
            write_private_pdf(path, printed.content)
        except OSError as exc:
            where = exc.filename or path
            self.post_message(
                self.Failed(Problem("", "path", f"path: cannot write {where} ({exc.strerror or exc})."))
            )
            return
        except Exception as exc:  # said in words here; the scrubbed stack goes to the error log
            from cpss_tui.errors import report_unexpected

            logged = report_unexpected(exc).removeprefix("cpss-tui: ")
            self.post_message(self.Failed(Problem("", "form", f"The record could not be printed: {logged}.")))
            return
        self.post_message(self.Done(printed, path))

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.query_one("#print-result", Static).update("Nothing was written.")
        self.show_problems([message.problem])

    @on(Done)
    def _done(self, message: Done) -> None:
        self.written = message.path
        self._confirmed = message.path  # printing the same file again is a deliberate replace
        words = result_words(message.printed, message.path)
        self.query_one("#print-result", Static).update(f"{words}\nPress escape to close.")
        self.app.notify(words, title="Service record printed")
