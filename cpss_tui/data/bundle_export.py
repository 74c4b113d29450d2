"""`cpss-tui export`: the database (or some members) as a cpss-bundle, byte-for-byte stable.

Stable means: every list sorted by id, keys in the fixed order of `bundle_schema.SPECS`, the text of
`json.dumps(..., indent=2, ensure_ascii=False)` plus a newline. So export -> import into an empty database ->
export gives the same bytes, and two exports of the same data can be compared with `diff`.

Rows are streamed from the database ordered by id and rendered one record at a time; a record's flat fields
go through the C JSON encoder in one call, which makes a 250k-note export a few times faster than handing the
whole document to json.dumps(indent=2) (pure Python). `tests/data/test_bundle.py` checks that the text is
exactly what json.dumps(indent=2) would write.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cpss_tui.data.bundle_import import AGENCY_SETTING, CHUNK, TABLES, _chunks
from cpss_tui.data.bundle_schema import (
    CRISIS_COLUMNS,
    CRISIS_KEYS,
    FORMAT,
    LINK_KEYS,
    LISTS,
    SPECS,
    VERSION,
    BundleError,
    show,
)
from cpss_tui.data.db import read_session
from cpss_tui.data.models import AppSetting, Goal, Intervention, Member, Note, NoteGoal, Pcp, Staff

try:  # CPython's C encoder; other interpreters get the plain (identical, slower) path
    from json.encoder import c_make_encoder, encode_basestring
except ImportError:  # pragma: no cover
    c_make_encoder = None

_ITEM = ",\n      "  # between the fields of a record at depth 2 (top object -> list -> record)
_flat = (
    c_make_encoder(None, None, encode_basestring, None, ": ", _ITEM, False, False, False)
    if c_make_encoder is not None
    else None
)


def _flat_fields(fields: dict[str, Any]) -> str:
    """`"a": 1,\n      "b": "x"` for scalar fields, as json.dumps(indent=2) writes them at depth 2."""
    if _flat is not None:
        return "".join(_flat(fields, 0))[1:-1]
    return _ITEM.join(
        json.dumps(k, ensure_ascii=False) + ": " + json.dumps(v, ensure_ascii=False)
        for k, v in fields.items()
    )


def record_text(record: dict[str, Any]) -> str:
    """One record as an item of a top-level list, exactly as json.dumps(indent=2) lays it out."""
    parts: list[str] = []
    run: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, (list, dict)):
            if run:
                parts.append(_flat_fields(run))
                run = {}
            nested = json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False).replace(
                "\n", "\n      "
            )
            parts.append(json.dumps(key, ensure_ascii=False) + ": " + nested)
        else:
            run[key] = value
    if run:
        parts.append(_flat_fields(run))
    return "    {\n      " + _ITEM.join(parts) + "\n    }"


def _value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _record(list_name: str, row: Any, links: list[str]) -> dict[str, Any]:
    """A stored row as a bundle record: base keys always, extras only when not their default."""
    out: dict[str, Any] = {}
    for spec in SPECS[list_name]:
        if spec.key == "crisis_plan":
            out["crisis_plan"] = _crisis_plan(row)
            continue
        value = links if LINK_KEYS.get(list_name) == spec.key else row[spec.col]
        if spec.extra and (value is None if spec.default is None else value == spec.default):
            continue
        out[spec.key] = _value(value)
    return out


def _crisis_plan(row: Any) -> dict[str, Any] | None:
    """P-2: null when no part of the crisis plan is written, else its four parts (and wrap when present)."""
    values = [row[c] for c in CRISIS_COLUMNS]
    if all(v is None for v in values):
        return None
    plan = {key: row["crisis_" + key] for key in CRISIS_KEYS}
    if row["crisis_wrap"] is not None:
        plan["wrap"] = row["crisis_wrap"]
    return plan


class _Selection:
    """The members asked for and what follows from them (spec: "export --member ID")."""

    def __init__(self, members: set[str], staff: set[str], specialists: set[str]) -> None:
        self.members = members
        self.staff = staff
        self.specialists = specialists


def _select(session: Session, member_ids: Sequence[str]) -> _Selection:
    """The members, plus every staff member their records name (closed over supervisors) and the
    supervision sessions of their specialists, so the partial bundle imports into an empty database."""
    wanted = set(member_ids)
    members: dict[str, str] = {}
    for chunk in _chunks(wanted):
        members.update(
            session.execute(select(Member.id, Member.specialist_id).where(Member.id.in_(chunk))).all()
        )
    unknown = sorted(wanted - set(members))
    if unknown:
        raise BundleError([f"members[{show(m)}]: no such member in the database" for m in unknown])
    specialists = set(members.values())
    staff = set(specialists)
    for chunk in _chunks(members):
        for name, col in (
            ("notes", "staff_id"),
            ("attempts", "staff_id"),
            ("supervisor_visits", "supervisor_id"),
        ):
            table = TABLES[name]
            staff.update(session.scalars(select(table.c[col]).where(table.c.member_id.in_(chunk)).distinct()))
    sessions = TABLES["supervision_sessions"]
    for chunk in _chunks(specialists):
        query = select(sessions.c.supervisor_id).where(sessions.c.specialist_id.in_(chunk)).distinct()
        staff.update(session.scalars(query))
    supervisor_of = dict(session.execute(select(Staff.id, Staff.supervisor_id)).all())
    todo = list(staff)
    while todo:
        boss = supervisor_of.get(todo.pop())
        if boss is not None and boss not in staff:
            staff.add(boss)
            todo.append(boss)
    return _Selection(set(members), staff, specialists)


def _rows(session: Session, list_name: str, sel: _Selection | None, pcp_ids: set[str]) -> Iterator[Any]:
    """The list's rows ordered by id, filtered to the selection (in SQL when the selection is small)."""
    table = TABLES[list_name]
    query = select(table).order_by(table.c.id)
    keep = None
    if sel is not None:
        column, ids = {
            "staff": ("id", sel.staff),
            "members": ("id", sel.members),
            "goals": ("pcp_id", pcp_ids),
            "supervision_sessions": ("specialist_id", sel.specialists),
        }.get(list_name, ("member_id", sel.members))
        if len(ids) <= CHUNK:
            query = query.where(table.c[column].in_(sorted(ids)))
        else:
            keep = (column, ids)
    for row in session.execute(query.execution_options(yield_per=2000)):
        if keep is None or row._mapping[keep[0]] in keep[1]:
            yield row._mapping


def _links(session: Session, list_name: str, sel: _Selection | None) -> Iterator[tuple[str, str]]:
    """(owner id, linked value) ordered by owner id: a note's goal ids, a goal's interventions in order."""
    small = sel is not None and len(sel.members) <= CHUNK
    if list_name == "notes":
        query = select(NoteGoal.note_id, NoteGoal.goal_id).order_by(NoteGoal.note_id, NoteGoal.goal_id)
        if small:
            query = query.join(Note, Note.id == NoteGoal.note_id).where(
                Note.member_id.in_(sorted(sel.members))
            )
    else:
        query = select(Intervention.goal_id, Intervention.text).order_by(
            Intervention.goal_id, Intervention.position
        )
        if small:
            members_pcps = select(Pcp.id).where(Pcp.member_id.in_(sorted(sel.members)))
            query = query.where(
                Intervention.goal_id.in_(select(Goal.id).where(Goal.pcp_id.in_(members_pcps)))
            )
    yield from session.execute(query.execution_options(yield_per=5000))


def _merge_links(rows: Iterator[Any], links: Iterator[tuple[str, str]]) -> Iterator[tuple[Any, list[str]]]:
    """Pair each row with its links: both streams are ordered by the owner's id (one pass, no big dict)."""
    pending = next(links, None)
    for row in rows:
        own: list[str] = []
        while pending is not None and pending[0] < row["id"]:
            pending = next(links, None)
        while pending is not None and pending[0] == row["id"]:
            own.append(pending[1])
            pending = next(links, None)
        yield row, own


def _agency(session: Session) -> dict[str, Any] | None:
    stored = dict(
        session.execute(
            select(AppSetting.key, AppSetting.value).where(AppSetting.key.in_(AGENCY_SETTING.values()))
        ).all()
    )
    agency: dict[str, Any] = {}
    for key, setting in AGENCY_SETTING.items():
        if setting in stored:
            try:
                agency[key] = json.loads(stored[setting])
            except ValueError:
                continue  # a corrupt setting is not exported (the import would refuse it anyway)
    return agency or None


def export_bundle(engine: Engine, member_ids: Sequence[str] | None = None) -> str:
    """The bundle text of the whole database, or of `member_ids` and what their records need.

    An unknown member id raises BundleError. The text ends with a newline.
    """
    with read_session(engine) as session:
        sel = _select(session, member_ids) if member_ids is not None else None
        parts = [f'"format": {json.dumps(FORMAT)}', f'"version": {VERSION}']
        agency = _agency(session)
        if agency is not None:
            parts.append(
                '"agency": ' + json.dumps(agency, indent=2, ensure_ascii=False).replace("\n", "\n  ")
            )
        pcp_ids: set[str] = set()
        for name in LISTS:
            rows = _rows(session, name, sel, pcp_ids)
            if name in LINK_KEYS:
                pairs = _merge_links(rows, _links(session, name, sel))
            else:
                pairs = ((row, []) for row in rows)
            texts = []
            for row, links in pairs:
                if name == "pcps":
                    pcp_ids.add(row["id"])
                texts.append(record_text(_record(name, row, links)))
            parts.append(f'"{name}": ' + ("[\n" + ",\n".join(texts) + "\n  ]" if texts else "[]"))
    return "{\n  " + ",\n  ".join(parts) + "\n}\n"
