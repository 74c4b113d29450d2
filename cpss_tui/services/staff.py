"""Staff members and the app's user: profile set-up, switching user, S-1/S-3 checks on assignment.

The app has no passwords yet (issue "Trustworthy records" adds PIN / passphrase); the current user is a
setting so that every write can name its actor in the audit log.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, func, select

from cpss_tui.data import settings
from cpss_tui.data.db import read_session, write_session
from cpss_tui.data.facts import StaffView
from cpss_tui.data.models import Staff
from cpss_tui.data.setting_values import CURRENT_STAFF_KEY, THEME_KEY
from cpss_tui.rules.problems import Problem
from cpss_tui.rules.staffing import MAX_SPECIALISTS_PER_SUPERVISOR
from cpss_tui.rules.weeks import today_in
from cpss_tui.services.refusals import RecordRefused
from cpss_tui.vocab import ROLES


def _view(row: Staff) -> StaffView:
    return StaffView(row.id, row.name, row.role, row.credentials, row.fte, row.supervisor_id)


def today(engine: Engine) -> date:
    """Today in the agency's time zone (rules use calendar dates in that zone)."""
    return today_in(settings.load_agency_settings(engine).timezone)


def list_staff(engine: Engine) -> list[StaffView]:
    """Every staff member, supervisors first, then by name."""
    with read_session(engine) as session:
        rows = session.scalars(select(Staff).order_by(Staff.role.desc(), Staff.name, Staff.id)).all()
        return [_view(r) for r in rows]


def get_staff(engine: Engine, staff_id: str) -> StaffView | None:
    """One staff member, or None."""
    with read_session(engine) as session:
        row = session.get(Staff, staff_id)
        return None if row is None else _view(row)


def current_user(engine: Engine) -> StaffView | None:
    """The staff member the app was last used as, if they still exist."""
    staff_id = settings.get(engine, CURRENT_STAFF_KEY)
    return get_staff(engine, staff_id) if isinstance(staff_id, str) else None


def set_current_user(engine: Engine, staff_id: str) -> None:
    """Remember who uses the app (the audit actor of every later write)."""
    settings.put(engine, CURRENT_STAFF_KEY, staff_id, actor=staff_id)


def ui_theme(engine: Engine) -> str | None:
    """The theme the user chose last, if any."""
    value = settings.get(engine, THEME_KEY)
    return value if isinstance(value, str) else None


def set_ui_theme(engine: Engine, theme: str) -> None:
    """Remember the chosen theme."""
    settings.put(engine, THEME_KEY, theme)


def validate_staff(
    engine: Engine, *, name: str, role: str, credentials: str, fte: float | None, supervisor_id: str | None
) -> list[Problem]:
    """Every problem with a new staff profile, each naming its field and rule (S-1, S-3)."""
    problems: list[Problem] = []
    if not name.strip():
        problems.append(Problem("N-1", "name", "Name is required: it is printed with every signature."))
    if role not in ROLES:
        problems.append(Problem("S-1", "role", f"Role must be one of: {', '.join(ROLES)}."))
    if role == "specialist":
        if not credentials.strip():
            problems.append(Problem("N-1", "credentials", "Credentials are required (for example NC CPSS)."))
        if fte is None:
            problems.append(Problem("S-1", "fte", "FTE must be more than 0 and at most 1 (S-1)."))
    if fte is not None and not 0 < fte <= 1:  # any role: the table's CHECK refuses it too (was a traceback)
        problems.append(Problem("S-1", "fte", "FTE must be more than 0 and at most 1 (S-1)."))
    if supervisor_id:
        with read_session(engine) as session:
            supervisor = session.get(Staff, supervisor_id)
            if supervisor is None or supervisor.role != "supervisor":
                problems.append(
                    Problem(
                        "S-3", "supervisor", "The supervisor must be a staff member with role supervisor."
                    )
                )
            elif role == "specialist":
                count = session.scalar(
                    select(func.count()).where(
                        Staff.supervisor_id == supervisor_id, Staff.role == "specialist"
                    )
                )
                if (count or 0) >= MAX_SPECIALISTS_PER_SUPERVISOR:
                    problems.append(
                        Problem(
                            "S-3",
                            "supervisor",
                            f"{supervisor.name} already supervises {count} specialists; "
                            f"a supervisor supervises at most {MAX_SPECIALISTS_PER_SUPERVISOR} (S-3).",
                        )
                    )
    return problems


def create_staff(
    engine: Engine,
    *,
    name: str,
    role: str,
    credentials: str,
    fte: float | None,
    supervisor_id: str | None,
    started_on: date | None = None,
    training_hours: float = 0.0,
) -> StaffView:
    """Add a staff member after `validate_staff`; raises RecordRefused with every problem."""
    problems = validate_staff(
        engine, name=name, role=role, credentials=credentials, fte=fte, supervisor_id=supervisor_id
    )
    if problems:
        raise RecordRefused(problems)
    row = Staff(
        name=name.strip(),
        role=role,
        credentials=credentials.strip(),
        fte=fte,
        supervisor_id=supervisor_id or None,
        started_on=started_on,
        training_hours=training_hours,
    )
    with write_session(engine, actor=row.id) as session:
        session.add(row)
    return _view(row)
