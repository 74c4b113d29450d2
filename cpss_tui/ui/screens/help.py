"""Help: the keys of every screen and what each state means, in words (readable without colour)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# cpss-tui help

**Everywhere:** `F1` this help · `F2` reports · `ctrl+p` command palette (every action is there) ·
`ctrl+t` light/dark theme ·
`ctrl+q` quit (drafts are saved as you type, nothing is lost). Left idle 10 minutes (setting `ui.lock_minutes`)
the app locks itself until the passphrase or PIN is typed; the palette has "Lock now" and "Set lock PIN".

**This week** (home): `/` search by name or Medicaid id · `enter` open the member · `n` new service note ·
`a` log a contact attempt · `r` refresh · `u` switch user.

**Member record:** tabs Notes, Attempts, Plan, Authorizations, Visits · `n` new note · `a` attempt ·
`u` audit log (who changed what, when, old -> new) · `g` unit use (charts) · `c` contact calendar ·
`p` print the service record (PDF) · `escape` back.

**Service note:** fields are checked as you type; problems are shown under the field with the rule id.
`ctrl+s` sign (locks the note, N-3) · `escape` close (the draft stays, reopen it any time).

**Reports** (`F2`): quality benchmarks (Q-1, Q-2) with `ctrl+s` to save the CSV; billing export (the H0038
claim file and, beside it, every unit left out and why); unit use and contact calendar of a member; units per
week of a specialist; the printed service record. Each entry shows the command line that writes the same file.
Report files are private to you: they hold member data.

## Weekly contact (C-3)
- **MET**: at least one direct contact (face-to-face, telehealth, audio-only, group) this week.
- **ATTEMPTED**: no direct contact, but at least 2 documented attempts on 2 different days.
- **PENDING**: neither yet, and the week is not over.
- **MISSED**: the week ended with neither.
- **! ATTENTION** (C-4): pending with no direct contact for 7+ days, or last week missed.

## Supervisor visit (V-2..V-5)
Due 30 days after admission, then 60 days after the latest face-to-face visit by the supervisor.
**OVERDUE** after the due date; **DUE SOON** within 7 days of it.

## Units (U-1..U-9)
15 minutes = 1 unit. At most 16 units a day; 32 a week in the first 30 days of service, then 16.
Work over a cap or over the authorization is saved but flagged **OVER-CAP** and its excess is not billable.
"""


class HelpScreen(ModalScreen[None]):
    """Keys and meanings."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close", id="close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Markdown(HELP)
