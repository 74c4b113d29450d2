"""Every state as colour plus a text label, so the screens read the same without colour."""

from __future__ import annotations

from datetime import date

from rich.text import Text

WEEK_STYLES = {
    "met": ("MET", "bold green"),
    "attempted": ("ATTEMPTED", "yellow"),
    "pending": ("PENDING", "cyan"),
    "missed": ("MISSED", "bold red"),
    None: ("-", "dim"),
}
VISIT_STYLES = {
    "ok": ("ok", "green"),
    "due-soon": ("SOON", "bold yellow"),
    "overdue": ("OVERDUE", "bold red"),
    None: ("", "dim"),
}
PCP_STYLES = {
    "ok": ("ok", "green"),
    "missing": ("MISSING", "bold red"),
    "incomplete": ("INCOMPLETE", "yellow"),
    "review-due-soon": ("REVIEW SOON", "yellow"),
    "review-overdue": ("REVIEW LATE", "bold red"),
}


def week_label(status: str | None, attention: bool = False) -> Text:
    """C-3 status as a coloured word; C-4 attention adds a leading '!'."""
    label, style = WEEK_STYLES.get(status, (str(status), ""))
    return Text(("!" if attention else " ") + label, style=style)


def visit_label(due: date | None, state: str | None) -> Text:
    """V-4 due date with its state word."""
    if due is None:
        return Text("-", style="dim")
    label, style = VISIT_STYLES.get(state, (state or "", ""))
    return Text(f"{due:%m-%d} {label}".strip(), style=style)


def pcp_label(state: str) -> Text:
    """P-1/P-2/P-5 state as a word."""
    label, style = PCP_STYLES.get(state, (state, ""))
    return Text(label, style=style)


def units_label(used: int, cap: int) -> Text:
    """Units used over the cap in force, red at or over the cap."""
    style = "bold red" if used > cap else ("yellow" if used == cap else "")
    return Text(f"{used}/{cap}", style=style)


def short_date(value: date | None) -> str:
    """MM-DD, or 'none'."""
    return f"{value:%m-%d}" if value else "none"
