"""`cpss-tui import`: merge a cpss-bundle into the database, all or nothing (spec/interface.md).

How it stays all or nothing without ever half-writing:
1. `bundle_schema.parse_bundle` checks everything that needs no database.
2. `_plan` reads the database in ONE read transaction (set-based: every lookup is one query per 500 ids) and
   checks references, signed-note conflicts and the business refusals (N-2, N-5, N-6). It returns every
   problem, or a plan: the exact rows to insert and update.
3. Only with no problem at all is a write transaction opened (none at all when nothing would change, so a
   repeated import leaves the file untouched). Inside it the plan is re-made if the database changed since
   step 2 (the audit log's last sequence number or the agency settings differ), then applied with Core bulk
   statements. Any failure rolls the whole transaction back.

Idempotence: a record is compared column by column with the stored one; identical records issue no UPDATE,
so they get no audit entry and keep their `updated_at`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, Table, and_, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cpss_tui.data.bundle_schema import (
    BAD,
    CRISIS_COLUMNS,
    LINK_KEYS,
    LISTS,
    NOUNS,
    SPECS,
    BundleError,
    Parsed,
    Record,
    load_timezone,
    parse_bundle,
    show,
)
from cpss_tui.data.db import read_session, write_session
from cpss_tui.data.models import (
    AppSetting,
    Attempt,
    AuditLog,
    Authorization,
    Goal,
    GoalStatusChange,
    Intervention,
    Member,
    Note,
    NoteGoal,
    Pcp,
    Staff,
    SupervisionSession,
    SupervisorVisit,
    new_id,
    utcnow,
)

CHUNK = 500  # ids per IN list: well under SQLite's bound-parameter limit, and one index probe each

TABLES: dict[str, Table] = {
    "staff": Staff.__table__,  # type: ignore[attr-defined]
    "members": Member.__table__,  # type: ignore[attr-defined]
    "authorizations": Authorization.__table__,  # type: ignore[attr-defined]
    "pcps": Pcp.__table__,  # type: ignore[attr-defined]
    "goals": Goal.__table__,  # type: ignore[attr-defined]
    "notes": Note.__table__,  # type: ignore[attr-defined]
    "attempts": Attempt.__table__,  # type: ignore[attr-defined]
    "supervisor_visits": SupervisorVisit.__table__,  # type: ignore[attr-defined]
    "supervision_sessions": SupervisionSession.__table__,  # type: ignore[attr-defined]
}
AGENCY_SETTING = {"name": "agency.name", "week_start": "agency.week_start", "timezone": "agency.timezone"}

# Interventions get ids derived from their goal and position, so the same bundle imported on two laptops
# produces the same rows (and a re-import finds them).
INTERVENTION_NAMESPACE = uuid.UUID("5b0e7f3c-2d4a-5c1e-9f6b-8a7d3c2e1b40")


def intervention_id(goal_id: str, position: int) -> str:
    """The deterministic id of the intervention at `position` (from 0) under `goal_id`."""
    return str(uuid.uuid5(INTERVENTION_NAMESPACE, f"{goal_id}/{position}"))


def columns_of(list_name: str) -> tuple[str, ...]:
    """The table columns a bundle record sets (all but created_at/updated_at), in spec order."""
    cols: list[str] = []
    for spec in SPECS[list_name]:
        if spec.key == "crisis_plan":
            cols.extend(CRISIS_COLUMNS)
        elif LINK_KEYS.get(list_name) != spec.key:
            cols.append(spec.col)
    if list_name == "attempts":
        cols.extend(("at_utc", "on_date"))
    return tuple(cols)


COLUMNS = {name: columns_of(name) for name in LISTS}


# --- the report -------------------------------------------------------------------------------------------


@dataclass
class ListCounts:
    """What an import did to one list."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.unchanged


@dataclass
class ImportReport:
    """Counts per list (and for the agency settings): inserted, updated, unchanged."""

    counts: dict[str, ListCounts] = field(
        default_factory=lambda: {k: ListCounts() for k in ("agency", *LISTS)}
    )

    @property
    def inserted(self) -> int:
        return sum(c.inserted for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.counts.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.counts.values())

    def describe(self) -> str:
        """A short text for the command line: totals, then one line per list the bundle had."""
        lines = [f"imported: {self.inserted} inserted, {self.updated} updated, {self.unchanged} unchanged"]
        for name, c in self.counts.items():
            if c.total:
                lines.append(f"  {name}: {c.inserted} inserted, {c.updated} updated, {c.unchanged} unchanged")
        return "\n".join(lines)


# --- reading the database, set-based ---------------------------------------------------------------------


def _chunks(ids: Iterable[str]) -> Iterator[list[str]]:
    batch = sorted(set(ids))
    for i in range(0, len(batch), CHUNK):
        yield batch[i : i + CHUNK]


def _rows_by_id(session: Session, table: Table, ids: Iterable[str], *cols: str) -> dict[str, dict[str, Any]]:
    """Rows of `table` whose id is in `ids` (all columns, or `cols`), keyed by id; one query per chunk."""
    selected = [table.c[c] for c in ("id", *cols)] if cols else [table]
    out: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(ids):
        for row in session.execute(select(*selected).where(table.c.id.in_(chunk))):
            out[row.id] = dict(row._mapping)
    return out


def _fingerprint(session: Session) -> tuple[Any, ...]:
    """Changes when any clinical record or agency setting changes (every clinical write is audited)."""
    last = session.scalar(select(func.max(AuditLog.seq)))
    settings = session.execute(
        select(AppSetting.key, AppSetting.value)
        .where(AppSetting.key.in_(AGENCY_SETTING.values()))
        .order_by(AppSetting.key)
    ).all()
    return (last, tuple(tuple(r) for r in settings))


# --- the plan ---------------------------------------------------------------------------------------------


@dataclass
class Plan:
    """Everything an import will write, decided before the write transaction opens."""

    fingerprint: tuple[Any, ...] = ()
    problems: list[str] = field(default_factory=list)
    report: ImportReport = field(default_factory=ImportReport)
    settings_insert: list[dict[str, Any]] = field(default_factory=list)
    settings_update: list[dict[str, Any]] = field(default_factory=list)
    inserts: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {k: [] for k in LISTS})
    updates: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {k: [] for k in LISTS})
    intervention_insert: list[dict[str, Any]] = field(default_factory=list)
    intervention_update: list[dict[str, Any]] = field(default_factory=list)
    intervention_delete: list[str] = field(default_factory=list)
    status_changes: list[dict[str, Any]] = field(default_factory=list)
    note_goal_insert: list[dict[str, Any]] = field(default_factory=list)
    note_goal_delete: list[dict[str, Any]] = field(default_factory=list)

    @property
    def writes_nothing(self) -> bool:
        return not (self.report.inserted or self.report.updated)


@dataclass
class _Context:
    """What the plan needs to know, from the bundle and the database together."""

    parsed: Parsed
    tz: Any
    as_of: date
    by_id: dict[str, dict[str, Record]]  # list -> id -> record (first of duplicates)
    existing: dict[str, dict[str, dict[str, Any]]]  # list -> id -> stored row (for the bundle's ids)
    db_refs: dict[str, set[str]]  # list -> ids that exist in the database (bundle-referenced ones)
    db_staff_supervisor: dict[str, str | None]
    member_dates: dict[str, tuple[Any, Any]]  # member id -> (admitted_on, discharged_on), after the import
    goal_pcp: dict[str, Any]  # goal id -> pcp id, after the import
    pcp_member: dict[str, Any]  # pcp id -> member id, after the import
    stored_links: dict[str, list[Any]]  # goal -> stored interventions; note -> stored goal ids


def _agency_timezone(parsed: Parsed, stored: dict[str, str]) -> Any:
    """The bundle's time zone, else the database's setting, else the machine's local zone."""
    if "timezone" in parsed.agency:
        return load_timezone(parsed.agency["timezone"])
    raw = stored.get(AGENCY_SETTING["timezone"])
    if raw is not None:
        try:
            tz = load_timezone(json.loads(raw))
        except ValueError:
            tz = None
        if tz is not None:
            return tz
    import pendulum

    return pendulum.local_timezone()


def _plan(session: Session, parsed: Parsed, actor: str | None, as_of: date | None) -> Plan:
    """Read what the bundle touches and decide every write, or every problem."""
    plan = Plan(fingerprint=_fingerprint(session))
    stored_settings = dict(
        session.execute(
            select(AppSetting.key, AppSetting.value).where(AppSetting.key.in_(AGENCY_SETTING.values()))
        ).all()
    )
    tz = _agency_timezone(parsed, stored_settings)
    as_of = as_of or datetime.now(tz).date()
    ctx = _read_context(session, parsed, tz, as_of)
    problems = plan.problems
    _check_references(ctx, problems)
    _check_supervisor_loops(ctx, problems)
    _plan_settings(parsed, stored_settings, plan)
    now = utcnow()
    actor_staff = (
        actor if actor and (actor in ctx.by_id["staff"] or actor in ctx.db_staff_supervisor) else None
    )
    for list_name in LISTS:
        for rec in parsed.records[list_name]:
            if not rec.ok or ctx.by_id[list_name].get(rec.id) is not rec:
                continue
            _plan_record(ctx, rec, plan, now, actor_staff)
    return plan


def _read_context(session: Session, parsed: Parsed, tz: Any, as_of: date) -> _Context:
    by_id: dict[str, dict[str, Record]] = {name: {} for name in LISTS}
    for name in LISTS:
        for rec in parsed.records[name]:
            if rec.id is not BAD:
                by_id[name].setdefault(rec.id, rec)
    for rec in parsed.records["attempts"]:
        at = rec.row.get("at")
        if isinstance(at, str):
            moment = datetime.fromisoformat(at)
            rec.row["at_utc"] = moment.astimezone(UTC)
            rec.row["on_date"] = moment.astimezone(tz).date()
        else:
            rec.row["at_utc"] = rec.row["on_date"] = BAD

    existing = {name: _rows_by_id(session, TABLES[name], by_id[name]) for name in LISTS}

    # Ids referenced from the bundle that the bundle itself does not hold: look them up in the database.
    wanted: dict[str, set[str]] = {"staff": set(), "members": set(), "pcps": set(), "goals": set()}
    for name in LISTS:
        for spec in SPECS[name]:
            if spec.ref:
                for rec in parsed.records[name]:
                    target = rec.row.get(spec.col)
                    if isinstance(target, str) and target not in by_id[spec.ref]:
                        wanted[spec.ref].add(target)
    for rec in parsed.records["notes"]:
        wanted["goals"].update(g for g in rec.links if g not in by_id["goals"])

    db_staff_supervisor = {
        row.id: row.supervisor_id for row in session.execute(select(Staff.id, Staff.supervisor_id))
    }
    db_members = _rows_by_id(session, TABLES["members"], wanted["members"], "admitted_on", "discharged_on")
    db_goals = _rows_by_id(session, TABLES["goals"], wanted["goals"], "pcp_id")
    pcp_ids = set(wanted["pcps"])
    pcp_ids.update(g["pcp_id"] for g in db_goals.values() if g["pcp_id"] not in by_id["pcps"])
    pcp_ids.update(r.row["pcp_id"] for r in parsed.records["goals"] if isinstance(r.row.get("pcp_id"), str))
    pcp_ids -= set(by_id["pcps"])
    db_pcps = _rows_by_id(session, TABLES["pcps"], pcp_ids, "member_id")

    member_dates = {k: (v["admitted_on"], v["discharged_on"]) for k, v in db_members.items()}
    member_dates.update({k: (v["admitted_on"], v["discharged_on"]) for k, v in existing["members"].items()})
    member_dates.update(
        {k: (r.row["admitted_on"], r.row["discharged_on"]) for k, r in by_id["members"].items()}
    )
    goal_pcp = {k: v["pcp_id"] for k, v in db_goals.items()}
    goal_pcp.update({k: r.row["pcp_id"] for k, r in by_id["goals"].items()})
    pcp_member = {k: v["member_id"] for k, v in db_pcps.items()}
    pcp_member.update({k: r.row["member_id"] for k, r in by_id["pcps"].items()})

    stored_links: dict[str, list[Any]] = {}
    for chunk in _chunks(existing["goals"]):
        query = (
            select(Intervention.goal_id, Intervention.id, Intervention.position, Intervention.text)
            .where(Intervention.goal_id.in_(chunk))
            .order_by(Intervention.goal_id, Intervention.position)
        )
        for row in session.execute(query):
            stored_links.setdefault("goal:" + row.goal_id, []).append((row.id, row.position, row.text))
    for chunk in _chunks(existing["notes"]):
        query = select(NoteGoal.note_id, NoteGoal.goal_id).where(NoteGoal.note_id.in_(chunk))
        for row in session.execute(query):
            stored_links.setdefault("note:" + row.note_id, []).append(row.goal_id)

    db_refs = {
        "staff": set(db_staff_supervisor),
        "members": set(db_members),
        "pcps": set(db_pcps),
        "goals": set(db_goals),
    }
    return _Context(
        parsed,
        tz,
        as_of,
        by_id,
        existing,
        db_refs,
        db_staff_supervisor,
        member_dates,
        goal_pcp,
        pcp_member,
        stored_links,
    )


def _check_references(ctx: _Context, problems: list[str]) -> None:
    """Every id a record names exists in the bundle or the database; a note's goals are its member's (P-3)."""

    def resolves(target_list: str, target: str) -> bool:
        return target in ctx.by_id[target_list] or target in ctx.db_refs[target_list]

    for name in LISTS:
        ref_specs = [s for s in SPECS[name] if s.ref]
        for rec in ctx.parsed.records[name]:
            for spec in ref_specs:
                target = rec.row.get(spec.col)
                if isinstance(target, str) and not resolves(spec.ref, target):  # type: ignore[arg-type]
                    problems.append(
                        f"{rec.label}.{spec.key}: refers to {NOUNS[spec.ref]} '{show(target)}', "  # type: ignore[index]
                        "which is neither in the bundle nor in the database"
                    )
    for rec in ctx.parsed.records["notes"]:
        member = rec.row.get("member_id")
        for goal in rec.links:
            if not resolves("goals", goal):
                problems.append(
                    f"{rec.label}.goal_ids: refers to goal '{show(goal)}', which is neither in the bundle "
                    "nor in the database"
                )
                continue
            owner = ctx.pcp_member.get(ctx.goal_pcp.get(goal))
            if isinstance(member, str) and isinstance(owner, str) and owner != member:
                problems.append(
                    f"{rec.label}.goal_ids: goal '{show(goal)}' belongs to a PCP of member "
                    f"'{show(owner)}', not of the note's member '{show(member)}' (P-3)"
                )


def _check_supervisor_loops(ctx: _Context, problems: list[str]) -> None:
    """A staff member cannot be their own supervisor, directly or through a chain.

    Besides being nonsense, a loop among new staff has no insert order that satisfies the foreign key.
    """
    supervisor = dict(ctx.db_staff_supervisor)
    for staff_id, rec in ctx.by_id["staff"].items():
        supervisor[staff_id] = (
            rec.row.get("supervisor_id") if isinstance(rec.row.get("supervisor_id"), str) else None
        )
    for staff_id, rec in ctx.by_id["staff"].items():
        chain = [staff_id]
        current = supervisor.get(staff_id)
        while current is not None and current not in chain and len(chain) <= len(supervisor):
            chain.append(current)
            current = supervisor.get(current)
        if current == staff_id:
            path = " -> ".join(show(s) for s in [*chain, staff_id])
            problems.append(f"{rec.label}.supervisor_id: the supervisor chain loops back ({path})")


def _plan_settings(parsed: Parsed, stored: dict[str, str], plan: Plan) -> None:
    counts = plan.report.counts["agency"]
    now = utcnow()
    for key, value in parsed.agency.items():
        setting = AGENCY_SETTING[key]
        encoded = json.dumps(value)
        raw = stored.get(setting)
        if raw is None:
            plan.settings_insert.append({"key": setting, "value": encoded, "updated_at": now})
            counts.inserted += 1
            continue
        try:
            same = json.loads(raw) == value
        except ValueError:
            same = False
        if same:
            counts.unchanged += 1
        else:
            plan.settings_update.append({"b_key": setting, "value": encoded, "updated_at": now})
            counts.updated += 1


def _key_of(list_name: str, column: str) -> str:
    """The bundle key of a column, for problem lines."""
    if column in CRISIS_COLUMNS:
        return "crisis_plan"
    for spec in SPECS[list_name]:
        if spec.col == column:
            return spec.key
    return "at" if column in ("at_utc", "on_date") else column


def _plan_record(ctx: _Context, rec: Record, plan: Plan, now: datetime, actor_staff: str | None) -> None:
    """Insert, update or leave one record; refuse a changed signed note (N-3) and the N-2/N-5/N-6 cases."""
    name = rec.list_name
    cols = COLUMNS[name]
    row = rec.row  # exactly the table's columns; used as the insert/update parameters (no copy per record)
    old = ctx.existing[name].get(rec.id)
    counts = plan.report.counts[name]
    link_changed = False
    if old is None:
        changed = list(cols)
    else:
        changed = [c for c in cols if row[c] != old[c]]
        if name == "goals":
            stored = [text for _, _, text in ctx.stored_links.get("goal:" + rec.id, [])]
            link_changed = stored != rec.links
        elif name == "notes":
            link_changed = set(ctx.stored_links.get("note:" + rec.id, [])) != set(rec.links)
        if not changed and not link_changed:
            counts.unchanged += 1
            return
        if name == "notes" and old["signed_at"] is not None:
            keys = list(dict.fromkeys(_key_of(name, c) for c in changed))
            if link_changed:
                keys.append("goal_ids")
            plan.problems.append(
                f"{rec.label}: conflict: signed note differs from the one in the database "
                f"(fields: {', '.join(keys)}); signed notes are never changed by an import"
            )
            return
    if name == "notes" and not _note_allowed(ctx, rec, plan.problems):
        return
    if old is None:
        row["created_at"] = row["updated_at"] = now
        plan.inserts[name].append(row)
        counts.inserted += 1
    else:
        row.pop("created_at", None)  # set only if an earlier plan of this import meant to insert it
        row["updated_at"] = now
        plan.updates[name].append(row)
        counts.updated += 1
    if name == "goals":
        _plan_goal_links(ctx, rec, old, plan, now, actor_staff)
    elif name == "notes":
        stored = set(ctx.stored_links.get("note:" + rec.id, []))
        wanted = set(rec.links)
        plan.note_goal_insert.extend({"note_id": rec.id, "goal_id": g} for g in sorted(wanted - stored))
        plan.note_goal_delete.extend({"b_note": rec.id, "b_goal": g} for g in sorted(stored - wanted))


def _plan_goal_links(
    ctx: _Context, rec: Record, old: dict[str, Any] | None, plan: Plan, now: datetime, actor_staff: str | None
) -> None:
    """Interventions by position (P-1) and, when the status is new or changed, a P-4 history row."""
    stored = {pos: (iid, text) for iid, pos, text in ctx.stored_links.get("goal:" + rec.id, [])}
    taken = {iid for iid, _ in stored.values()}
    for pos, text in enumerate(rec.links):
        if pos in stored:
            if stored[pos][1] != text:
                plan.intervention_update.append({"b_id": stored[pos][0], "text": text})
            continue
        iid = intervention_id(rec.id, pos)
        plan.intervention_insert.append(
            {"id": iid if iid not in taken else new_id(), "goal_id": rec.id, "position": pos, "text": text}
        )
    plan.intervention_delete.extend(iid for pos, (iid, _) in stored.items() if pos >= len(rec.links))
    if old is None or old["status"] != rec.row["status"]:
        plan.status_changes.append(
            {
                "id": new_id(),
                "goal_id": rec.id,
                "status": rec.row["status"],
                "changed_on": rec.row["status_on"] or ctx.as_of,
                "recorded_at": now,
                "staff_id": actor_staff,
            }
        )


def _note_allowed(ctx: _Context, rec: Record, problems: list[str]) -> bool:
    """The refusals an import enforces on a note it would write.

    N-6: not in the future (as of `as_of`), not before admission, not after discharge. N-2: a signed note has
    purpose, interventions, effectiveness and at least one goal. N-5: a signed audio-only note records
    identity verification and consent. (Flags such as N-7 or over-cap are not refusals: those import.)
    """
    row = rec.row
    before = len(problems)
    day: date = row["date"]
    if day > ctx.as_of:
        problems.append(
            f"{rec.label}.date: N-6: {day.isoformat()} is in the future (as of {ctx.as_of.isoformat()}); "
            "a note records work that happened"
        )
    admitted, discharged = ctx.member_dates.get(row["member_id"], (None, None))
    member = show(row["member_id"])
    if isinstance(admitted, date) and day < admitted:
        problems.append(
            f"{rec.label}.date: N-6: {day.isoformat()} is before member '{member}' was admitted "
            f"({admitted.isoformat()})"
        )
    if isinstance(discharged, date) and day > discharged:
        problems.append(
            f"{rec.label}.date: N-6: {day.isoformat()} is after member '{member}' was discharged "
            f"({discharged.isoformat()})"
        )
    if row["signed_at"] is not None:
        for key in ("purpose", "interventions", "effectiveness"):
            if not row[key].strip():
                problems.append(f"{rec.label}.{key}: N-2: a signed note needs its {key} (got an empty text)")
        if not rec.links:
            problems.append(
                f"{rec.label}.goal_ids: N-2: a signed note links at least one PCP goal (got none)"
            )
        if row["contact_type"] == "audio-only":
            if row["identity_verified"] is not True:
                problems.append(
                    f"{rec.label}.identity_verified: N-5: a signed audio-only note needs the member's "
                    "identity verified with two identifiers (true)"
                )
            if row["consent"] is None:
                problems.append(
                    f'{rec.label}.consent: N-5: a signed audio-only note needs consent ("verbal", '
                    '"written" or "not-obtained: <reason>")'
                )
    return len(problems) == before


# --- applying the plan ------------------------------------------------------------------------------------


def _update_by_id(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """One executemany UPDATE ... WHERE id = ? for rows that all set the same columns."""
    if not rows:
        return
    cols = [c for c in rows[0] if c != "id"]
    stmt = (
        update(table)
        .where(table.c.id == bindparam("b_id", type_=table.c.id.type))
        .values({c: bindparam("v_" + c, type_=table.c[c].type) for c in cols})
    )
    session.execute(stmt, [{"b_id": r["id"], **{"v_" + c: r[c] for c in cols}} for r in rows])


def _staff_in_insert_order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Supervisors before the staff they supervise, so the self-referencing foreign key holds row by row."""
    pending = {r["id"]: r for r in rows}
    ordered: list[dict[str, Any]] = []
    placed: set[str] = set()

    def place(staff_id: str) -> None:
        stack = []
        current: str | None = staff_id
        while current in pending and current not in placed and current not in stack:
            stack.append(current)
            current = pending[current]["supervisor_id"]
        for s in reversed(stack):
            placed.add(s)
            ordered.append(pending[s])

    for r in rows:
        place(r["id"])
    return ordered


def _apply(session: Session, plan: Plan) -> None:
    """Write the plan: inserts parent-first, then updates; links of a note before the note may get signed."""
    settings = AppSetting.__table__  # type: ignore[attr-defined]
    if plan.settings_insert:
        session.execute(insert(settings), plan.settings_insert)
    if plan.settings_update:
        stmt = (
            update(settings)
            .where(settings.c.key == bindparam("b_key"))
            .values(
                value=bindparam("value"), updated_at=bindparam("updated_at", type_=settings.c.updated_at.type)
            )
        )
        session.execute(stmt, plan.settings_update)
    for name in LISTS:
        rows = plan.inserts[name]
        if name == "staff":
            rows = _staff_in_insert_order(rows)
        if rows:
            session.execute(insert(TABLES[name]), rows)
        if name == "goals":
            if plan.intervention_insert:
                session.execute(insert(Intervention.__table__), plan.intervention_insert)  # type: ignore[attr-defined]
            if plan.status_changes:
                session.execute(insert(GoalStatusChange.__table__), plan.status_changes)  # type: ignore[attr-defined]
    if plan.note_goal_delete:
        note_goal = NoteGoal.__table__  # type: ignore[attr-defined]
        stmt = delete(note_goal).where(
            and_(note_goal.c.note_id == bindparam("b_note"), note_goal.c.goal_id == bindparam("b_goal"))
        )
        session.execute(stmt, plan.note_goal_delete)
    if plan.note_goal_insert:
        session.execute(insert(NoteGoal.__table__), plan.note_goal_insert)  # type: ignore[attr-defined]
    interventions = Intervention.__table__  # type: ignore[attr-defined]
    if plan.intervention_delete:
        for chunk in _chunks(plan.intervention_delete):
            session.execute(delete(interventions).where(interventions.c.id.in_(chunk)))
    if plan.intervention_update:
        stmt = (
            update(interventions)
            .where(interventions.c.id == bindparam("b_id"))
            .values(text=bindparam("text"))
        )
        session.execute(stmt, plan.intervention_update)
    for name in LISTS:
        _update_by_id(session, TABLES[name], plan.updates[name])


# --- the entry point --------------------------------------------------------------------------------------


def import_bundle(
    engine: Engine, text: str, actor: str | None = None, as_of: date | None = None
) -> ImportReport:
    """Merge the bundle in `text` into the database: all of it, or (with BundleError) none of it.

    `actor` is the staff id recorded in the audit log; `as_of` is "today" for N-6 (default: today in the
    agency's time zone). The database is not written at all when validation fails or nothing would change.
    """
    parsed = parse_bundle(text)
    with read_session(engine) as session:
        plan = _plan(session, parsed, actor, as_of)
    problems = parsed.problems + plan.problems
    if problems:
        raise BundleError(problems)
    if plan.writes_nothing:
        return plan.report
    try:
        with write_session(engine, actor) as session:
            if _fingerprint(session) != plan.fingerprint:  # someone wrote since we looked: look again
                plan = _plan(session, parsed, actor, as_of)
                if plan.problems:
                    raise BundleError(plan.problems)
            _apply(session, plan)
    except IntegrityError as exc:
        # Validation is meant to catch everything the schema refuses; if it missed something, the
        # transaction is rolled back and the user still gets a line, not a traceback.
        raise BundleError([f"bundle: the database refused the import ({exc.orig})"]) from None
    return plan.report
