"""Quality benchmarks over a period (Q-1, Q-2; issue "Reports", item 1), program-wide and per specialist.

What is counted (a compliance officer's reading of 8G "Program Requirements"):
- Q-1 "delivered units": the units (U-1 rounding, U-2 non-billable time gives 0) of signed notes dated in the
  period, before caps: an over-cap unit was still delivered. Face-to-face and group count as face-to-face.
- Q-2 "staff time": the minutes of every signed note dated in the period, billable or not (transport time is
  staff time); outside the facility is every place of service but the agency office.
- The database is one agency site, so "per site" is the program-wide line; per specialist lines follow.
Unsigned notes are not delivered services yet and count for neither.

One aggregate statement: minutes summed per (specialist, payer, contact type, place, billable), with both
roundings summed in SQL, so the cost grows with the period's rows, never by loading notes into Python.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from typing import Final

from sqlalchemy import Engine, case, func, select

from cpss_tui.data import settings
from cpss_tui.data.db import read_session
from cpss_tui.data.models import Member, Note, Staff
from cpss_tui.reports.period import Period
from cpss_tui.rules import quality as q
from cpss_tui.rules.units import MINUTES_PER_UNIT

PROGRAM: Final = "program"

CSV_COLUMNS: Final = (
    "scope",
    "staff_id",
    "staff_name",
    "from",
    "to",
    "benchmark",
    "rule",
    "numerator",
    "denominator",
    "unit",
    "figure_percent",
    "target_percent",
    "met",
)


@dataclass(frozen=True)
class Figures:
    """Q-1 and Q-2 of one scope: the raw counts behind each share, so a reader can check the arithmetic."""

    scope: str  # "program" or "specialist"
    staff_id: str | None
    staff_name: str
    face_to_face_units: int
    units: int
    outside_minutes: int
    minutes: int

    @property
    def q1(self) -> q.Benchmark:
        return q.face_to_face_share(
            {"face-to-face": self.face_to_face_units, "other": self.units - self.face_to_face_units}
        )

    @property
    def q2(self) -> q.Benchmark:
        return q.outside_facility_share(
            {"community": self.outside_minutes, q.FACILITY_PLACES[0]: self.minutes - self.outside_minutes}
        )


@dataclass(frozen=True)
class QualityReport:
    """The program line first, then one line per specialist with signed notes in the period, by name."""

    period: Period
    agency: str
    program: Figures
    specialists: tuple[Figures, ...]


def quality_report(engine: Engine, period: Period) -> QualityReport:
    """Q-1/Q-2 of the period from one grouped statement over the indexed note date."""
    values = settings.get_all(engine)
    profiles = settings.profiles_from(values)
    floor_units = func.sum(Note.minutes // MINUTES_PER_UNIT)
    midpoint_units = func.sum((Note.minutes + 7) // MINUTES_PER_UNIT)
    reason_given = func.length(func.trim(func.coalesce(Note.nonbillable_reason, ""))) > 0
    nonbillable = Note.billable.is_(False) | reason_given
    stmt = (
        select(
            Note.staff_id,
            Staff.name,
            Member.payer,
            Note.contact_type,
            Note.place,
            case((nonbillable, 1), else_=0).label("nonbillable"),
            func.sum(Note.minutes),
            floor_units,
            midpoint_units,
        )
        .join(Member, Member.id == Note.member_id)
        .join(Staff, Staff.id == Note.staff_id)
        .where(Note.date >= period.first, Note.date <= period.last, Note.signed_at.is_not(None))
        .group_by(Note.staff_id, Staff.name, Member.payer, Note.contact_type, Note.place, "nonbillable")
    )
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    with read_session(engine) as session:
        rows = session.execute(stmt).all()
    for staff_id, name, payer, contact_type, place, nonbill, minutes, floor_u, mid_u in rows:
        profile = profiles[payer]
        units = 0
        if not nonbill and contact_type not in profile.nonbillable_contact_types:
            units = int(floor_u if profile.rounding == "floor" else mid_u)
        c = counts[(staff_id, name)]
        if contact_type in q.FACE_TO_FACE_TYPES:
            c[0] += units
        c[1] += units
        if place not in q.FACILITY_PLACES:
            c[2] += int(minutes)
        c[3] += int(minutes)
    people = tuple(
        Figures("specialist", sid, name, *c)
        for (sid, name), c in sorted(counts.items(), key=lambda i: i[0][1])
    )
    total = [sum(f[i] for f in counts.values()) for i in range(4)]
    agency = str(values.get("agency.name") or "Agency")
    return QualityReport(period, agency, Figures(PROGRAM, None, agency, *total), people)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _verdict(b: q.Benchmark) -> str:
    if b.figure is None:
        return "no data"
    return "met" if b.met else "BELOW TARGET"


def quality_text(report: QualityReport) -> str:
    """The report as a terminal reads it: one block per scope, the target beside each figure."""
    lines = [f"Quality benchmarks, {report.agency}, {report.period.describe()} (signed notes)"]
    for f in (report.program, *report.specialists):
        title = "Program (site)" if f.scope == PROGRAM else f.staff_name
        q1, q2 = f.q1, f.q2
        lines.append("")
        lines.append(title)
        lines.append(
            f"  Q-1 face-to-face units   {_percent(q1.figure):>7}  target ≥ {_percent(q1.target)}  "
            f"{_verdict(q1)}  ({f.face_to_face_units} of {f.units} units)"
        )
        lines.append(
            f"  Q-2 time outside office  {_percent(q2.figure):>7}  target ≥ {_percent(q2.target)}  "
            f"{_verdict(q2)}  ({f.outside_minutes} of {f.minutes} minutes)"
        )
    if not report.specialists:
        lines.append("")
        lines.append("No signed notes in this period.")
    return "\n".join(lines)


def quality_csv(report: QualityReport) -> str:
    """CSV_COLUMNS: two rows (Q-1, Q-2) per scope, program first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for f in (report.program, *report.specialists):
        for bench, rule, num, den, unit in (
            (f.q1, "Q-1", f.face_to_face_units, f.units, "units"),
            (f.q2, "Q-2", f.outside_minutes, f.minutes, "minutes"),
        ):
            writer.writerow(
                [
                    f.scope,
                    f.staff_id or "",
                    f.staff_name,
                    report.period.first.isoformat(),
                    report.period.last.isoformat(),
                    "face-to-face units" if rule == "Q-1" else "staff time outside the facility",
                    rule,
                    num,
                    den,
                    unit,
                    "" if bench.figure is None else f"{bench.figure * 100:.1f}",
                    f"{bench.target * 100:.0f}",
                    "" if bench.figure is None else ("yes" if bench.met else "no"),
                ]
            )
    return out.getvalue()
