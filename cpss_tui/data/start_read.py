"""Start-up's read of the first screen, without SQLAlchemy (issue "Fast at agency scale").

Importing SQLAlchemy, SQLModel and the models is most of start-up's time. A specialist's home screen needs the
user, the theme and the caseload; a supervisor's due board the same for the supervised caseloads, plus drafts
and supervision sessions: a dozen SELECTs. This module runs exactly those statements, compiled ahead of time
from `data.queries` (`data/start_sql.py`), through the standard library's sqlite3 in one read transaction, and
evaluates them with the same code every other path uses (`services.status.caseload_from`,
`services.board.board_read`). The CLI starts it
in a thread before Textual is even imported; the full data layer opens meanwhile and takes over (the home
screen reloads through it, and every write goes through it).

It declines (returns None) rather than guess whenever it does not apply: no file, an encrypted file (the
passphrase path opens through SQLCipher), a schema other than the one the SQL was compiled for, no current
user, payer unit policies other than the compiled ones, or any error at all. The full open that follows then does everything, and says in words what went wrong.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cpss_tui.data import facts, start_sql
from cpss_tui.data.facts import StaffView, UnitPolicy
from cpss_tui.data.setting_values import CURRENT_STAFF_KEY, THEME_KEY, agency_settings_from, decode
from cpss_tui.rules.weeks import today_in
from cpss_tui.services.board import Obligation, board_read
from cpss_tui.services.status import Caseload, caseload_from

# SQLAlchemy's SQLite DATE result processor reads dates with this pattern (sqlalchemy.dialects.sqlite.DATE).
_DATE = re.compile(r"(\d+)-(\d+)-(\d+)")
_SPECIALISTS_TOKEN = "__[POSTCOMPILE_specialists]"
BUSY_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class StartRead:
    """What the first screen shows: whose it is, in which theme, as of which day, and a specialist's caseload
    or a supervisor's due board (one of the two)."""

    user: StaffView
    theme: str | None
    as_of: date
    caseload: Caseload | None
    board: list[Obligation] | None = None


class NotCompiled(Exception):
    """The read asked for has no compiled SQL of that shape (another read, or other unit policies)."""


def _to_date(value: Any) -> date | None:
    if value is None:
        return None
    match = _DATE.match(value)
    if match is None:
        raise ValueError("not a date")
    return date(*map(int, match.groups()))


def _to_bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _to_utc_datetime(value: Any) -> datetime | None:
    """What SQLAlchemy's SQLite DATETIME (fromisoformat) and SQLModel's UTCDateTime (UTC when naive) give."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.utcoffset() is None else moment.astimezone(UTC)


_CONVERT = {"date": _to_date, "bool": _to_bool, "utc_datetime": _to_utc_datetime}


class SqliteRunner:
    """`data.facts.Runner` over a DB-API connection and the compiled statements of `data.start_sql`."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __call__(
        self,
        query: str,
        params: Mapping[str, Any],
        *,
        scoped: bool = False,
        policies: Mapping[str, UnitPolicy] | None = None,
    ) -> Sequence[tuple[Any, ...]]:
        key = facts.statement_key(query, scoped)
        entry = start_sql.STATEMENTS.get(key)
        if entry is None:
            raise NotCompiled(key)
        if policies is not None and facts.plain_policies(policies) != start_sql.POLICIES:
            raise NotCompiled(f"{key} with other unit policies")
        sql: str = entry["sql"]
        values: list[Any] = []
        for kind, item in entry["params"]:
            if kind == "value":
                values.append(item)
                continue
            value = params[item]
            if item == "specialists":
                listed = list(value)
                if not listed:
                    raise NotCompiled("an empty caseload scope")
                values.extend(listed)
                continue
            values.append(value.isoformat() if item in entry["dates"] else value)
        if _SPECIALISTS_TOKEN in sql:
            sql = sql.replace(_SPECIALISTS_TOKEN, ", ".join("?" * len(params["specialists"])))
        converters = [_CONVERT.get(kind) for kind in entry["columns"]]
        rows = self.connection.execute(sql, values).fetchall()
        if not any(converters):
            return rows
        return [tuple(v if c is None else c(v) for c, v in zip(converters, row, strict=True)) for row in rows]


def read_start(db_path: Path, as_of: date | None = None) -> StartRead | None:
    """The specialist's home screen as of `as_of` (default: today in the agency's time zone), or None when
    this quick read does not apply (see the module docstring)."""
    try:
        if not db_path.is_file() or Path(f"{db_path}.key.json").exists():
            return None
        uri = f"file:{quote(str(db_path.resolve()))}?mode=rw"  # never creates a file
        connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            connection.execute("PRAGMA query_only = ON")
            connection.execute("BEGIN")  # one snapshot for every read, as a read_session
            return _read(SqliteRunner(connection), as_of)
        finally:
            connection.close()
    except Exception:  # an optimisation only: the full open that follows reports in words
        return None


def _read(run: SqliteRunner, as_of: date | None) -> StartRead | None:
    if [tuple(r) for r in run(facts.Q_REVISION, {})] != [(start_sql.HEAD_REVISION,)]:
        return None  # not migrated yet (the full open migrates, after a backup), or newer than this code
    values = decode(run(facts.Q_SETTINGS, {}))
    staff_id = values.get(CURRENT_STAFF_KEY)
    user = facts.staff_view(run, staff_id) if isinstance(staff_id, str) else None
    if user is None or user.role not in ("specialist", "supervisor"):
        return None
    day = as_of or today_in(agency_settings_from(values).timezone)
    theme = values.get(THEME_KEY)
    chosen = theme if isinstance(theme, str) else None
    if user.role == "supervisor":
        return StartRead(user, chosen, day, None, board_read(values, day, run, user.id, datetime.now(UTC)))
    return StartRead(user, chosen, day, caseload_from(values, day, run, user.id))
