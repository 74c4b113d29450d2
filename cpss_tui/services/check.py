"""`cpss-tui check`: is the file sound, is the audit log unaltered, do the records obey the rules they were
written under?

Four areas, each cheap (no history loaded into Python but the audit log's chain, streamed):
- SQLite's own `integrity_check` and `foreign_key_check` (data/sqlite.py);
- the audit hash chain (data/audit_chain.py), and the chain against each backup's last seal, which shows a log
  cut short or rewritten from some entry on (what a chain alone cannot show);
- a consistency pass: SQL that finds records no app path would write (a note after its member's discharge,
  a signed note without its signature or goal, an attempt after discharge, ...). Such records come from
  another program writing the file, or from an older version's bug; the lines name the record and the rule.

Findings name record ids only, never member names: the output may be pasted into a ticket.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Integer, and_, exists, func, or_, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import aliased

from cpss_tui.data import audit_chain, sqlite
from cpss_tui.data.models import (
    Attempt,
    Goal,
    Member,
    Note,
    NoteAddendum,
    NoteGoal,
    Pcp,
    Staff,
    SupervisorVisit,
)
from cpss_tui.vocab import CONSENT_KINDS, CONSENT_NOT_OBTAINED_PREFIX

SHOWN_PER_CHECK = 20  # lines shown per consistency check; the rest are counted


@dataclass
class Area:
    """One area of the check: its verdict line and its problems (empty when sound)."""

    name: str
    summary: str = "ok"
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said, but not problems
    unshown: int = 0  # problems counted but not listed (past SHOWN_PER_CHECK of one kind)


@dataclass
class CheckReport:
    """Every area, in the order checked."""

    areas: list[Area]

    @property
    def problem_count(self) -> int:
        return sum(len(a.problems) + a.unshown for a in self.areas)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0


# --- consistency: (rule, words, query) --------------------------------------------------------------------------


def _start_minute(model: Any) -> Any:
    """'HH:MM' as minutes after midnight, in portable SQL."""
    hours = func.cast(func.substr(model.start_time, 1, 2), Integer)
    return hours * 60 + func.cast(func.substr(model.start_time, 4, 2), Integer)


_other = aliased(Note)
_signed = Note.signed_at.is_not(None)

CONSISTENCY: Sequence[tuple[str, Callable[[Any], str], Any]] = (
    (
        "N-6",
        lambda r: f"note {r[0]}: dated {r[1]}, after its member's discharge on {r[2]}",
        select(Note.id, Note.date, Member.discharged_on)
        .join(Member, Member.id == Note.member_id)
        .where(Member.discharged_on.is_not(None), Note.date > Member.discharged_on),
    ),
    (
        "N-6",
        lambda r: f"note {r[0]}: dated {r[1]}, before its member's admission on {r[2]}",
        select(Note.id, Note.date, Member.admitted_on)
        .join(Member, Member.id == Note.member_id)
        .where(Note.date < Member.admitted_on),
    ),
    (
        "N-6",
        lambda r: f"notes {r[0]} and {r[1]}: the same specialist's notes overlap in time on {r[2]}",
        select(Note.id, _other.id, Note.date)
        .join(
            _other,
            and_(_other.staff_id == Note.staff_id, _other.date == Note.date, _other.id > Note.id),
        )
        .where(
            _start_minute(Note) < _start_minute(_other) + _other.minutes,
            _start_minute(_other) < _start_minute(Note) + Note.minutes,
        ),
    ),
    (
        "N-3",
        lambda r: f"note {r[0]}: signed, but the signer's name is missing",
        select(Note.id).where(
            _signed, or_(Note.signed_by_name.is_(None), func.trim(Note.signed_by_name) == "")
        ),
    ),
    (
        "N-2",
        lambda r: f"note {r[0]}: signed without its purpose, interventions or effectiveness",
        select(Note.id).where(
            _signed,
            or_(
                func.trim(Note.purpose) == "",
                func.trim(Note.interventions) == "",
                func.trim(Note.effectiveness) == "",
            ),
        ),
    ),
    (
        "N-1",
        lambda r: f"note {r[0]}: signed with a duration of {r[1]} minutes",
        select(Note.id, Note.minutes).where(_signed, Note.minutes <= 0),
    ),
    (
        "P-3",
        lambda r: f"note {r[0]}: signed without a linked PCP goal",
        select(Note.id).where(_signed, ~exists().where(NoteGoal.note_id == Note.id)),
    ),
    (
        "P-3",
        lambda r: f"note {r[0]}: linked to goal {r[1]}, which is in another member's plan",
        select(Note.id, Goal.id)
        .join(NoteGoal, NoteGoal.note_id == Note.id)
        .join(Goal, Goal.id == NoteGoal.goal_id)
        .join(Pcp, Pcp.id == Goal.pcp_id)
        .where(Pcp.member_id != Note.member_id),
    ),
    (
        "N-5",
        lambda r: f"note {r[0]}: a signed audio-only note without identity verification or consent",
        select(Note.id).where(
            _signed,
            Note.contact_type == "audio-only",
            or_(
                Note.identity_verified.is_not(True),
                Note.consent.is_(None),
                and_(
                    Note.consent.not_in(CONSENT_KINDS),
                    or_(
                        ~Note.consent.startswith(CONSENT_NOT_OBTAINED_PREFIX),
                        func.trim(func.substr(Note.consent, len(CONSENT_NOT_OBTAINED_PREFIX) + 1)) == "",
                    ),
                ),
            ),
        ),
    ),
    (
        "U-2",
        lambda r: f"note {r[0]}: not billable, with no reason given",
        select(Note.id).where(
            Note.billable.is_(False),
            or_(Note.nonbillable_reason.is_(None), func.trim(Note.nonbillable_reason) == ""),
        ),
    ),
    (
        "N-3",
        lambda r: f"addendum {r[0]}: attached to note {r[1]}, which is not signed",
        select(NoteAddendum.id, Note.id)
        .join(Note, Note.id == NoteAddendum.note_id)
        .where(Note.signed_at.is_(None)),
    ),
    (
        "C-2",
        lambda r: f"attempt {r[0]}: on {r[1]}, after its member's discharge on {r[2]}",
        select(Attempt.id, Attempt.on_date, Member.discharged_on)
        .join(Member, Member.id == Attempt.member_id)
        .where(Member.discharged_on.is_not(None), Attempt.on_date > Member.discharged_on),
    ),
    (
        "C-2",
        lambda r: f"attempt {r[0]}: on {r[1]}, before its member's admission on {r[2]}",
        select(Attempt.id, Attempt.on_date, Member.admitted_on)
        .join(Member, Member.id == Attempt.member_id)
        .where(Attempt.on_date < Member.admitted_on),
    ),
    (
        "V-1",
        lambda r: f"supervisor visit {r[0]}: recorded by staff {r[1]}, who is not a supervisor",
        select(SupervisorVisit.id, Staff.id)
        .join(Staff, Staff.id == SupervisorVisit.supervisor_id)
        .where(Staff.role != "supervisor"),
    ),
)


def _consistency(conn: Connection) -> Area:
    area = Area("consistency")
    checked = 0
    for rule, words, query in CONSISTENCY:
        rows = conn.execute(query.limit(SHOWN_PER_CHECK + 1)).all()
        checked += 1
        for row in rows[:SHOWN_PER_CHECK]:
            area.problems.append(f"{words(row)} ({rule})")
        if len(rows) > SHOWN_PER_CHECK:
            total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
            area.unshown += total - SHOWN_PER_CHECK
            area.notes.append(f"... and {total - SHOWN_PER_CHECK} more like the {rule} lines above")
    found = len(area.problems) + area.unshown
    area.summary = f"{checked} rules checked" if not found else _count(found, "problem")
    return area


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# --- the whole check ---------------------------------------------------------------------------------------------


def _chain(conn: Connection, db_path: Path | None, engine: Engine) -> Area:
    area = Area("audit chain")
    report = audit_chain.verify(conn)
    area.problems += report.problems
    area.summary = f"{report.sealed} entries sealed" + (
        f", {report.waiting} waiting" if report.waiting else ""
    )
    if report.waiting:
        area.notes.append(
            f"{report.waiting} newest entries were written by another program and are not sealed yet; "
            "the app's next save seals them"
        )
    if db_path is not None:
        _against_backups(conn, db_path, engine, area)
    if area.problems:
        area.summary += f"; {_count(len(area.problems), 'problem')}"
    return area


def _against_backups(conn: Connection, db_path: Path, engine: Engine, area: Area) -> None:
    """Every backup's last seal must still be in the chain, unchanged: that catches a log cut short or
    rewritten from some entry on, which a chain alone cannot show. Backups from before a restore hold another
    history and are left out; a backup without a chain (before revision 0004) has nothing to compare."""
    from cpss_tui.data import backup, settings
    from cpss_tui.locations import backup_dir_for

    restored = settings.get(engine, settings.BACKUP_RESTORED_AT)
    backups = [
        b
        for b in backup.list_backups(backup_dir_for(db_path))
        if restored is None or b.taken_at.isoformat() > str(restored)
    ]
    held = 0
    unreadable = 0
    for b in backups:  # newest first; a few dozen files at most, one small query each
        try:
            seal = backup.last_seal(b.path, like=engine)
        except Exception:  # an unreadable backup is said, not fatal to the check
            unreadable += 1
            continue
        if seal is None:
            continue
        seq, digest = seal
        current = audit_chain.seal_of(conn, seq)
        taken = b.taken_at.strftime("%Y-%m-%d %H:%M UTC")
        if current is None:
            area.problems.append(
                f"audit entry #{seq}, sealed in the backup of {taken}, is no longer in the log (entries removed)"
            )
        elif current != digest:
            area.problems.append(
                f"the audit log differs from the backup of {taken} at or before entry #{seq} (entries rewritten)"
            )
        else:
            held += 1
    if held:
        area.notes.append(f"the chain holds what {_count(held, 'backup')} sealed")
    elif not backups:
        area.notes.append(
            "no backup to compare the chain with yet" + (" since the restore" if restored else "")
        )
    if unreadable:
        area.notes.append(f"{_count(unreadable, 'backup')} could not be read")


def run_check(engine: Engine, db_path: Path | None = None) -> CheckReport:
    """Check the database behind `engine`; `db_path` lets the chain be compared with its backups."""
    try:
        with engine.connect() as conn:
            return _run(conn, db_path, engine)
    except (DBAPIError, UnicodeDecodeError) as exc:  # too damaged for SQLite to open or finish the check
        reason = getattr(exc, "orig", None) or exc.__class__.__name__
        return CheckReport([Area("integrity_check", "damaged", [f"SQLite cannot read the file: {reason}"])])


def _run(conn: Connection, db_path: Path | None, engine: Engine) -> CheckReport:
    integrity = Area("integrity_check", problems=sqlite.integrity_problems(conn))
    if integrity.problems:
        integrity.summary = _count(len(integrity.problems), "problem")
        # A damaged file makes every other query unreliable: stop at the verdict that matters.
        return CheckReport([integrity])
    keys = Area("foreign_key_check", problems=sqlite.foreign_key_problems(conn))
    if keys.problems:
        keys.summary = f"{_count(len(keys.problems), 'row')} refer to missing records"
    return CheckReport([integrity, keys, _chain(conn, db_path, engine), _consistency(conn)])


def render(report: CheckReport) -> list[str]:
    """The readable verdict: one line per area, its problems indented under it, the verdict last."""
    lines: list[str] = []
    for area in report.areas:
        mark = "ok  " if not area.problems else "FAIL"
        lines.append(f"{mark} {area.name:<18} {area.summary}")
        lines += [f"       {p}" for p in area.problems]
        lines += [f"       note: {n}" for n in area.notes]
    if report.ok:
        lines.append("verdict: no problems found")
    else:
        lines.append(f"verdict: {_count(report.problem_count, 'problem')} found")
    return lines
