"""Bundles (spec/interface.md): import is all or nothing and idempotent, export is byte-stable.

Every refusal test checks two things: the exact problem line (list, record id, field) and that the database
file is byte-for-byte what it was (read after `engine.dispose()`, which checkpoints the WAL into the file).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from cpss_tui.data.bundle import BundleError, export_bundle, import_bundle, intervention_id
from cpss_tui.data.bundle_export import record_text
from cpss_tui.data.bundle_import import COLUMNS, TABLES
from cpss_tui.data.db import read_session
from cpss_tui.data.migrate import open_database
from cpss_tui.data.models import (
    AppSetting,
    Attempt,
    AuditLog,
    Goal,
    GoalStatusChange,
    Intervention,
    Note,
    NoteGoal,
)

AS_OF = date(2026, 11, 22)


def rich_bundle() -> dict[str, Any]:
    """Every list, every optional field, an audio-only note, an unsigned note, a discharged member."""
    return {
        "format": "cpss-bundle",
        "version": 1,
        "agency": {"name": "Hope Peer Services", "week_start": "monday", "timezone": "America/New_York"},
        "staff": [
            {
                "id": "s1",
                "name": "Dana Reyes",
                "role": "specialist",
                "credentials": "NC CPSS",
                "fte": 1.0,
                "supervisor_id": "s9",
                "started_on": "2026-01-05",
                "training_hours": 20,
            },
            {
                "id": "s2",
                "name": "Sam Ortiz",
                "role": "specialist",
                "credentials": "NC CPSS",
                "fte": 0.5,
                "supervisor_id": "s9",
                "started_on": "2026-03-01",
                "training_hours": 12.5,
            },
            {
                "id": "s9",
                "name": "Lee Park",
                "role": "supervisor",
                "credentials": "LCSW",
                "fte": None,
                "supervisor_id": None,
                "started_on": None,
                "training_hours": 40,
                "supervisor_training_on": "2025-12-01",
            },
        ],
        "members": [
            {
                "id": "m1",
                "name": "Alex Doe",
                "medicaid_id": "123456789K",
                "birth_date": "1985-04-02",
                "payer": "nc-medicaid",
                "specialist_id": "s1",
                "admitted_on": "2026-09-01",
                "service_order_date": "2026-08-28",
                "discharged_on": None,
                "discharge_reason": None,
            },
            {
                "id": "m2",
                "name": "Jo Smith",
                "medicaid_id": "987654321L",
                "birth_date": "2006-02-10",
                "payer": "la-lhcc",
                "specialist_id": "s2",
                "admitted_on": "2026-06-01",
                "service_order_date": None,
                "discharged_on": "2026-10-15",
                "discharge_reason": "goals-met",
                "continuing_care_plan": "Monthly check-ins with the clinic",
                "epsdt": True,
            },
        ],
        "authorizations": [
            {
                "id": "a1",
                "member_id": "m1",
                "number": "PA-1001",
                "start": "2026-09-01",
                "end": "2026-11-29",
                "units": 208,
            },
            {
                "id": "a2",
                "member_id": "m2",
                "number": "PA-2001",
                "start": "2026-06-01",
                "end": "2026-10-15",
                "units": 300,
                "override_reason": "Supervisor approved a longer first period",
            },
        ],
        "pcps": [
            {
                "id": "p1",
                "member_id": "m1",
                "effective": "2026-09-01",
                "last_review": "2026-09-01",
                "crisis_plan": {
                    "triggers": "Loud places",
                    "coping": "Walks",
                    "supports": "Sister",
                    "contacts": "988",
                    "wrap": "WRAP on file",
                },
            },
            {
                "id": "p2",
                "member_id": "m2",
                "effective": "2026-06-05",
                "last_review": None,
                "crisis_plan": None,
            },
        ],
        "goals": [
            {
                "id": "g1",
                "pcp_id": "p1",
                "text": "I want to get my own apartment",
                "status": "active",
                "interventions": ["Practice calling landlords together", "Budget worksheet"],
            },
            {
                "id": "g2",
                "pcp_id": "p1",
                "text": "Ride the bus alone",
                "status": "achieved",
                "status_on": "2026-10-01",
                "interventions": [],
            },
            {
                "id": "g3",
                "pcp_id": "p2",
                "text": "Finish my GED — “soon”",
                "status": "active",
                "interventions": ["Study group"],
            },
        ],
        "notes": [
            {
                "id": "n1",
                "member_id": "m1",
                "staff_id": "s1",
                "date": "2026-09-02",
                "start_time": "10:00",
                "minutes": 60,
                "billable": True,
                "contact_type": "face-to-face",
                "place": "home",
                "purpose": "Housing search",
                "interventions": "Called two landlords",
                "effectiveness": "Good",
                "goal_ids": ["g1"],
                "signed_at": "2026-09-02T11:30:00-04:00",
                "signed_by_name": "Dana Reyes",
                "signed_by_credentials": "NC CPSS",
            },
            {
                "id": "n2",
                "member_id": "m1",
                "staff_id": "s1",
                "date": "2026-09-09",
                "start_time": "14:15",
                "minutes": 45,
                "billable": True,
                "contact_type": "telehealth",
                "place": "remote",
                "purpose": "Check-in",
                "interventions": "",
                "effectiveness": "",
                "goal_ids": [],
                "signed_at": None,
            },
            {
                "id": "n3",
                "member_id": "m1",
                "staff_id": "s1",
                "date": "2026-09-16",
                "start_time": "09:00",
                "minutes": 20,
                "billable": True,
                "contact_type": "audio-only",
                "place": "remote",
                "identity_verified": True,
                "consent": "verbal",
                "purpose": "Phone check-in",
                "interventions": "Reviewed budget",
                "effectiveness": "Engaged",
                "goal_ids": ["g1", "g2"],
                "signed_at": "2026-09-16T13:20:00Z",
            },
            {
                "id": "n4",
                "member_id": "m2",
                "staff_id": "s2",
                "date": "2026-07-01",
                "start_time": "08:00",
                "minutes": 30,
                "billable": False,
                "nonbillable_reason": "transportation",
                "contact_type": "face-to-face",
                "place": "community",
                "purpose": "Ride to clinic",
                "interventions": "Drove",
                "effectiveness": "Arrived",
                "goal_ids": ["g3"],
                "signed_at": "2026-07-01T09:00:00-04:00",
            },
        ],
        "attempts": [
            {
                "id": "t1",
                "member_id": "m1",
                "staff_id": "s1",
                "at": "2026-09-09T09:15:00-04:00",
                "method": "phone",
                "outcome": "no-answer",
                "detail": "Rang 10 times",
            },
            {
                "id": "t2",
                "member_id": "m1",
                "staff_id": "s1",
                "at": "2026-09-11T02:30:00Z",
                "method": "text",
                "outcome": "left-message",
                "detail": "",
            },
        ],
        "supervisor_visits": [
            {
                "id": "v1",
                "member_id": "m1",
                "supervisor_id": "s9",
                "date": "2026-09-25",
                "face_to_face": True,
                "notes": "Met at home",
            },
            {
                "id": "v2",
                "member_id": "m2",
                "supervisor_id": "s9",
                "date": "2026-06-20",
                "face_to_face": False,
            },
        ],
        "supervision_sessions": [
            {"id": "ss1", "supervisor_id": "s9", "specialist_id": "s1", "date": "2026-09-03"},
            {
                "id": "ss2",
                "supervisor_id": "s9",
                "specialist_id": "s2",
                "date": "2026-09-04",
                "notes": "Caseload review",
            },
        ],
    }


def dump(bundle: Any) -> str:
    return json.dumps(bundle, indent=2, ensure_ascii=False)


def file_state(engine: Engine, db_path: Path) -> tuple[bytes, bytes]:
    """The database file and its WAL as bytes, after closing every connection (which checkpoints)."""
    engine.dispose()
    wal = db_path.with_name(db_path.name + "-wal")
    return db_path.read_bytes(), wal.read_bytes() if wal.exists() else b""


def audit_count(engine: Engine) -> int:
    with read_session(engine) as s:
        return s.scalar(select(func.count()).select_from(AuditLog)) or 0


def refused(engine: Engine, db_path: Path, text: str, **kw: Any) -> list[str]:
    """Import `text`, expect a BundleError, check the file did not change; return the problem lines."""
    before = file_state(engine, db_path)
    with pytest.raises(BundleError) as info:
        import_bundle(engine, text, as_of=AS_OF, **kw)
    assert file_state(engine, db_path) == before
    assert all("\n" not in line for line in info.value.problems)
    return info.value.problems


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Path]]:
    """One empty database shared by the refusal tests: a refused import leaves it as it was (each test
    checks that), so sharing it is safe and saves a migration per case."""
    path = tmp_path_factory.mktemp("refusals") / "cpss.db"
    engine = open_database(path).engine
    yield engine, path
    engine.dispose()


@pytest.fixture
def loaded(engine: Engine) -> Engine:
    import_bundle(engine, dump(rich_bundle()), actor="s9", as_of=AS_OF)
    return engine


# --- round trip and idempotence ---------------------------------------------------------------------------


def test_rich_bundle_round_trips_byte_for_byte(engine: Engine, tmp_path: Path) -> None:
    report = import_bundle(engine, dump(rich_bundle()), as_of=AS_OF)
    assert report.counts["notes"].inserted == 4 and report.counts["agency"].inserted == 3
    first = export_bundle(engine)
    other = open_database(tmp_path / "b.db").engine
    try:
        import_bundle(other, first, as_of=AS_OF)
        assert export_bundle(other) == first
    finally:
        other.dispose()
    # The export carries everything the hand-written bundle said (same data, canonical spelling).
    exported = json.loads(first)
    assert exported["notes"][2]["signed_at"] == "2026-09-16T13:20:00+00:00"  # normalised
    assert exported["pcps"][1]["crisis_plan"] is None
    assert exported["members"][1]["epsdt"] is True and "epsdt" not in exported["members"][0]
    assert exported["goals"][0]["interventions"] == [
        "Practice calling landlords together",
        "Budget worksheet",
    ]


def test_export_is_exactly_json_dumps_indent_2(loaded: Engine) -> None:
    text = export_bundle(loaded)
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


def test_record_text_matches_json_dumps_for_awkward_values() -> None:
    record = {
        "id": 'a"b\\c\n\t\u2028é',
        "n": 1.5,
        "z": 0.1,
        "b": False,
        "none": None,
        "list": ["x", 'y"'],
        "empty": [],
        "obj": {"k": "v", "w": None},
        "big": 10**20,
    }
    expected = json.dumps({"l": [record]}, indent=2, ensure_ascii=False)
    assert expected == '{\n  "l": [\n' + record_text(record) + "\n  ]\n}"


def test_bundle_without_extras_round_trips_byte_for_byte(engine: Engine) -> None:
    """A bundle in the exporter's own shape (no extra keys) comes back out identical."""
    import_bundle(engine, dump(rich_bundle()), as_of=AS_OF)
    text = export_bundle(engine)
    assert export_bundle(engine) == text  # stable across calls
    import_bundle(engine, text, as_of=AS_OF)
    assert export_bundle(engine) == text


def test_import_twice_changes_nothing(loaded: Engine, db_path: Path) -> None:
    with read_session(loaded) as s:
        stamps = s.execute(select(Note.id, Note.updated_at).order_by(Note.id)).all()
    audits = audit_count(loaded)
    before = file_state(loaded, db_path)
    report = import_bundle(loaded, dump(rich_bundle()), actor="s9", as_of=AS_OF)
    assert report.inserted == 0 and report.updated == 0
    assert report.unchanged == 3 + 3 + 2 + 2 + 2 + 3 + 4 + 2 + 2 + 2
    assert file_state(loaded, db_path) == before  # no write transaction at all
    assert audit_count(loaded) == audits
    with read_session(loaded) as s:
        assert s.execute(select(Note.id, Note.updated_at).order_by(Note.id)).all() == stamps


def test_updating_an_unsigned_note_is_audited(loaded: Engine) -> None:
    bundle = rich_bundle()
    bundle["notes"][1].update(minutes=50, goal_ids=["g1"], interventions="Listened")
    audits = audit_count(loaded)
    report = import_bundle(loaded, dump(bundle), actor="s1", as_of=AS_OF)
    assert report.counts["notes"].updated == 1 and report.counts["notes"].unchanged == 3
    with read_session(loaded) as s:
        note = s.get(Note, "n2")
        assert note is not None and note.minutes == 50 and note.interventions == "Listened"
        assert s.scalars(select(NoteGoal.goal_id).where(NoteGoal.note_id == "n2")).all() == ["g1"]
        entries = s.scalars(select(AuditLog).where(AuditLog.seq > audits).order_by(AuditLog.seq)).all()
    assert {(e.table_name, e.action) for e in entries} == {("note", "update"), ("note_goal", "insert")}
    update = next(e for e in entries if e.table_name == "note")
    assert update.staff_id == "s1" and json.loads(update.changes)["minutes"] == [45, 50]


def test_signing_an_unsigned_note_by_import_is_allowed(loaded: Engine) -> None:
    bundle = rich_bundle()
    bundle["notes"][1].update(
        interventions="Listened",
        effectiveness="Calmer",
        goal_ids=["g1"],
        signed_at="2026-09-09T16:00:00-04:00",
    )
    import_bundle(loaded, dump(bundle), as_of=AS_OF)
    with read_session(loaded) as s:
        assert s.get(Note, "n2").signed_at == "2026-09-09T16:00:00-04:00"  # type: ignore[union-attr]


def test_changed_signed_note_is_a_conflict_and_nothing_is_applied(loaded: Engine, db_path: Path) -> None:
    """N-3: a signed note is never changed by an import; the other (valid) changes are not applied either."""
    bundle = rich_bundle()
    bundle["notes"][0].update(minutes=90, purpose="Something else")
    bundle["members"][0]["name"] = "Alex Q. Doe"  # a valid change that must not be applied
    problems = refused(loaded, db_path, dump(bundle))
    assert problems == [
        "notes[n1]: conflict: signed note differs from the one in the database (fields: minutes, purpose); "
        "signed notes are never changed by an import"
    ]


def test_signed_note_goal_links_are_part_of_the_conflict(loaded: Engine, db_path: Path) -> None:
    bundle = rich_bundle()
    bundle["notes"][0]["goal_ids"] = ["g1", "g2"]
    assert refused(loaded, db_path, dump(bundle)) == [
        "notes[n1]: conflict: signed note differs from the one in the database (fields: goal_ids); "
        "signed notes are never changed by an import"
    ]


def test_signed_at_spelling_is_not_a_conflict(loaded: Engine) -> None:
    """`Z` and `+00:00` are the same instant written the same way once normalised."""
    bundle = rich_bundle()
    bundle["notes"][2]["signed_at"] = "2026-09-16T13:20:00+00:00"
    assert import_bundle(loaded, dump(bundle), as_of=AS_OF).updated == 0


# --- what the import writes -------------------------------------------------------------------------------


def test_attempt_times_settings_interventions_and_goal_history(loaded: Engine) -> None:
    with read_session(loaded) as s:
        t2 = s.get(Attempt, "t2")
        assert t2 is not None
        assert t2.at == "2026-09-11T02:30:00+00:00"
        assert t2.at_utc == datetime(2026, 9, 11, 2, 30, tzinfo=UTC)
        assert t2.on_date == date(2026, 9, 10)  # 22:30 the evening before in New York (C-3 counts days)
        settings = {r.key: r.value for r in s.scalars(select(AppSetting))}
        assert settings["agency.timezone"] == '"America/New_York"'
        assert json.loads(settings["agency.name"]) == "Hope Peer Services"
        rows = s.execute(
            select(Intervention.id, Intervention.position, Intervention.text)
            .where(Intervention.goal_id == "g1")
            .order_by(Intervention.position)
        ).all()
        assert rows == [
            (intervention_id("g1", 0), 0, "Practice calling landlords together"),
            (intervention_id("g1", 1), 1, "Budget worksheet"),
        ]
        history = s.execute(
            select(
                GoalStatusChange.goal_id,
                GoalStatusChange.status,
                GoalStatusChange.changed_on,
                GoalStatusChange.staff_id,
            ).order_by(GoalStatusChange.goal_id)
        ).all()
    assert history == [
        ("g1", "active", AS_OF, "s9"),
        ("g2", "achieved", date(2026, 10, 1), "s9"),
        ("g3", "active", AS_OF, "s9"),
    ]


def test_goal_status_change_adds_history_and_interventions_follow_the_list(loaded: Engine) -> None:
    """P-4: a changed status adds a history row; P-1: interventions are replaced position by position."""
    bundle = rich_bundle()
    bundle["goals"][0].update(status="revised", interventions=["Budget worksheet"])
    report = import_bundle(loaded, dump(bundle), as_of=AS_OF)
    assert report.counts["goals"].updated == 1
    with read_session(loaded) as s:
        assert s.scalars(select(Intervention.text).where(Intervention.goal_id == "g1")).all() == [
            "Budget worksheet"
        ]
        statuses = s.scalars(select(GoalStatusChange.status).where(GoalStatusChange.goal_id == "g1")).all()
        assert sorted(statuses) == ["active", "revised"]
        assert s.get(Goal, "g1").status == "revised"  # type: ignore[union-attr]


def test_flagged_findings_are_not_refusals(engine: Engine) -> None:
    """M-1 (age), N-7 (before the service order) and U-9 (over cap) are flags: the bundle imports."""
    bundle = rich_bundle()
    bundle["members"][0].update(birth_date="2010-01-01", service_order_date="2026-09-20")
    bundle["notes"][1].update(minutes=1440)
    import_bundle(engine, dump(bundle), as_of=AS_OF)


# --- refusals: one test per kind, each naming the record and field ------------------------------------------


def _mutate(change: Any) -> str:
    bundle = rich_bundle()
    change(bundle)
    return dump(bundle)


BAD_INPUTS = [
    (
        "string minutes",
        lambda b: b["notes"][0].update(minutes="60"),
        'notes[n1].minutes: must be a whole number >= 0 (got "60")',
    ),
    (
        "negative minutes",
        lambda b: b["notes"][0].update(minutes=-5),
        "notes[n1].minutes: must be a whole number >= 0 (got -5)",
    ),
    (
        "minutes over a day",
        lambda b: b["notes"][0].update(minutes=1441),
        "notes[n1].minutes: must be at most 1440 (one day) (got 1441)",
    ),
    (
        "fractional minutes",
        lambda b: b["notes"][0].update(minutes=12.5),
        "notes[n1].minutes: must be a whole number >= 0 (got 12.5)",
    ),
    (
        "bool fte",
        lambda b: b["staff"][0].update(fte=True),
        "staff[s1].fte: must be a number more than 0 and at most 1 (S-1) (got true)",
    ),
    (
        "fte above 1",
        lambda b: b["staff"][0].update(fte=1.5),
        "staff[s1].fte: must be a number more than 0 and at most 1 (S-1) (got 1.5)",
    ),
    (
        "bool units",
        lambda b: b["authorizations"][0].update(units=False),
        "authorizations[a1].units: must be a whole number >= 0 (got false)",
    ),
    (
        "unknown field",
        lambda b: b["members"][0].update(nickname="Al"),
        "members[m1].nickname: unknown field (not part of a members record)",
    ),
    (
        "unknown top-level key",
        lambda b: b.update(patients=[]),
        "bundle.patients: unknown top-level key (a bundle has format, version, agency, staff, members, "
        "authorizations, pcps, goals, notes, attempts, supervisor_visits, supervision_sessions)",
    ),
    (
        "dangling specialist",
        lambda b: b["members"][0].update(specialist_id="s7"),
        "members[m1].specialist_id: refers to staff 's7', which is neither in the bundle nor in the database",
    ),
    (
        "dangling goal",
        lambda b: b["notes"][0].update(goal_ids=["g1", "g42"]),
        "notes[n1].goal_ids: refers to goal 'g42', which is neither in the bundle nor in the database",
    ),
    (
        "dangling pcp",
        lambda b: b["goals"][0].update(pcp_id="p9"),
        "goals[g1].pcp_id: refers to PCP 'p9', which is neither in the bundle nor in the database",
    ),
    (
        "goal of another member",
        lambda b: b["notes"][0].update(goal_ids=["g3"]),
        "notes[n1].goal_ids: goal 'g3' belongs to a PCP of member 'm2', not of the note's member 'm1' (P-3)",
    ),
    (
        "duplicate ids",
        lambda b: b["attempts"].append(dict(b["attempts"][0])),
        "attempts[t1].id: used by more than one record (items 1, 3)",
    ),
    (
        "impossible date",
        lambda b: b["members"][0].update(admitted_on="2026-02-30"),
        'members[m1].admitted_on: must be a real date written YYYY-MM-DD (got "2026-02-30")',
    ),
    (
        "time out of range",
        lambda b: b["notes"][0].update(start_time="24:00"),
        'notes[n1].start_time: must be a time HH:MM from 00:00 to 23:59 (got "24:00")',
    ),
    (
        "timestamp without offset",
        lambda b: b["attempts"][0].update(at="2026-09-09T09:15:00"),
        "attempts[t1].at: must be an ISO 8601 timestamp with offset, e.g. 2026-09-02T11:30:00-04:00 "
        '(got "2026-09-09T09:15:00")',
    ),
    (
        "vocabulary",
        lambda b: b["notes"][0].update(place="car"),
        'notes[n1].place: must be one of home, community, agency-office, remote, other (got "car")',
    ),
    ("missing required", lambda b: b["notes"][0].pop("date"), "notes[n1].date: missing (required)"),
    (
        "end before start",
        lambda b: b["authorizations"][0].update(end="2026-08-01"),
        "authorizations[a1].end: must be on or after start (2026-09-01) (got 2026-08-01)",
    ),
    (
        "discharge before admission",
        lambda b: b["members"][1].update(discharged_on="2026-05-01"),
        "members[m2].discharged_on: must be on or after admitted_on (2026-06-01) (got 2026-05-01)",
    ),
    (
        "bad consent",
        lambda b: b["notes"][2].update(consent="not-obtained:"),
        'notes[n3].consent: must be "verbal", "written" or "not-obtained: <reason>" (got "not-obtained:")',
    ),
    ("record not an object", lambda b: b["notes"].append("n9"), 'notes[#5]: must be an object (got "n9")'),
    (
        "list not a list",
        lambda b: b.update(supervision_sessions={"id": "ss1"}),
        "supervision_sessions: must be a list of objects (got an object)",
    ),
    (
        "bad time zone",
        lambda b: b["agency"].update(timezone="Mars/Olympus"),
        'agency.timezone: must be an IANA time zone name such as America/New_York (got "Mars/Olympus")',
    ),
    (
        "crisis plan part missing",
        lambda b: b["pcps"][0]["crisis_plan"].pop("coping"),
        "pcps[p1].crisis_plan.coping: missing (required)",
    ),
    # Business refusals the import enforces (rules.md)
    (
        "N-6 future note",
        lambda b: b["notes"][1].update(date="2026-11-23"),
        "notes[n2].date: N-6: 2026-11-23 is in the future (as of 2026-11-22); a note records work that happened",
    ),
    (
        "N-6 before admission",
        lambda b: b["notes"][1].update(date="2026-08-31"),
        "notes[n2].date: N-6: 2026-08-31 is before member 'm1' was admitted (2026-09-01)",
    ),
    (
        "N-6 after discharge",
        lambda b: b["notes"][3].update(date="2026-10-16"),
        "notes[n4].date: N-6: 2026-10-16 is after member 'm2' was discharged (2026-10-15)",
    ),
    (
        "N-2 signed without effectiveness",
        lambda b: b["notes"][0].update(effectiveness="  "),
        "notes[n1].effectiveness: N-2: a signed note needs its effectiveness (got an empty text)",
    ),
    (
        "N-2 signed without goals",
        lambda b: b["notes"][0].update(goal_ids=[]),
        "notes[n1].goal_ids: N-2: a signed note links at least one PCP goal (got none)",
    ),
    (
        "N-5 audio-only without identity",
        lambda b: b["notes"][2].pop("identity_verified"),
        "notes[n3].identity_verified: N-5: a signed audio-only note needs the member's identity verified with two "
        "identifiers (true)",
    ),
    (
        "N-5 audio-only without consent",
        lambda b: b["notes"][2].update(consent=None),
        'notes[n3].consent: N-5: a signed audio-only note needs consent ("verbal", "written" or '
        '"not-obtained: <reason>")',
    ),
]


@pytest.mark.parametrize(
    ("change", "line"), [(c, line) for _, c, line in BAD_INPUTS], ids=[name for name, _, _ in BAD_INPUTS]
)
def test_bad_input_is_refused_with_its_line_and_nothing_changes(
    empty_db: tuple[Engine, Path], change: Any, line: str
) -> None:
    assert refused(*empty_db, _mutate(change)) == [line]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            '{"format": "cpss-bundle",\n "version": 1,\n "staff": [}',
            "bundle: not valid JSON (line 3, column 12: Expecting value)",
        ),
        (
            '{"format": "cpss-bundle", "version": 1, "staff": [{"id": "s1", "fte": NaN}]}',
            "bundle: not valid JSON (NaN is not a JSON value)",
        ),
        ("[]", 'bundle: must be a JSON object with "format": "cpss-bundle" (got a list)'),
        ('{"format": "cpss-bundle", "version": 2}', "bundle.version: must be 1 (got 2)"),
        ('{"format": "cpss-bundle", "version": true}', "bundle.version: must be 1 (got true)"),
        ('{"version": 1}', 'bundle.format: must be "cpss-bundle" (missing)'),
        ('{"format": "cpss", "version": 1}', 'bundle.format: must be "cpss-bundle" (got "cpss")'),
        ('{"format": "cpss-bundle", "version": 1, "version": 1}', "bundle.version: given more than once"),
    ],
)
def test_bad_documents_are_refused(empty_db: tuple[Engine, Path], text: str, line: str) -> None:
    assert refused(*empty_db, text) == [line]


def test_a_supervisor_loop_is_refused_on_every_record_in_it(engine: Engine, db_path: Path) -> None:
    bundle = rich_bundle()
    bundle["staff"][2]["supervisor_id"] = "s1"
    assert refused(engine, db_path, dump(bundle)) == [
        "staff[s1].supervisor_id: the supervisor chain loops back (s1 -> s9 -> s1)",
        "staff[s9].supervisor_id: the supervisor chain loops back (s9 -> s1 -> s9)",
    ]


def test_several_problems_are_all_reported_at_once(engine: Engine, db_path: Path) -> None:
    bundle = rich_bundle()
    bundle["staff"][0]["fte"] = True
    bundle["members"][0]["specialist_id"] = "s7"
    bundle["notes"][0]["minutes"] = -5
    bundle["notes"][1]["date"] = "2026-11-30"
    bundle["attempts"][1]["at"] = "2026-09-11 02:30"
    bundle["goals"][2]["colour"] = "blue"
    problems = refused(engine, db_path, dump(bundle))
    assert problems == [
        "staff[s1].fte: must be a number more than 0 and at most 1 (S-1) (got true)",
        "goals[g3].colour: unknown field (not part of a goals record)",
        "notes[n1].minutes: must be a whole number >= 0 (got -5)",
        "attempts[t2].at: must be an ISO 8601 timestamp with offset, e.g. 2026-09-02T11:30:00-04:00 "
        '(got "2026-09-11 02:30")',
        "members[m1].specialist_id: refers to staff 's7', which is neither in the bundle nor in the database",
        "notes[n2].date: N-6: 2026-11-30 is in the future (as of 2026-11-22); a note records work that happened",
    ]


def test_references_may_point_into_the_database(loaded: Engine) -> None:
    """A later bundle can hold only new notes for members, staff and goals already in the database."""
    bundle = {
        "format": "cpss-bundle",
        "version": 1,
        "notes": [
            {
                "id": "n9",
                "member_id": "m1",
                "staff_id": "s1",
                "date": "2026-11-20",
                "start_time": "13:00",
                "minutes": 30,
                "billable": True,
                "contact_type": "group",
                "place": "agency-office",
                "purpose": "Group",
                "interventions": "Skills",
                "effectiveness": "Good",
                "goal_ids": ["g2"],
                "signed_at": "2026-11-20T14:00:00-05:00",
            }
        ],
    }
    report = import_bundle(loaded, dump(bundle), as_of=AS_OF)
    assert report.counts["notes"].inserted == 1


def test_note_goal_in_database_must_belong_to_the_member(loaded: Engine, db_path: Path) -> None:
    bundle = {
        "format": "cpss-bundle",
        "version": 1,
        "notes": [
            {
                "id": "n9",
                "member_id": "m1",
                "staff_id": "s1",
                "date": "2026-11-20",
                "start_time": "13:00",
                "minutes": 30,
                "billable": True,
                "contact_type": "group",
                "place": "agency-office",
                "goal_ids": ["g3"],
            }
        ],
    }
    assert refused(loaded, db_path, dump(bundle)) == [
        "notes[n9].goal_ids: goal 'g3' belongs to a PCP of member 'm2', not of the note's member 'm1' (P-3)"
    ]


def test_default_as_of_is_today_in_the_agency_zone(engine: Engine) -> None:
    bundle = rich_bundle()
    bundle["notes"][1]["date"] = "2999-01-01"
    with pytest.raises(BundleError) as info:
        import_bundle(engine, dump(bundle))
    assert info.value.problems[0].startswith("notes[n2].date: N-6: 2999-01-01 is in the future (as of ")


# --- export of some members -------------------------------------------------------------------------------


def test_export_of_one_member_carries_what_it_needs(loaded: Engine, tmp_path: Path) -> None:
    text = export_bundle(loaded, ["m2"])
    data = json.loads(text)
    assert [m["id"] for m in data["members"]] == ["m2"]
    assert [s["id"] for s in data["staff"]] == ["s2", "s9"]  # specialist, and the supervisor (visit, chain)
    assert [n["id"] for n in data["notes"]] == ["n4"]
    assert [g["id"] for g in data["goals"]] == ["g3"]
    assert [x["id"] for x in data["supervision_sessions"]] == ["ss2"]
    assert data["attempts"] == [] and [a["id"] for a in data["authorizations"]] == ["a2"]
    other = open_database(tmp_path / "b.db").engine
    try:
        import_bundle(other, text, as_of=AS_OF)
        assert export_bundle(other) == text
    finally:
        other.dispose()


def test_export_of_an_unknown_member_is_refused(loaded: Engine) -> None:
    with pytest.raises(BundleError) as info:
        export_bundle(loaded, ["m1", "nobody"])
    assert info.value.problems == ["members[nobody]: no such member in the database"]


def test_empty_database_exports_empty_lists(engine: Engine) -> None:
    data = json.loads(export_bundle(engine))
    assert data.pop("format") == "cpss-bundle" and data.pop("version") == 1
    assert "agency" not in data and all(v == [] for v in data.values())


# --- the format table stays in step with the schema -------------------------------------------------------


@pytest.mark.parametrize("list_name", list(TABLES))
def test_every_column_is_carried_by_the_bundle(list_name: str) -> None:
    """A column added to a table without adding it to the bundle would be silently lost by export."""
    table_columns = {c.name for c in TABLES[list_name].columns} - {"created_at", "updated_at"}
    assert set(COLUMNS[list_name]) == table_columns


def test_deep_copy_guard() -> None:
    """rich_bundle() returns fresh objects every call (tests mutate them)."""
    a, b = rich_bundle(), rich_bundle()
    a["notes"][0]["minutes"] = 1
    assert b["notes"][0]["minutes"] == 60 and copy.deepcopy(b) == rich_bundle()


def test_report_describes_counts(loaded: Engine) -> None:
    bundle = rich_bundle()
    bundle["agency"]["week_start"] = "sunday"  # W-1: an agency setting travels with the bundle
    report = import_bundle(loaded, dump(bundle), as_of=AS_OF)
    assert report.counts["agency"].updated == 1 and report.updated == 1
    lines = report.describe().splitlines()
    assert lines[0] == "imported: 0 inserted, 1 updated, 24 unchanged"
    assert "  agency: 0 inserted, 1 updated, 2 unchanged" in lines


def test_a_write_between_check_and_apply_makes_the_import_look_again(
    loaded: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plan is re-made inside the write transaction when the database changed since it was checked."""
    from cpss_tui.data import bundle_import

    real = bundle_import._fingerprint
    calls: list[int] = []

    def changing(session: Any) -> Any:
        calls.append(1)
        return (len(calls), real(session))

    monkeypatch.setattr(bundle_import, "_fingerprint", changing)
    bundle = rich_bundle()
    bundle["notes"][1]["minutes"] = 15
    report = import_bundle(loaded, dump(bundle), as_of=AS_OF)
    assert report.counts["notes"].updated == 1 and len(calls) == 3  # read, write (differs), re-plan
    with read_session(loaded) as s:
        assert s.get(Note, "n2").minutes == 15  # type: ignore[union-attr]
