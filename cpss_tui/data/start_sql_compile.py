"""Compile the start-up reads of `data.queries` to SQLite SQL once, into `data/start_sql.py`.

    .venv/bin/python -m cpss_tui.data.start_sql_compile        # rewrite data/start_sql.py
    .venv/bin/python -m cpss_tui.data.start_sql_compile --check

Why: importing SQLAlchemy, SQLModel and the models costs about half a second, most of start-up (issue "Fast at
agency scale"). The home screen's caseload needs a dozen SELECTs; compiled here from the very statements every
other path runs, `data.start_read` runs them with the standard library's sqlite3 while the data layer loads.
The SQL is never written by hand: `tests/data/test_start_read.py` fails when this file's output and the
committed `start_sql.py` differ (a query, a model or the schema head changed without recompiling), and checks
that both paths read the same facts.

What is recorded per statement: the SQL with `?` placeholders (the caller's list `specialists` as the token
`__[POSTCOMPILE_specialists]`), the parameters in placeholder order (the caller's by name, the expression's
own literals as values), which parameters are dates, and how to convert each result column (date, bool, or
as SQLite returns it).
"""

from __future__ import annotations

import argparse
import json
import pprint
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Date, Float, Integer, String, TypeDecorator, column, literal, select
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.sql.sqltypes import NullType
from sqlmodel.sql.sqltypes import UTCDateTime

from cpss_tui.data import facts, queries
from cpss_tui.data.migrate import HEAD_REVISION
from cpss_tui.data.setting_values import profiles_from
from cpss_tui.services.status import unit_policies

TARGET = Path(__file__).with_name("start_sql.py")

# (name, scoped): the reads of `services.status.caseload_from` and of `data.start_read` itself.
START_READS = (
    (facts.Q_REVISION, False),
    (facts.Q_SETTINGS, False),
    (facts.Q_STAFF, False),
    (facts.Q_SUPERVISED_BY, False),
    (facts.Q_MEMBER_FACTS, True),
    (facts.Q_AUTHORIZATIONS_ON, True),
    (facts.Q_NOTES_BETWEEN, True),
    (facts.Q_UNAUTHORIZED, True),
    (facts.Q_CURRENT_PCPS, True),
    (facts.Q_CONCURRENT_SERVICES, True),
    (facts.Q_STAFF_FACTS, False),
    (facts.Q_DRAFTS, True),  # a supervisor's due board (services.board.board_read)
    (facts.Q_SESSIONS_BETWEEN, True),
)


def _unwrap(sql_type: Any) -> Any:
    """The type under a TypeDecorator (SQLModel's AutoString) that adds no conversion of its own."""
    if isinstance(sql_type, TypeDecorator):
        own = type(sql_type)
        if own.process_result_value is not TypeDecorator.process_result_value or (
            own.process_bind_param is not TypeDecorator.process_bind_param
        ):
            raise TypeError(f"{sql_type!r} converts values itself; teach start_read to")
        return sql_type.impl_instance
    return sql_type


def _column_kind(sql_type: Any, dialect: Any) -> str | None:
    """How start_read converts a result column: "date", "bool", "utc_datetime", or None (as SQLite returns
    it)."""
    if isinstance(sql_type, UTCDateTime):  # SQLite DATETIME text, read as UTC (what UTCDateTime returns)
        return "utc_datetime"
    sql_type = _unwrap(sql_type)
    if isinstance(sql_type, Date):
        return "date"
    if isinstance(sql_type, Boolean):
        return "bool"
    if isinstance(sql_type, Integer | String | Float | NullType):
        if sql_type._cached_result_processor(dialect, None) is not None:  # pragma: no cover - guard
            raise TypeError(f"{sql_type!r} converts its results on SQLite; teach start_read to")
        return None
    raise TypeError(f"start_read cannot convert a {sql_type!r} column; teach it to first")


def _param_kind(sql_type: Any) -> str | None:
    sql_type = _unwrap(sql_type)
    if isinstance(sql_type, Date):
        return "date"
    if isinstance(sql_type, Integer | String | NullType):
        return None
    raise TypeError(f"start_read cannot bind a {sql_type!r} parameter; teach it to first")


def _empty_in_list(dialect: Any) -> str:
    """What SQLAlchemy writes for `IN ()` on SQLite (an empty constant list, e.g. no midpoint payers)."""
    probe = select(literal(1)).where(column("x").in_([])).compile(dialect=dialect)
    expanded = probe._process_parameters_for_postcompile({"param_1": 1, "x_1": []})
    return expanded.statement.split("x IN (", 1)[1].rsplit(")", 1)[0]


def compile_read(name: str, scoped: bool, policies: dict[str, facts.UnitPolicy]) -> dict[str, Any]:
    """One read as plain data: SQL, parameters in placeholder order, date parameters, column conversions.

    A parameter is ("bind", name) for a value the caller passes (`specialists`, a list, stays a
    `__[POSTCOMPILE_specialists]` token that start_read expands) or ("value", constant) for a literal of the
    expression; constant lists are expanded here, as SQLAlchemy does at execution.
    """
    dialect = sqlite_dialect.dialect()
    stmt = queries.statement(name, scoped=scoped, policies=policies)
    compiled = stmt.compile(dialect=dialect)
    sql = compiled.string
    params: list[tuple[str, Any]] = []
    dates: list[str] = []
    for bind_name in compiled.positiontup or ():
        bind = compiled.binds[bind_name]
        if bind.required:  # a parameter the caller passes by name
            params.append(("bind", bind_name))
            if _param_kind(bind.type) == "date" and bind_name not in dates:
                dates.append(bind_name)
            continue
        value = bind.value
        values = list(value) if isinstance(value, list | tuple) else [value]
        if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
            raise TypeError(f"{name}: constant {bind_name}={value!r} is not a string or integer")
        if bind.expanding:
            token = f"__[POSTCOMPILE_{bind_name}]"
            sql = sql.replace(token, ", ".join("?" * len(values)) if values else _empty_in_list(dialect))
            params.extend(("value", v) for v in values)
        else:
            params.append(("value", value))
    return {
        "sql": sql,
        "params": tuple(params),
        "dates": tuple(dates),
        "columns": tuple(_column_kind(col.type, dialect) for col in stmt.selected_columns),
    }


def render() -> str:
    """The text of data/start_sql.py."""
    policies = unit_policies(profiles_from({}))
    statements = {facts.statement_key(n, s): compile_read(n, s, policies) for n, s in START_READS}
    return (
        '"""GENERATED by `python -m cpss_tui.data.start_sql_compile` from data/queries.py: do not edit.\n\n'
        "The start-up reads compiled for SQLite (see start_sql_compile.py for why and what each field is).\n"
        '"""\n\n'
        "from typing import Any\n\n"
        "# The schema the statements were compiled against: start_read reads nothing from another.\n"
        f"HEAD_REVISION = {json.dumps(HEAD_REVISION)}\n\n"
        "# The payers' unit policies (rounding, non-billable contact types) the U-6 statement was compiled with.\n"
        f"POLICIES: dict[str, Any] = {pprint.pformat(facts.plain_policies(policies), width=110, sort_dicts=True)}\n\n"
        f"STATEMENTS: dict[str, dict[str, Any]] = {pprint.pformat(statements, width=110, sort_dicts=True)}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if start_sql.py is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = TARGET.read_text() if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is out of date: run python -m cpss_tui.data.start_sql_compile", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text)
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
