"""What importing a bundle would do, before it does it: new, changed and conflicting records (issue 5 item 5).

The supervisor merging a specialist's laptop sees this first, then applies it in one step with the ordinary,
all-or-nothing `import_bundle`. Nothing here validates on its own: the bundle is parsed by
`bundle_schema.parse_bundle` and planned by `bundle_import._plan`, exactly as the import does, in one read
transaction; this module only sorts the plan's records into lists a person can read.

A conflict is listed by record and field, with the value here and the value in the bundle:
- `signed`: a signed note that differs from the one here. The import refuses it (N-3), so Apply is refused.
- `both`: a record changed here since it was first written (its `updated_at` is later than its `created_at`)
  that the bundle would change too. The import would let the bundle win (interface.md), so the app asks for
  an explicit confirmation naming these records; it never overwrites them silently. A record changed here by an
  earlier merge counts as changed here too: the preview errs towards showing a conflict.
Every other problem the import would refuse (bad fields, references, N-2/N-5/N-6) is listed as it would be
printed by `cpss-tui import`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cpss_tui.data.bundle_import import (
    COLUMNS,
    TABLES,
    _chunks,
    _fingerprint,
    _key_of,
    _plan,
    _rows_by_id,
    import_bundle,
)
from cpss_tui.data.bundle_import import ImportReport as ImportReport
from cpss_tui.data.bundle_schema import LISTS, BundleError, Record, parse_bundle
from cpss_tui.data.db import read_session
from cpss_tui.data.models import Intervention, NoteGoal

__all__ = [
    "BundleError",
    "Conflict",
    "FieldDiff",
    "Preview",
    "RecordChange",
    "apply_preview",
    "preview_bundle",
]


@dataclass(frozen=True)
class FieldDiff:
    """One field that differs: its bundle key, the value here and the value in the bundle (as text)."""

    key: str
    here: str
    bundle: str


@dataclass(frozen=True)
class RecordChange:
    """A record the import would insert (no diffs) or update (the fields it changes)."""

    list_name: str
    record_id: str
    label: str  # as problem lines name it: notes[n1]
    summary: str  # a few words a person recognises: a member's name, a note's date and type
    diffs: tuple[FieldDiff, ...] = ()


@dataclass(frozen=True)
class Conflict:
    """A record both sides hold with different content that must not be overwritten silently."""

    kind: str  # 'signed' (refused by the import) | 'both' (changed here and in the bundle)
    change: RecordChange

    @property
    def blocks(self) -> bool:
        return self.kind == "signed"


@dataclass
class Preview:
    """The classification of one bundle against the database, as of one read transaction."""

    new: list[RecordChange] = field(default_factory=list)
    changed: list[RecordChange] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)  # refusals other than the signed-note conflicts
    fingerprint: tuple[Any, ...] = ()

    @property
    def refusal(self) -> str | None:
        """Why Apply is refused, in words, or None when the import would go through."""
        signed = [c for c in self.conflicts if c.blocks]
        reasons = []
        if signed:
            reasons.append(
                f"{len(signed)} signed note{'s differ' if len(signed) != 1 else ' differs'} from this database; a signed "
                "note is never changed by an import (N-3): correct it with an addendum on the laptop that "
                "holds it, export again"
            )
        if self.problems:
            reasons.append(
                f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''} in the bundle"
            )
        return "; ".join(reasons) or None

    @property
    def overwrites(self) -> list[Conflict]:
        """Conflicts the import would resolve by taking the bundle's version (need a confirmation)."""
        return [c for c in self.conflicts if not c.blocks]

    @property
    def writes_nothing(self) -> bool:
        return not (self.new or self.changed or self.conflicts)


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _summary(list_name: str, row: dict[str, Any]) -> str:
    """A few words naming the record (the row holds parsed bundle values)."""
    pick = {
        "staff": ("name", "role"),
        "members": ("name", "medicaid_id"),
        "authorizations": ("number", "start_date", "end_date"),
        "pcps": ("effective",),
        "goals": ("text",),
        "notes": ("date", "start_time", "contact_type"),
        "attempts": ("at", "method"),
        "supervisor_visits": ("date",),
        "supervision_sessions": ("date",),
    }.get(list_name, ())
    words = " ".join(_text(row.get(k)) for k in pick if k in row)
    return words[:60]


def _stored_links(session: Session, list_name: str, ids: list[str]) -> dict[str, list[str]]:
    """The links stored here for existing notes (goal ids) or goals (intervention texts, by position)."""
    out: dict[str, list[str]] = {}
    for chunk in _chunks(ids):
        if list_name == "notes":
            query = select(NoteGoal.note_id, NoteGoal.goal_id).where(NoteGoal.note_id.in_(chunk))  # type: ignore[attr-defined]
        else:
            query = (
                select(Intervention.goal_id, Intervention.text)
                .where(Intervention.goal_id.in_(chunk))  # type: ignore[attr-defined]
                .order_by(Intervention.goal_id, Intervention.position)
            )
        for owner, value in session.execute(query):
            out.setdefault(owner, []).append(value)
    return out


def _diffs(rec: Record, old: dict[str, Any], links: list[str]) -> tuple[FieldDiff, ...]:
    name = rec.list_name
    diffs: dict[str, FieldDiff] = {}
    for column in COLUMNS[name]:
        if rec.row[column] != old[column]:
            key = _key_of(name, column)
            if key in diffs:  # crisis_plan spans five columns; attempts' `at` spans three
                continue
            if key == "crisis_plan" or key == "at":
                here, there = "(differs)", "(differs)"
                if key == "at":
                    here, there = _text(old.get("at")), _text(rec.row.get("at"))
            else:
                here, there = _text(old[column]), _text(rec.row[column])
            diffs[key] = FieldDiff(key, here, there)
    if name == "notes" and set(links) != set(rec.links):
        diffs["goal_ids"] = FieldDiff("goal_ids", ", ".join(sorted(links)), ", ".join(sorted(rec.links)))
    if name == "goals" and links != rec.links:
        diffs["interventions"] = FieldDiff("interventions", " | ".join(links), " | ".join(rec.links))
    return tuple(diffs.values())


def _classify(session: Session, text: str, actor: str | None, as_of: date | None) -> Preview:
    parsed = parse_bundle(text)
    plan = _plan(session, parsed, actor, as_of)
    preview = Preview(fingerprint=plan.fingerprint)
    conflict_labels: set[str] = set()
    for name in LISTS:
        records = [r for r in parsed.records[name] if r.ok and isinstance(r.id, str)]
        seen: set[str] = set()
        records = [r for r in records if not (r.id in seen or seen.add(r.id))]  # first of duplicates
        if not records:
            continue
        existing = _rows_by_id(session, TABLES[name], (r.id for r in records))
        links = (
            _stored_links(session, name, [r.id for r in records if r.id in existing])
            if name in ("notes", "goals")
            else {}
        )
        for rec in records:
            old = existing.get(rec.id)
            if old is None:
                preview.new.append(RecordChange(name, rec.id, rec.label, _summary(name, rec.row)))
                continue
            diffs = _diffs(rec, old, links.get(rec.id, []))
            if not diffs:
                preview.unchanged += 1
                continue
            change = RecordChange(name, rec.id, rec.label, _summary(name, rec.row), diffs)
            if name == "notes" and old["signed_at"] is not None:
                preview.conflicts.append(Conflict("signed", change))
                conflict_labels.add(rec.label)
            elif old.get("created_at") is not None and old.get("updated_at") not in (None, old["created_at"]):
                preview.conflicts.append(Conflict("both", change))
            else:
                preview.changed.append(change)
    # The import's own lines, less the signed-note conflicts already listed field by field above.
    preview.problems = [
        p
        for p in parsed.problems + plan.problems
        if not any(p.startswith(f"{label}: conflict:") for label in conflict_labels)
    ]
    return preview


def preview_bundle(engine: Engine, text: str, actor: str | None = None, as_of: date | None = None) -> Preview:
    """Classify every record of the bundle in `text` against the database; writes nothing.

    Raises BundleError only when the file is not a cpss-bundle at all (not JSON, wrong format or version):
    then there is nothing to preview. Every other problem is in `Preview.problems`.
    """
    with read_session(engine) as session:
        return _classify(session, text, actor, as_of)


def apply_preview(
    engine: Engine, text: str, preview: Preview, actor: str | None = None, as_of: date | None = None
) -> ImportReport:
    """Import the previewed bundle, all or nothing, with `import_bundle` itself.

    Refused (BundleError) when the preview refuses it, or when the database changed since the preview was made
    (the user would apply something they have not seen).
    """
    if preview.refusal is not None:
        raise BundleError([f"bundle: not applied: {preview.refusal}"])
    with read_session(engine) as session:
        if _fingerprint(session) != preview.fingerprint:
            raise BundleError(
                ["bundle: not applied: the database changed since the preview; preview it again"]
            )
    return import_bundle(engine, text, actor=actor, as_of=as_of)
