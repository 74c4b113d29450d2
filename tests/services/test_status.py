"""`cpss-tui status --json` against spec/rules.md and spec/interface.md, end to end.

Every test builds a small bundle, imports it with the real importer into a fresh SQLite file, evaluates the
status as of a chosen date and compares exact fields of the interface.md document. Test names carry the rule
id they prove. A few tests go through the real command line (`cpss_tui.cli.run`).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from cpss_tui.cli import run
from cpss_tui.data import settings
from cpss_tui.data.bundle import import_bundle
from cpss_tui.data.db import write_session
from cpss_tui.data.models import ConcurrentService
from cpss_tui.services.status import compute_status, render_status_json, status_json

IMPORT_AS_OF = date(2031, 1, 1)  # "today" for the importer's N-6 check: every dated record is in the past
AS_OF = date(2026, 11, 22)  # a Sunday: the Monday week 2026-11-16 .. 2026-11-22 (interface.md's example)

# --- the document's shape (interface.md), key for key ------------------------------------------------------

TOP_KEYS = {"as_of", "week", "members", "staff", "program"}
WEEK_KEYS = {"start", "end"}
MEMBER_KEYS = {
    "id",
    "specialist_id",
    "active",
    "payer",
    "weekly_contact",
    "previous_week",
    "needs_attention",
    "supervisor_visit",
    "units",
    "pcp",
    "flags",
}
WEEKLY_CONTACT_KEYS = {"status", "direct_contacts", "attempts", "last_direct_contact"}
VISIT_KEYS = {"due", "state", "last"}
UNITS_KEYS = {"today", "week", "authorization", "unauthorized"}
USE_KEYS = {"used", "cap"}
AUTH_KEYS = {"id", "number", "start", "end", "authorized", "used", "remaining", "reauth_due"}
PCP_KEYS = {"state", "review_due"}
SPECIALIST_KEYS = {"id", "role", "fte", "capacity", "active_members", "over_capacity", "supervised_this_week"}
SUPERVISOR_KEYS = {"id", "role", "specialists", "over_span"}
PROGRAM_KEYS = {"active_members", "specialist_fte", "members_per_fte"}


# --- building bundles ----------------------------------------------------------------------------------------


def staff(
    sid: str, role: str = "specialist", fte: float | None = 1.0, supervisor: str | None = "s9"
) -> dict[str, Any]:
    return {
        "id": sid,
        "name": f"Staff {sid}",
        "role": role,
        "credentials": "LCSW" if role == "supervisor" else "NC CPSS",
        "fte": fte if role == "specialist" else None,
        "supervisor_id": supervisor if role == "specialist" else None,
        "started_on": "2026-01-05",
        "training_hours": 20,
    }


def member(mid: str = "m1", **kw: Any) -> dict[str, Any]:
    record = {
        "id": mid,
        "name": f"Member {mid}",
        "medicaid_id": "123456789K",
        "birth_date": "1985-04-02",
        "payer": "nc-medicaid",
        "specialist_id": "s1",
        "admitted_on": "2026-09-01",
        "service_order_date": "2026-08-28",
        "discharged_on": None,
        "discharge_reason": None,
    }
    record.update(kw)
    return record


def authorization(
    aid: str = "a1",
    mid: str = "m1",
    start: str = "2026-09-01",
    end: str = "2026-11-29",
    units: int = 208,
    number: str = "PA-1001",
) -> dict[str, Any]:
    return {"id": aid, "member_id": mid, "number": number, "start": start, "end": end, "units": units}


CRISIS = {"triggers": "crowds", "coping": "walks", "supports": "sister", "contacts": "mobile crisis"}


def pcp(pid: str = "p1", mid: str = "m1", **kw: Any) -> dict[str, Any]:
    record = {
        "id": pid,
        "member_id": mid,
        "effective": "2026-09-01",
        "last_review": "2026-09-01",
        "crisis_plan": dict(CRISIS),
    }
    record.update(kw)
    return record


def goal(
    gid: str = "g1", pid: str = "p1", interventions: list[str] | None = None, **kw: Any
) -> dict[str, Any]:
    record = {
        "id": gid,
        "pcp_id": pid,
        "text": "I want to get my own apartment",
        "status": "active",
        "interventions": ["Practice calling landlords together"] if interventions is None else interventions,
    }
    record.update(kw)
    return record


_note_seq = iter(range(1, 10**9))


def note(
    day: str,
    minutes: int = 60,
    contact_type: str = "face-to-face",
    mid: str = "m1",
    start_time: str = "10:00",
    goal_id: str = "g1",
    **kw: Any,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"n{next(_note_seq)}",
        "member_id": mid,
        "staff_id": "s1",
        "date": day,
        "start_time": start_time,
        "minutes": minutes,
        "billable": True,
        "contact_type": contact_type,
        "place": "remote" if contact_type in ("telehealth", "audio-only") else "community",
        "purpose": "Housing search",
        "interventions": "Practised a call to a landlord",
        "effectiveness": "Made two calls on her own",
        "goal_ids": [goal_id],
        "signed_at": f"{day}T20:00:00-05:00",
    }
    if contact_type == "audio-only":
        record["identity_verified"] = True
        record["consent"] = "verbal"
    record.update(kw)
    return record


def attempt(at: str, mid: str = "m1") -> dict[str, Any]:
    return {
        "id": f"t{next(_note_seq)}",
        "member_id": mid,
        "staff_id": "s1",
        "at": at,
        "method": "phone",
        "outcome": "no-answer",
        "detail": "Called, no answer",
    }


def visit(day: str, mid: str = "m1", supervisor: str = "s9", face_to_face: bool = True) -> dict[str, Any]:
    return {
        "id": f"v{next(_note_seq)}",
        "member_id": mid,
        "supervisor_id": supervisor,
        "date": day,
        "face_to_face": face_to_face,
    }


def session(day: str, specialist: str = "s1", supervisor: str = "s9") -> dict[str, Any]:
    return {
        "id": f"ss{next(_note_seq)}",
        "supervisor_id": supervisor,
        "specialist_id": specialist,
        "date": day,
    }


def bundle(week_start: str = "monday", **lists: Any) -> dict[str, Any]:
    """A minimal valid bundle: supervisor s9, specialist s1 (1.0 FTE), member m1 admitted 2026-09-01 with
    authorization a1 (2026-09-01 .. 2026-11-29, 208 units), PCP p1 with a crisis plan and goal g1 with an
    intervention. Any list given replaces the default one."""
    base: dict[str, Any] = {
        "format": "cpss-bundle",
        "version": 1,
        "agency": {"name": "Hope Peer Services", "week_start": week_start, "timezone": "America/New_York"},
        "staff": [staff("s9", "supervisor"), staff("s1")],
        "members": [member()],
        "authorizations": [authorization()],
        "pcps": [pcp()],
        "goals": [goal()],
        "notes": [],
        "attempts": [],
        "supervisor_visits": [],
        "supervision_sessions": [],
    }
    base.update(lists)
    return base


def load(engine: Engine, data: dict[str, Any]) -> None:
    import_bundle(engine, json.dumps(data), as_of=IMPORT_AS_OF)


def doc(engine: Engine, data: dict[str, Any] | None, as_of: date) -> dict[str, Any]:
    """Import `data` (unless None) and return the status document as of `as_of`, via its JSON text."""
    if data is not None:
        load(engine, data)
    text = render_status_json(compute_status(engine, as_of))
    parsed = json.loads(text)
    assert parsed == status_json(compute_status(engine, as_of))
    return parsed


def mem(document: dict[str, Any], mid: str = "m1") -> dict[str, Any]:
    found = [m for m in document["members"] if m["id"] == mid]
    assert len(found) == 1, f"member {mid} listed {len(found)} times"
    return found[0]


def m1(engine: Engine, data: dict[str, Any], as_of: date) -> dict[str, Any]:
    return mem(doc(engine, data, as_of))


def d(text: str) -> date:
    return date.fromisoformat(text)


def cli_status(db_path: Path, as_of: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    code = run(["--db", str(db_path), "--as-of", as_of, "status", "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def example_bundle() -> dict[str, Any]:
    """interface.md's example member: met this week (2026-11-18), met last week, visit 2026-10-02, 40 units
    of the authorization used, supervised this week."""
    weekly = [
        "2026-09-02",
        "2026-09-09",
        "2026-09-16",
        "2026-09-23",
        "2026-09-30",
        "2026-10-07",
        "2026-10-14",
    ]
    notes = [note(day) for day in [*weekly, "2026-10-21", "2026-11-10", "2026-11-18"]]
    return bundle(
        notes=notes,
        supervisor_visits=[visit("2026-09-25"), visit("2026-10-02")],
        supervision_sessions=[session("2026-11-17")],
    )


# --- document shape (interface.md), W-1, V-5 ---------------------------------------------------------------


def test_interface_example_document_exactly(engine: Engine) -> None:
    """interface.md's example, field for field (C-3, C-4, V-3, U-3..U-5, U-8, P-5, S-1, S-3, S-2)."""
    got = doc(engine, example_bundle(), AS_OF)
    assert got == {
        "as_of": "2026-11-22",
        "week": {"start": "2026-11-16", "end": "2026-11-22"},
        "members": [
            {
                "id": "m1",
                "specialist_id": "s1",
                "active": True,
                "payer": "nc-medicaid",
                "weekly_contact": {
                    "status": "met",
                    "direct_contacts": 1,
                    "attempts": 0,
                    "last_direct_contact": "2026-11-18",
                },
                "previous_week": "met",
                "needs_attention": False,
                "supervisor_visit": {"due": "2026-12-01", "state": "ok", "last": "2026-10-02"},
                "units": {
                    "today": {"used": 0, "cap": 16},
                    "week": {"used": 4, "cap": 16},
                    "authorization": {
                        "id": "a1",
                        "number": "PA-1001",
                        "start": "2026-09-01",
                        "end": "2026-11-29",
                        "authorized": 208,
                        "used": 40,
                        "remaining": 168,
                        "reauth_due": True,
                    },
                    "unauthorized": 0,
                },
                "pcp": {"state": "ok", "review_due": "2027-09-01"},
                "flags": [],
            }
        ],
        "staff": [
            {
                "id": "s1",
                "role": "specialist",
                "fte": 1.0,
                "capacity": 10,
                "active_members": 1,
                "over_capacity": False,
                "supervised_this_week": True,
            },
            {"id": "s9", "role": "supervisor", "specialists": 1, "over_span": False},
        ],
        "program": {"active_members": 1, "specialist_fte": 1.0, "members_per_fte": 1.0},
    }


def _assert_shape(document: dict[str, Any]) -> None:
    assert set(document) == TOP_KEYS
    assert set(document["week"]) == WEEK_KEYS
    assert set(document["program"]) == PROGRAM_KEYS
    for m in document["members"]:
        assert set(m) == MEMBER_KEYS
        assert set(m["weekly_contact"]) == WEEKLY_CONTACT_KEYS
        assert set(m["supervisor_visit"]) == VISIT_KEYS
        assert set(m["units"]) == UNITS_KEYS
        assert set(m["units"]["today"]) == USE_KEYS
        assert set(m["units"]["week"]) == USE_KEYS
        if m["units"]["authorization"] is not None:
            assert set(m["units"]["authorization"]) == AUTH_KEYS
        assert set(m["pcp"]) == PCP_KEYS
        assert isinstance(m["flags"], list)
    for s in document["staff"]:
        assert set(s) == (SPECIALIST_KEYS if s["role"] == "specialist" else SUPERVISOR_KEYS)


def test_interface_shape_key_sets_at_every_level(engine: Engine) -> None:
    data = example_bundle()
    data["members"].append(member("m2", discharged_on="2026-11-10", discharge_reason="goals-met"))
    data["members"].append(member("m3", admitted_on="2026-11-02"))  # no authorization, no PCP
    got = doc(engine, data, AS_OF)
    _assert_shape(got)
    assert mem(got, "m3")["units"]["authorization"] is None
    assert mem(got, "m3")["pcp"] == {"state": "missing", "review_due": None}


def test_interface_members_listed_by_id(engine: Engine) -> None:
    data = bundle(
        members=[member("m2"), member("m10"), member("m1")],
        authorizations=[],
        pcps=[],
        goals=[],
    )
    got = doc(engine, data, AS_OF)
    assert [m["id"] for m in got["members"]] == ["m1", "m10", "m2"]


@pytest.mark.parametrize(
    ("week_start", "as_of", "start", "end"),
    [
        ("monday", "2026-11-16", "2026-11-16", "2026-11-22"),  # Monday: first day
        ("monday", "2026-11-22", "2026-11-16", "2026-11-22"),  # Sunday: last day
        ("sunday", "2026-11-22", "2026-11-22", "2026-11-28"),  # Sunday: first day
        ("sunday", "2026-11-21", "2026-11-15", "2026-11-21"),  # Saturday: last day
    ],
)
def test_w1_week_bounds_in_document(
    engine: Engine, week_start: str, as_of: str, start: str, end: str
) -> None:
    got = doc(engine, bundle(week_start=week_start), d(as_of))
    assert got["as_of"] == as_of
    assert got["week"] == {"start": start, "end": end}


def test_w1_sunday_week_counts_contacts_of_the_sunday_week(engine: Engine) -> None:
    # Sunday weeks: 2026-11-15 (Sun) .. 2026-11-21 (Sat). A note on Sunday 11-15 is this week's, one on
    # Saturday 11-14 last week's.
    data = bundle(week_start="sunday", notes=[note("2026-11-14"), note("2026-11-15")])
    m = m1(engine, data, d("2026-11-18"))
    assert m["weekly_contact"]["status"] == "met"
    assert m["weekly_contact"]["direct_contacts"] == 1
    assert m["previous_week"] == "met"
    assert m["units"]["week"] == {"used": 4, "cap": 16}


def test_v5_discharged_member_listed_inactive_without_visit_state(engine: Engine) -> None:
    data = bundle(
        members=[member(), member("m2", discharged_on="2026-11-10", discharge_reason="goals-met")],
        supervisor_visits=[visit("2026-10-02", mid="m2")],
    )
    got = doc(engine, data, AS_OF)
    m2 = mem(got, "m2")
    assert m2["active"] is False
    assert m2["supervisor_visit"] == {"due": None, "state": None, "last": "2026-10-02"}
    assert m2["needs_attention"] is False
    assert m2["weekly_contact"]["status"] is None  # not active this week (W-2)
    assert m2["previous_week"] == "missed"  # discharged on Tuesday of the week before: active then
    assert mem(got, "m1")["active"] is True
    assert got["program"]["active_members"] == 1
    assert got["staff"][0]["active_members"] == 1


def test_v5_discharged_after_as_of_is_active_then(engine: Engine) -> None:
    """--as-of before the discharge: the member was active on that day."""
    data = bundle(members=[member(discharged_on="2026-12-15", discharge_reason="goals-met")])
    m = m1(engine, data, d("2026-09-20"))
    assert m["active"] is True
    assert m["supervisor_visit"] == {"due": "2026-10-01", "state": "ok", "last": None}


def test_v5_no_visit_due_after_a_recorded_discharge_date(engine: Engine) -> None:
    """V-5: the first visit would be due 2026-10-01, after the discharge on 2026-09-25: none is due."""
    data = bundle(members=[member(discharged_on="2026-09-25", discharge_reason="declined")])
    m = m1(engine, data, d("2026-09-20"))
    assert m["active"] is True
    assert m["supervisor_visit"] == {"due": None, "state": None, "last": None}


def test_w2_discharged_on_as_of_is_not_active(engine: Engine) -> None:
    data = bundle(members=[member(discharged_on="2026-11-18", discharge_reason="goals-met")])
    got = doc(engine, data, d("2026-11-18"))
    assert mem(got)["active"] is False
    assert got["program"]["active_members"] == 0


def test_s1_staff_entries_specialist_and_supervisor_shapes(engine: Engine) -> None:
    data = bundle(staff=[staff("s9", "supervisor"), staff("s1"), staff("s2", fte=0.5)])
    got = doc(engine, data, AS_OF)
    assert got["staff"] == [
        {
            "id": "s1",
            "role": "specialist",
            "fte": 1.0,
            "capacity": 10,
            "active_members": 1,
            "over_capacity": False,
            "supervised_this_week": False,
        },
        {
            "id": "s2",
            "role": "specialist",
            "fte": 0.5,
            "capacity": 5,
            "active_members": 0,
            "over_capacity": False,
            "supervised_this_week": False,
        },
        {"id": "s9", "role": "supervisor", "specialists": 2, "over_span": False},
    ]
    assert got["program"] == {"active_members": 1, "specialist_fte": 1.5, "members_per_fte": 0.67}


def test_s2_program_ratio_counts_active_members_per_specialist_fte(engine: Engine) -> None:
    data = bundle(
        staff=[staff("s9", "supervisor"), staff("s1"), staff("s2", fte=0.5)],
        members=[
            member("m1"),
            member("m2", specialist_id="s2"),
            member("m3", specialist_id="s2"),
            member("m4", discharged_on="2026-10-01", discharge_reason="declined"),
            member("m5", admitted_on="2026-12-01"),  # not yet admitted as of AS_OF
        ],
    )
    got = doc(engine, data, AS_OF)
    assert got["program"] == {"active_members": 3, "specialist_fte": 1.5, "members_per_fte": 2.0}
    assert mem(got, "m5")["active"] is False


def test_s2_program_ratio_null_without_specialist_fte(engine: Engine) -> None:
    data = bundle(staff=[staff("s9", "supervisor"), staff("s1", fte=None)])
    got = doc(engine, data, AS_OF)
    assert got["program"] == {"active_members": 1, "specialist_fte": 0.0, "members_per_fte": None}


# --- C-1..C-3 weekly contact ---------------------------------------------------------------------------------


@pytest.mark.parametrize("contact_type", ["face-to-face", "telehealth", "audio-only", "group"])
def test_c1_c3_one_direct_contact_of_each_type_is_met(engine: Engine, contact_type: str) -> None:
    data = bundle(notes=[note("2026-11-12"), note("2026-11-18", contact_type=contact_type)])
    m = m1(engine, data, AS_OF)
    assert m["weekly_contact"] == {
        "status": "met",
        "direct_contacts": 1,
        "attempts": 0,
        "last_direct_contact": "2026-11-18",
    }
    assert m["needs_attention"] is False


def test_c1_c3_collateral_only_week_is_not_met(engine: Engine) -> None:
    data = bundle(notes=[note("2026-11-10"), note("2026-11-18", contact_type="collateral")])
    m = m1(engine, data, AS_OF)
    assert m["weekly_contact"] == {
        "status": "pending",
        "direct_contacts": 0,
        "attempts": 0,
        "last_direct_contact": "2026-11-10",
    }
    assert m1(engine, data, d("2026-11-23"))["previous_week"] == "missed"


def test_c1_unbillable_direct_contact_still_meets_the_week(engine: Engine) -> None:
    data = bundle(notes=[note("2026-11-18", billable=False, nonbillable_reason="transportation")])
    m = m1(engine, data, AS_OF)
    assert m["weekly_contact"]["status"] == "met"
    assert m["units"]["week"]["used"] == 0


def test_c3_two_attempts_on_two_days_is_attempted(engine: Engine) -> None:
    data = bundle(attempts=[attempt("2026-11-17T09:15:00-05:00"), attempt("2026-11-19T16:00:00-05:00")])
    m = m1(engine, data, AS_OF)
    assert m["weekly_contact"] == {
        "status": "attempted",
        "direct_contacts": 0,
        "attempts": 2,
        "last_direct_contact": None,
    }
    assert m1(engine, data, d("2026-11-23"))["previous_week"] == "attempted"


def test_c3_one_attempt_is_not_attempted(engine: Engine) -> None:
    data = bundle(attempts=[attempt("2026-11-17T09:15:00-05:00")])
    assert m1(engine, data, AS_OF)["weekly_contact"]["status"] == "pending"
    assert m1(engine, data, d("2026-11-23"))["previous_week"] == "missed"


def test_c3_two_attempts_on_the_same_day_pending_then_missed(engine: Engine) -> None:
    data = bundle(attempts=[attempt("2026-11-17T09:15:00-05:00"), attempt("2026-11-17T17:15:00-05:00")])
    m = m1(engine, data, AS_OF)
    assert m["weekly_contact"]["status"] == "pending"
    assert m["weekly_contact"]["attempts"] == 2
    after = m1(engine, data, d("2026-11-23"))
    assert after["previous_week"] == "missed"
    assert after["needs_attention"] is True


def test_c3_three_attempts_two_days_with_min_attempts_three(engine: Engine) -> None:
    data = bundle(
        attempts=[
            attempt("2026-11-17T09:15:00-05:00"),
            attempt("2026-11-17T17:15:00-05:00"),
            attempt("2026-11-18T09:15:00-05:00"),
        ]
    )
    load(engine, data)
    settings.put(engine, "agency.min_attempts", 3)
    assert mem(doc(engine, None, AS_OF))["weekly_contact"]["status"] == "attempted"
    settings.put(engine, "agency.min_attempts", 4)
    assert mem(doc(engine, None, AS_OF))["weekly_contact"]["status"] == "pending"


def test_c3_pending_on_the_last_day_missed_the_day_after(engine: Engine) -> None:
    data = bundle(notes=[note("2026-11-10")])
    last_day = m1(engine, data, d("2026-11-22"))  # Sunday, last day of the week
    assert last_day["weekly_contact"]["status"] == "pending"
    next_day = m1(engine, data, d("2026-11-23"))
    assert next_day["previous_week"] == "missed"
    assert next_day["weekly_contact"]["status"] == "pending"
    assert next_day["needs_attention"] is True


def test_c3_sunday_week_pending_on_saturday_missed_on_sunday(engine: Engine) -> None:
    data = bundle(week_start="sunday")
    assert m1(engine, data, d("2026-11-21"))["weekly_contact"]["status"] == "pending"
    assert m1(engine, None, d("2026-11-22"))["previous_week"] == "missed"


def test_c2_attempts_counted_on_local_days_across_dst_fall_back(engine: Engine) -> None:
    """2026-11-01 (Sunday) is the fall-back day in America/New_York. 03:30Z on Nov 1 is 23:30 EDT on Oct 31;
    04:30Z on Nov 2 is 23:30 EST on Nov 1. Both fall in the Monday week Oct 26 .. Nov 1, on two days, so that
    week is `attempted` (UTC days would put the second in the next week)."""
    data = bundle(attempts=[attempt("2026-11-01T03:30:00+00:00"), attempt("2026-11-02T04:30:00+00:00")])
    during = m1(engine, data, d("2026-11-01"))
    assert during["weekly_contact"]["status"] == "attempted"
    assert during["weekly_contact"]["attempts"] == 2
    after = m1(engine, data, d("2026-11-02"))
    assert after["previous_week"] == "attempted"
    assert after["weekly_contact"]["attempts"] == 0


def test_c2_attempts_1_30_edt_and_1_30_est_are_the_same_day(engine: Engine) -> None:
    """01:30 happens twice on 2026-11-01; both instants are on the one local day Nov 1: not two days."""
    data = bundle(attempts=[attempt("2026-11-01T01:30:00-04:00"), attempt("2026-11-01T01:30:00-05:00")])
    m = m1(engine, data, d("2026-11-02"))
    assert m["previous_week"] == "missed"


def test_c2_attempt_just_after_local_midnight_is_next_week(engine: Engine) -> None:
    """00:30 EST on Monday Nov 2 (05:30Z) is in the week of Nov 2, with one on Tuesday: attempted."""
    data = bundle(attempts=[attempt("2026-11-02T05:30:00+00:00"), attempt("2026-11-03T14:00:00-05:00")])
    m = m1(engine, data, d("2026-11-03"))
    assert m["weekly_contact"]["status"] == "attempted"
    assert m["weekly_contact"]["attempts"] == 2
    assert m["previous_week"] == "missed"


def test_c3_w2_week_before_admission_has_no_status(engine: Engine) -> None:
    data = bundle(members=[member(admitted_on="2026-11-23")], authorizations=[])
    m = m1(engine, data, d("2026-11-23"))
    assert m["previous_week"] is None
    assert m["weekly_contact"]["status"] == "pending"
    assert m["needs_attention"] is True  # pending and no direct contact ever (C-4)


def test_c3_w2_admitted_on_the_weeks_last_day_is_active_that_week(engine: Engine) -> None:
    data = bundle(members=[member(admitted_on="2026-11-22")], authorizations=[])
    assert m1(engine, data, d("2026-11-23"))["previous_week"] == "missed"


def test_c3_w2_not_yet_admitted_as_of_has_no_status(engine: Engine) -> None:
    """Admission later in the week than as_of: as of that day the member is not admitted yet."""
    data = bundle(members=[member(admitted_on="2026-11-20")], authorizations=[])
    m = m1(engine, data, d("2026-11-18"))
    assert m["active"] is False
    assert m["weekly_contact"]["status"] is None
    assert m["previous_week"] is None
    assert m["needs_attention"] is False


def test_c3_w2_discharged_before_the_weeks_first_day(engine: Engine) -> None:
    data = bundle(members=[member(discharged_on="2026-11-13", discharge_reason="goals-met")])
    m = m1(engine, data, d("2026-11-23"))
    assert m["previous_week"] is None
    assert m["weekly_contact"]["status"] is None


def test_c3_w2_discharged_on_the_weeks_first_day_still_has_a_status(engine: Engine) -> None:
    data = bundle(
        members=[member(discharged_on="2026-11-16", discharge_reason="goals-met")],
        notes=[note("2026-11-16")],
    )
    assert m1(engine, data, d("2026-11-23"))["previous_week"] == "met"


# --- C-4 needs attention -------------------------------------------------------------------------------------


def test_c4_pending_with_last_contact_6_days_before_does_not_need_attention(engine: Engine) -> None:
    m = m1(engine, bundle(notes=[note("2026-11-15")]), d("2026-11-21"))
    assert m["weekly_contact"]["status"] == "pending"
    assert m["previous_week"] == "met"
    assert m["needs_attention"] is False


def test_c4_pending_with_last_contact_7_days_before_needs_attention(engine: Engine) -> None:
    m = m1(engine, bundle(notes=[note("2026-11-15")]), d("2026-11-22"))
    assert m["weekly_contact"]["status"] == "pending"
    assert m["previous_week"] == "met"
    assert m["needs_attention"] is True


def test_c4_collateral_is_not_a_last_direct_contact(engine: Engine) -> None:
    data = bundle(notes=[note("2026-11-15"), note("2026-11-20", contact_type="collateral")])
    m = m1(engine, data, d("2026-11-22"))
    assert m["weekly_contact"]["last_direct_contact"] == "2026-11-15"
    assert m["needs_attention"] is True


def test_c4_previous_week_missed_needs_attention_even_when_met(engine: Engine) -> None:
    data = bundle(notes=[note("2026-11-02"), note("2026-11-17")])
    m = m1(engine, data, d("2026-11-18"))
    assert m["weekly_contact"]["status"] == "met"
    assert m["previous_week"] == "missed"
    assert m["needs_attention"] is True


def test_c4_attempted_week_does_not_need_attention(engine: Engine) -> None:
    data = bundle(
        notes=[note("2026-11-12")],
        attempts=[attempt("2026-11-17T09:00:00-05:00"), attempt("2026-11-19T09:00:00-05:00")],
    )
    m = m1(engine, data, d("2026-11-21"))
    assert m["weekly_contact"]["status"] == "attempted"
    assert m["needs_attention"] is False


# --- V-1..V-5 supervisor visits ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "state"),
    [
        ("2026-09-23", "ok"),  # D - as_of = 8
        ("2026-09-24", "due-soon"),  # 7
        ("2026-10-01", "due-soon"),  # 0: due today
        ("2026-10-02", "overdue"),  # as_of = D + 1
    ],
)
def test_v2_v4_first_visit_due_admission_plus_30(engine: Engine, as_of: str, state: str) -> None:
    m = m1(engine, bundle(), d(as_of))
    assert m["supervisor_visit"] == {"due": "2026-10-01", "state": state, "last": None}


def test_v3_visit_on_day_29_makes_next_due_on_day_89(engine: Engine) -> None:
    m = m1(engine, bundle(supervisor_visits=[visit("2026-09-29")]), d("2026-10-05"))
    assert m["supervisor_visit"] == {"due": "2026-11-28", "state": "ok", "last": "2026-09-29"}
    assert (d("2026-11-28") - d("2026-09-01")).days + 1 == 89


def test_v3_early_visit_restarts_the_chain(engine: Engine) -> None:
    m = m1(engine, bundle(supervisor_visits=[visit("2026-09-01")]), d("2026-09-02"))
    assert m["supervisor_visit"] == {"due": "2026-10-31", "state": "ok", "last": "2026-09-01"}


def test_v3_late_visit_restarts_the_chain(engine: Engine) -> None:
    data = bundle(supervisor_visits=[visit("2026-10-10")])
    assert m1(engine, data, d("2026-10-09"))["supervisor_visit"]["state"] == "overdue"
    m = m1(engine, data, d("2026-10-10"))
    assert m["supervisor_visit"] == {"due": "2026-12-09", "state": "ok", "last": "2026-10-10"}


def test_v3_latest_of_several_visits(engine: Engine) -> None:
    data = bundle(supervisor_visits=[visit("2026-09-20"), visit("2026-11-10"), visit("2026-10-15")])
    m = m1(engine, data, AS_OF)
    assert m["supervisor_visit"] == {"due": "2027-01-09", "state": "ok", "last": "2026-11-10"}


@pytest.mark.parametrize(
    ("as_of", "state"),
    [("2026-11-20", "ok"), ("2026-11-21", "due-soon"), ("2026-11-28", "due-soon"), ("2026-11-29", "overdue")],
)
def test_v4_states_around_a_60_day_due_date(engine: Engine, as_of: str, state: str) -> None:
    m = m1(engine, bundle(supervisor_visits=[visit("2026-09-29")]), d(as_of))
    assert m["supervisor_visit"] == {"due": "2026-11-28", "state": state, "last": "2026-09-29"}


def test_v4_due_soon_days_is_an_agency_setting(engine: Engine) -> None:
    load(engine, bundle())
    settings.put(engine, "agency.due_soon_days", 10)
    assert mem(doc(engine, None, d("2026-09-21")))["supervisor_visit"]["state"] == "due-soon"
    assert mem(doc(engine, None, d("2026-09-20")))["supervisor_visit"]["state"] == "ok"


def test_v1_visit_not_face_to_face_does_not_count(engine: Engine) -> None:
    m = m1(engine, bundle(supervisor_visits=[visit("2026-09-20", face_to_face=False)]), d("2026-09-25"))
    assert m["supervisor_visit"] == {"due": "2026-10-01", "state": "due-soon", "last": None}


def test_v1_visit_by_a_specialist_does_not_count(engine: Engine) -> None:
    m = m1(engine, bundle(supervisor_visits=[visit("2026-09-20", supervisor="s1")]), d("2026-09-25"))
    assert m["supervisor_visit"] == {"due": "2026-10-01", "state": "due-soon", "last": None}


def test_v1_visit_before_admission_does_not_count(engine: Engine) -> None:
    m = m1(engine, bundle(supervisor_visits=[visit("2026-08-30")]), d("2026-09-25"))
    assert m["supervisor_visit"] == {"due": "2026-10-01", "state": "due-soon", "last": None}


def test_v1_visit_on_admission_day_counts(engine: Engine) -> None:
    m = m1(engine, bundle(supervisor_visits=[visit("2026-09-01")]), d("2026-09-25"))
    assert m["supervisor_visit"]["last"] == "2026-09-01"


def test_v4_visit_after_as_of_is_ignored(engine: Engine) -> None:
    m = m1(engine, bundle(supervisor_visits=[visit("2026-10-20")]), d("2026-10-10"))
    assert m["supervisor_visit"] == {"due": "2026-10-01", "state": "overdue", "last": None}


# --- U-1..U-5, U-9 units and caps ----------------------------------------------------------------------------


@pytest.mark.parametrize(("minutes", "units"), [(0, 0), (14, 0), (15, 1), (29, 1), (30, 2), (44, 2), (60, 4)])
def test_u1_floor_rounding_by_default(engine: Engine, minutes: int, units: int) -> None:
    m = m1(engine, bundle(notes=[note("2026-11-18", minutes=minutes)]), d("2026-11-18"))
    assert m["units"]["today"] == {"used": units, "cap": 16}
    assert m["units"]["week"] == {"used": units, "cap": 16}
    assert m["units"]["authorization"]["used"] == units


@pytest.mark.parametrize(("minutes", "units"), [(7, 0), (8, 1), (22, 1), (23, 2), (37, 2), (38, 3)])
def test_u1_midpoint_rounding_as_a_profile_override(engine: Engine, minutes: int, units: int) -> None:
    load(engine, bundle(notes=[note("2026-11-18", minutes=minutes)]))
    settings.put(engine, "profile.nc-medicaid", {"rounding": "midpoint"})
    m = mem(doc(engine, None, d("2026-11-18")))
    assert m["units"]["today"]["used"] == units
    assert m["units"]["authorization"]["used"] == units


def test_u1_midpoint_rounding_applies_to_unauthorized_too(engine: Engine) -> None:
    load(engine, bundle(authorizations=[], notes=[note("2026-11-18", minutes=8)]))
    settings.put(engine, "profile.nc-medicaid", {"rounding": "midpoint"})
    assert mem(doc(engine, None, d("2026-11-18")))["units"]["unauthorized"] == 1


def test_u1_units_round_per_note_not_per_day(engine: Engine) -> None:
    notes = [note("2026-11-18", minutes=20), note("2026-11-18", minutes=20, start_time="13:00")]
    m = m1(engine, bundle(notes=notes), d("2026-11-18"))
    assert m["units"]["today"]["used"] == 2


def test_u2_nonbillable_note_gives_no_units(engine: Engine) -> None:
    data = bundle(notes=[note("2026-11-18", minutes=60, billable=False, nonbillable_reason="transportation")])
    m = m1(engine, data, d("2026-11-18"))
    assert m["units"]["today"]["used"] == 0
    assert m["units"]["week"]["used"] == 0
    assert m["units"]["authorization"]["used"] == 0
    assert m["flags"] == []


def test_u2_ct_waiver_telephone_contact_gives_no_units(engine: Engine) -> None:
    data = bundle(
        members=[member(payer="ct-waiver")],
        notes=[note("2026-11-18", contact_type="audio-only"), note("2026-11-17")],
    )
    m = m1(engine, data, d("2026-11-18"))
    assert m["units"]["today"]["used"] == 0
    assert m["units"]["week"]["used"] == 4
    assert m["weekly_contact"]["direct_contacts"] == 2


def test_u3_u9_seventeen_units_in_a_day_count_sixteen_and_flag_over_cap(engine: Engine) -> None:
    data = bundle(notes=[note("2026-11-18", minutes=180), note("2026-11-18", minutes=75, start_time="15:00")])
    m = m1(engine, data, d("2026-11-18"))
    assert m["units"]["today"] == {"used": 17, "cap": 16}
    assert m["units"]["week"] == {"used": 17, "cap": 16}
    assert m["units"]["authorization"]["used"] == 16
    assert m["units"]["authorization"]["remaining"] == 208 - 16
    assert m["flags"] == ["over-cap"]


def test_u3_sixteen_units_in_a_day_is_not_over_cap(engine: Engine) -> None:
    m = m1(engine, bundle(notes=[note("2026-11-18", minutes=240)]), d("2026-11-18"))
    assert m["units"]["today"] == {"used": 16, "cap": 16}
    assert m["units"]["authorization"]["used"] == 16
    assert m["flags"] == []


def test_u3_today_is_only_as_of_day(engine: Engine) -> None:
    data = bundle(notes=[note("2026-11-17", minutes=60), note("2026-11-18", minutes=30)])
    m = m1(engine, data, d("2026-11-18"))
    assert m["units"]["today"] == {"used": 2, "cap": 16}
    assert m["units"]["week"] == {"used": 6, "cap": 16}


def test_u4_u9_week_cap_16_after_the_first_30_days(engine: Engine) -> None:
    days = ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"]
    m = m1(engine, bundle(notes=[note(day, minutes=60) for day in days]), AS_OF)
    assert m["units"]["week"] == {"used": 20, "cap": 16}
    assert m["units"]["authorization"]["used"] == 16
    assert m["units"]["authorization"]["remaining"] == 192
    assert "over-cap" in m["flags"]


def test_u4_week_cap_32_in_the_weeks_holding_the_first_30_days(engine: Engine) -> None:
    # Admitted Saturday 2026-09-05: day 30 is Sunday 2026-10-04 (admission + 29), day 31 Monday 2026-10-05.
    data = bundle(
        members=[member(admitted_on="2026-09-05", service_order_date="2026-09-01")],
        authorizations=[authorization(start="2026-09-05", end="2026-12-03")],
        notes=[note(day, minutes=120) for day in ("2026-09-28", "2026-09-29", "2026-09-30", "2026-10-01")]
        + [note("2026-10-04", minutes=120)],  # 5 x 8 = 40 units
    )
    early = m1(engine, data, d("2026-10-04"))
    assert early["units"]["week"] == {"used": 40, "cap": 32}
    assert early["units"]["authorization"]["used"] == 32
    assert early["flags"] == ["over-cap"]
    later = m1(engine, None, d("2026-10-05"))
    assert later["units"]["week"] == {"used": 0, "cap": 16}
    assert later["units"]["authorization"]["used"] == 32


def test_u4_week_of_admission_has_the_early_cap(engine: Engine) -> None:
    data = bundle(members=[member(admitted_on="2026-11-22", service_order_date="2026-11-20")])
    m = m1(engine, data, d("2026-11-22"))
    assert m["units"]["week"]["cap"] == 32
    assert m1(engine, None, d("2026-12-21"))["units"]["week"]["cap"] == 32  # holds day 30 (Dec 21)
    assert m1(engine, None, d("2026-12-28"))["units"]["week"]["cap"] == 16


def test_u4_early_week_cap_with_sunday_weeks(engine: Engine) -> None:
    # Admitted Saturday 2026-09-05; day 30 = Sunday 2026-10-04 opens a Sunday week: it is still early.
    data = bundle(
        week_start="sunday",
        members=[member(admitted_on="2026-09-05", service_order_date="2026-09-01")],
        authorizations=[authorization(start="2026-09-05", end="2026-12-03")],
    )
    assert m1(engine, data, d("2026-10-10"))["units"]["week"]["cap"] == 32
    assert m1(engine, None, d("2026-10-11"))["units"]["week"]["cap"] == 16


def test_u5_authorization_used_counts_only_notes_inside_it(engine: Engine) -> None:
    data = bundle(
        authorizations=[authorization(start="2026-09-10", end="2026-12-08", units=100)],
        notes=[note("2026-09-08"), note("2026-09-10"), note("2026-11-18")],
    )
    m = m1(engine, data, AS_OF)
    assert m["units"]["authorization"] == {
        "id": "a1",
        "number": "PA-1001",
        "start": "2026-09-10",
        "end": "2026-12-08",
        "authorized": 100,
        "used": 8,
        "remaining": 92,
        "reauth_due": False,
    }
    assert m["units"]["unauthorized"] == 4
    assert "unauthorized" in m["flags"]


def test_u5_u9_authorization_used_up_counts_only_authorized_units(engine: Engine) -> None:
    data = bundle(
        authorizations=[authorization(units=10)],
        notes=[note("2026-11-16", minutes=120), note("2026-11-17", minutes=120)],
    )
    m = m1(engine, data, AS_OF)
    assert m["units"]["authorization"]["used"] == 10
    assert m["units"]["authorization"]["remaining"] == 0
    assert m["units"]["week"] == {"used": 16, "cap": 16}
    assert m["flags"] == ["over-cap"]


def test_u5_week_cap_of_the_week_the_authorization_starts_counts_earlier_notes(engine: Engine) -> None:
    """A new authorization starting mid-week: the week cap is shared with the notes before it that week."""
    data = bundle(
        authorizations=[
            authorization("a1", start="2026-09-01", end="2026-11-18", units=208),
            authorization("a2", start="2026-11-19", end="2027-02-16", units=208, number="PA-1002"),
        ],
        notes=[note("2026-11-17", minutes=180), note("2026-11-19", minutes=120)],
    )
    m = m1(engine, data, d("2026-11-20"))
    assert m["units"]["authorization"]["id"] == "a2"
    assert m["units"]["week"] == {"used": 20, "cap": 16}
    assert m["units"]["authorization"]["used"] == 4
    assert m["flags"] == ["over-cap"]


def test_u5_notes_after_as_of_do_not_count(engine: Engine) -> None:
    data = bundle(notes=[note("2026-11-16"), note("2026-11-19"), note("2026-11-20")])
    m = m1(engine, data, d("2026-11-18"))
    assert m["units"]["today"]["used"] == 0
    assert m["units"]["week"]["used"] == 4
    assert m["units"]["authorization"]["used"] == 4


def test_u5_no_authorization_on_as_of_is_null(engine: Engine) -> None:
    data = bundle(notes=[note("2026-11-18")])
    m = m1(engine, data, d("2026-11-30"))
    assert m["units"]["authorization"] is None
    assert m["units"]["unauthorized"] == 0


def test_u5_authorization_day_limits_are_inclusive(engine: Engine) -> None:
    data = bundle(notes=[note("2026-11-29"), note("2026-11-30")])
    at_end = m1(engine, data, d("2026-11-29"))
    assert at_end["units"]["authorization"]["used"] == 4
    after = m1(engine, None, d("2026-11-30"))
    assert after["units"]["authorization"] is None
    assert after["units"]["unauthorized"] == 4
    assert m1(engine, None, d("2026-09-01"))["units"]["authorization"]["id"] == "a1"


# --- U-6 unauthorized ----------------------------------------------------------------------------------------


def test_u6_billable_units_outside_every_authorization_over_the_whole_history(engine: Engine) -> None:
    data = bundle(
        members=[member(admitted_on="2024-09-01", service_order_date="2024-08-28")],
        authorizations=[authorization(start="2026-09-01", end="2026-11-29")],
        notes=[
            note("2024-09-03", minutes=45),  # 3 units, two years back
            note("2025-03-04", minutes=60),  # 4
            note("2026-11-18", minutes=60),  # inside a1
            note("2025-05-05", minutes=60, billable=False, nonbillable_reason="clerical"),  # 0
        ],
    )
    m = m1(engine, data, AS_OF)
    assert m["units"]["unauthorized"] == 7
    assert m["flags"] == ["unauthorized"]


def test_u6_wellcare_24_unmanaged_units_per_fiscal_year(engine: Engine) -> None:
    # 25 units without authorization in FY 2026 (2026-07-01 .. 2027-06-30): one unit is unauthorized.
    data = bundle(
        members=[member(payer="nc-wellcare", admitted_on="2026-07-01", service_order_date="2026-07-01")],
        authorizations=[],
        notes=[note(f"2026-07-{day:02d}", minutes=60) for day in (6, 7, 8, 9, 10, 13)]
        + [note("2026-07-14", minutes=15)],
    )
    m = m1(engine, data, d("2026-07-20"))
    assert m["units"]["unauthorized"] == 1
    assert m["flags"] == ["unauthorized"]
    assert m["units"]["authorization"] is None


def test_u6_wellcare_24_units_are_allowed(engine: Engine) -> None:
    data = bundle(
        members=[member(payer="nc-wellcare", admitted_on="2026-07-01", service_order_date="2026-07-01")],
        authorizations=[],
        notes=[note(f"2026-07-{day:02d}", minutes=60) for day in (6, 7, 8, 9, 10, 13)],
    )
    m = m1(engine, data, d("2026-07-20"))
    assert m["units"]["unauthorized"] == 0
    assert m["flags"] == []


def test_u6_wellcare_allowance_resets_on_july_1(engine: Engine) -> None:
    # 20 units in June 2026 (FY 2025) and 20 in July 2026 (FY 2026): each year under 24.
    data = bundle(
        members=[member(payer="nc-wellcare", admitted_on="2026-06-01", service_order_date="2026-06-01")],
        authorizations=[],
        notes=[note(f"2026-06-{day:02d}", minutes=60) for day in (22, 23, 24, 25, 30)]
        + [note(f"2026-07-{day:02d}", minutes=60) for day in (1, 2, 6, 7, 8)],
    )
    assert m1(engine, data, d("2026-07-20"))["units"]["unauthorized"] == 0


def test_u6_wellcare_allowance_is_per_fiscal_year_not_carried(engine: Engine) -> None:
    # 28 units in FY 2025 (4 over) and 26 in FY 2026 (2 over): 6 unauthorized.
    data = bundle(
        members=[member(payer="nc-wellcare", admitted_on="2026-06-01", service_order_date="2026-06-01")],
        authorizations=[],
        notes=[note(f"2026-06-{day:02d}", minutes=60) for day in (15, 16, 17, 18, 19, 22, 23)]
        + [note(f"2026-07-{day:02d}", minutes=60) for day in (1, 2, 6, 7, 8, 9)]
        + [note("2026-07-10", minutes=30)],
    )
    assert m1(engine, data, d("2026-07-20"))["units"]["unauthorized"] == 6


def test_u6_wellcare_fiscal_year_start_day_is_a_profile_setting(engine: Engine) -> None:
    # Fiscal year from July 15: 12 units on July 6-8 belong to FY 2025 with 16 June units (28: 4 over);
    # 12 units from July 15 are FY 2026 (under 24).
    data = bundle(
        members=[member(payer="nc-wellcare", admitted_on="2026-06-01", service_order_date="2026-06-01")],
        authorizations=[],
        notes=[note(f"2026-06-{day:02d}", minutes=60) for day in (22, 23, 24, 25)]
        + [note(f"2026-07-{day:02d}", minutes=60) for day in (6, 7, 8, 15, 16, 17)],
    )
    assert m1(engine, data, d("2026-07-20"))["units"]["unauthorized"] == 0
    settings.put(engine, "profile.nc-wellcare", {"fiscal_year_start_day": 15})
    assert mem(doc(engine, None, d("2026-07-20")))["units"]["unauthorized"] == 4


def test_u9_over_cap_without_an_authorization(engine: Engine) -> None:
    data = bundle(authorizations=[], notes=[note("2026-11-18", minutes=300)])
    m = m1(engine, data, d("2026-11-18"))
    assert m["units"]["today"] == {"used": 20, "cap": 16}
    assert m["units"]["unauthorized"] == 20  # U-6 counts billable time before caps
    assert sorted(m["flags"]) == ["over-cap", "unauthorized"]


def test_u6_medicaid_has_no_unmanaged_allowance(engine: Engine) -> None:
    data = bundle(authorizations=[], notes=[note("2026-11-18", minutes=15)])
    m = m1(engine, data, d("2026-11-18"))
    assert m["units"]["unauthorized"] == 1
    assert m["flags"] == ["unauthorized"]


def test_u6_notes_after_as_of_are_not_unauthorized_yet(engine: Engine) -> None:
    data = bundle(authorizations=[], notes=[note("2026-11-18")])
    assert m1(engine, data, d("2026-11-17"))["units"]["unauthorized"] == 0
    assert m1(engine, None, d("2026-11-18"))["units"]["unauthorized"] == 4


# --- U-8 reauthorization -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "due"),
    [("2026-11-14", False), ("2026-11-15", True), ("2026-11-29", True)],
)
def test_u8_reauth_due_within_14_days_of_the_end(engine: Engine, as_of: str, due: bool) -> None:
    m = m1(engine, bundle(), d(as_of))
    assert m["units"]["authorization"]["reauth_due"] is due
    assert "reauth-due" not in m["flags"]  # reported in the authorization, as interface.md's example


def test_u8_no_reauth_due_with_a_later_authorization(engine: Engine) -> None:
    data = bundle(
        authorizations=[
            authorization(),
            authorization("a2", start="2026-11-30", end="2027-02-27", number="PA-1002"),
        ]
    )
    m = m1(engine, data, d("2026-11-20"))
    assert m["units"]["authorization"]["id"] == "a1"
    assert m["units"]["authorization"]["reauth_due"] is False


def test_u8_another_members_later_authorization_does_not_count(engine: Engine) -> None:
    data = bundle(
        members=[member(), member("m2")],
        authorizations=[
            authorization(),
            authorization("a2", mid="m2", start="2026-11-30", end="2027-02-27", number="PA-2002"),
        ],
    )
    assert m1(engine, data, d("2026-11-20"))["units"]["authorization"]["reauth_due"] is True


# --- P-1, P-2, P-5 person-centered plan -------------------------------------------------------------------


def test_p1_missing_pcp(engine: Engine) -> None:
    m = m1(engine, bundle(pcps=[], goals=[]), AS_OF)
    assert m["pcp"] == {"state": "missing", "review_due": None}


def test_p1_pcp_effective_after_as_of_is_missing(engine: Engine) -> None:
    m = m1(engine, bundle(pcps=[pcp(effective="2026-12-01", last_review=None)], goals=[]), AS_OF)
    assert m["pcp"] == {"state": "missing", "review_due": None}


def test_p1_pcp_without_goals_is_incomplete(engine: Engine) -> None:
    m = m1(engine, bundle(goals=[]), AS_OF)
    assert m["pcp"] == {"state": "incomplete", "review_due": "2027-09-01"}


def test_p1_goal_without_interventions_is_incomplete(engine: Engine) -> None:
    m = m1(engine, bundle(goals=[goal(), goal("g2", interventions=[])]), AS_OF)
    assert m["pcp"] == {"state": "incomplete", "review_due": "2027-09-01"}


def test_p1_discontinued_goal_without_interventions_does_not_matter(engine: Engine) -> None:
    data = bundle(goals=[goal(), goal("g2", interventions=[], status="discontinued")])
    assert m1(engine, data, AS_OF)["pcp"]["state"] == "ok"


def test_p1_pcp_whose_goals_are_all_closed_is_incomplete(engine: Engine) -> None:
    """P-1/P-4 reading: a plan needs a current (active or revised) goal to work on."""
    data = bundle(goals=[goal(status="achieved"), goal("g2", status="discontinued")])
    assert m1(engine, data, AS_OF)["pcp"]["state"] == "incomplete"


def test_p1_revised_goal_is_current(engine: Engine) -> None:
    assert m1(engine, bundle(goals=[goal(status="revised")]), AS_OF)["pcp"]["state"] == "ok"


def test_p2_pcp_without_crisis_plan_is_incomplete(engine: Engine) -> None:
    m = m1(engine, bundle(pcps=[pcp(crisis_plan=None)]), AS_OF)
    assert m["pcp"] == {"state": "incomplete", "review_due": "2027-09-01"}


def test_p2_crisis_plan_with_an_empty_part_is_incomplete(engine: Engine) -> None:
    plan = {**CRISIS, "contacts": None}
    assert m1(engine, bundle(pcps=[pcp(crisis_plan=plan)]), AS_OF)["pcp"]["state"] == "incomplete"


@pytest.mark.parametrize(
    ("as_of", "state"),
    [
        ("2027-08-01", "ok"),  # 31 days before
        ("2027-08-02", "review-due-soon"),  # 30 days before
        ("2027-09-01", "review-due-soon"),  # due today
        ("2027-09-02", "review-overdue"),
    ],
)
def test_p5_review_due_365_days_after_last_review(engine: Engine, as_of: str, state: str) -> None:
    m = m1(engine, bundle(), d(as_of))
    assert m["pcp"] == {"state": state, "review_due": "2027-09-01"}


def test_p5_never_reviewed_counts_from_effective(engine: Engine) -> None:
    m = m1(engine, bundle(pcps=[pcp(effective="2026-09-03", last_review=None)]), AS_OF)
    assert m["pcp"] == {"state": "ok", "review_due": "2027-09-03"}


def test_p5_latest_pcp_effective_on_or_before_as_of_is_current(engine: Engine) -> None:
    data = bundle(
        pcps=[pcp(), pcp("p2", effective="2026-11-01", last_review="2026-11-01", crisis_plan=None)],
        goals=[goal(), goal("g2", pid="p2")],
    )
    assert m1(engine, data, AS_OF)["pcp"] == {"state": "incomplete", "review_due": "2027-11-01"}
    assert m1(engine, None, d("2026-10-31"))["pcp"] == {"state": "ok", "review_due": "2027-09-01"}


# --- S-1..S-4 staffing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("fte", "capacity"), [(1.0, 10), (0.5, 5), (0.75, 7), (0.7, 7)])
def test_s1_capacity_is_floor_of_ten_times_fte(engine: Engine, fte: float, capacity: int) -> None:
    got = doc(engine, bundle(staff=[staff("s9", "supervisor"), staff("s1", fte=fte)]), AS_OF)
    s1 = next(s for s in got["staff"] if s["id"] == "s1")
    assert s1["capacity"] == capacity
    assert s1["fte"] == fte


@pytest.mark.parametrize(("members", "over"), [(5, False), (6, True)])
def test_s1_s2_over_capacity(engine: Engine, members: int, over: bool) -> None:
    data = bundle(
        staff=[staff("s9", "supervisor"), staff("s1", fte=0.5)],
        members=[member(f"m{i}") for i in range(1, members + 1)]
        + [member("m99", discharged_on="2026-10-01", discharge_reason="declined")],
    )
    s1 = next(s for s in doc(engine, data, AS_OF)["staff"] if s["id"] == "s1")
    assert s1["active_members"] == members
    assert s1["over_capacity"] is over


@pytest.mark.parametrize(
    ("sessions", "supervised"),
    [
        (["2026-11-16"], True),  # first day of the week
        (["2026-11-22"], True),  # last day, = as_of
        (["2026-11-15"], False),  # last week
        ([], False),
    ],
)
def test_s4_supervised_this_week(engine: Engine, sessions: list[str], supervised: bool) -> None:
    got = doc(engine, bundle(supervision_sessions=[session(day) for day in sessions]), AS_OF)
    assert got["staff"][0]["supervised_this_week"] is supervised


def test_s4_session_after_as_of_is_ignored(engine: Engine) -> None:
    got = doc(engine, bundle(supervision_sessions=[session("2026-11-20")]), d("2026-11-18"))
    assert got["staff"][0]["supervised_this_week"] is False


def test_s4_session_with_another_specialist_does_not_count(engine: Engine) -> None:
    data = bundle(
        staff=[staff("s9", "supervisor"), staff("s1"), staff("s2")],
        supervision_sessions=[session("2026-11-18", specialist="s2")],
    )
    got = doc(engine, data, AS_OF)
    assert [s["supervised_this_week"] for s in got["staff"] if s["role"] == "specialist"] == [False, True]


@pytest.mark.parametrize(("count", "over"), [(8, False), (9, True)])
def test_s3_supervisor_over_span(engine: Engine, count: int, over: bool) -> None:
    specialists = [staff(f"s{i}") for i in range(1, count + 2) if i != 9]
    got = doc(engine, bundle(staff=[staff("s9", "supervisor"), *specialists]), AS_OF)
    s9 = next(s for s in got["staff"] if s["id"] == "s9")
    assert s9 == {"id": "s9", "role": "supervisor", "specialists": count, "over_span": over}


# --- flags: M-1, M-2, N-7, U-6, U-9 ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payer", "birth", "epsdt", "flagged"),
    [
        ("nc-medicaid", "2006-09-02", False, True),  # 19 at admission 2026-09-01
        ("nc-medicaid", "2005-09-02", False, True),  # 20: one day short of 21
        ("nc-medicaid", "2005-09-01", False, False),  # 21 on the admission date
        ("nc-medicaid", "2005-09-02", True, False),  # 20 with EPSDT
        ("nc-state", "2008-09-01", False, False),  # 18 on the admission date
        ("nc-state", "2008-09-02", False, True),  # 17
        ("nc-state", "2008-09-02", True, True),  # EPSDT is Medicaid's, not state-funded
        ("nc-wellcare", "2005-09-02", False, True),  # 20
        ("la-lhcc", "2005-09-02", False, True),  # 20
        ("la-lhcc", "2005-09-02", True, False),  # rules.md M-1: la-lhcc "unless EPSDT is recorded"
        ("ct-waiver", "2008-09-01", False, False),  # 18
    ],
)
def test_m1_age_flag(engine: Engine, payer: str, birth: str, epsdt: bool, flagged: bool) -> None:
    data = bundle(members=[member(payer=payer, birth_date=birth, epsdt=epsdt)])
    assert m1(engine, data, AS_OF)["flags"] == (["age"] if flagged else [])


def test_n7_note_before_service_order_is_flagged(engine: Engine) -> None:
    data = bundle(
        members=[member(service_order_date="2026-09-05")],
        notes=[note("2026-09-02"), note("2026-09-09")],
    )
    assert m1(engine, data, AS_OF)["flags"] == ["before-service-order"]


def test_n7_note_on_the_service_order_date_is_not_flagged(engine: Engine) -> None:
    data = bundle(members=[member(service_order_date="2026-09-05")], notes=[note("2026-09-05")])
    assert m1(engine, data, AS_OF)["flags"] == []


def test_n7_note_after_as_of_is_not_flagged_yet(engine: Engine) -> None:
    data = bundle(members=[member(service_order_date="2026-09-05")], notes=[note("2026-09-02")])
    assert m1(engine, data, d("2026-09-01"))["flags"] == []
    assert m1(engine, None, d("2026-09-02"))["flags"] == ["before-service-order"]


def _add_concurrent(engine: Engine, service: str, start: date, end: date | None) -> None:
    with write_session(engine) as s:
        s.add(ConcurrentService(member_id="m1", service=service, start_date=start, end_date=end))


@pytest.mark.parametrize("service", ["actt", "cst", "psr"])
def test_m2_concurrent_service_in_the_authorization_period_is_flagged(engine: Engine, service: str) -> None:
    load(engine, bundle())
    _add_concurrent(engine, service, d("2026-11-01"), None)
    assert mem(doc(engine, None, AS_OF))["flags"] == ["concurrent-service"]


def test_m2_concurrent_service_outside_the_authorization_period_is_not_flagged(engine: Engine) -> None:
    load(engine, bundle())
    _add_concurrent(engine, "actt", d("2026-06-01"), d("2026-08-31"))
    _add_concurrent(engine, "psr", d("2026-11-30"), None)
    assert mem(doc(engine, None, AS_OF))["flags"] == []


def test_m2_ct_waiver_allows_a_30_day_transition_from_act(engine: Engine) -> None:
    load(engine, bundle(members=[member(payer="ct-waiver")]))
    _add_concurrent(engine, "act", d("2026-08-01"), d("2026-09-30"))  # 30 days of overlap with a1
    assert mem(doc(engine, None, AS_OF))["flags"] == []
    _add_concurrent(engine, "csp", d("2026-08-01"), d("2026-10-01"))  # 31 days
    assert mem(doc(engine, None, AS_OF))["flags"] == ["concurrent-service"]


def test_flags_several_findings_together(engine: Engine) -> None:
    data = bundle(
        members=[member(birth_date="2006-01-01", service_order_date="2026-09-05")],
        authorizations=[authorization(start="2026-09-10", end="2026-12-08")],
        notes=[note("2026-09-02"), note("2026-11-18", minutes=300)],
    )
    flags = m1(engine, data, d("2026-11-18"))["flags"]
    assert sorted(flags) == ["age", "before-service-order", "over-cap", "unauthorized"]


# --- --as-of in the past -------------------------------------------------------------------------------------


def _history(later: bool) -> dict[str, Any]:
    notes = [note("2026-09-02"), note("2026-09-10", minutes=300), note("2026-09-15")]
    attempts = [attempt("2026-09-14T10:00:00-04:00")]
    visits = [visit("2026-09-12")]
    sessions = [session("2026-09-14")]
    if later:
        notes += [note("2026-09-17"), note("2026-09-21"), note("2026-10-01", minutes=600)]
        attempts += [attempt("2026-09-17T10:00:00-04:00"), attempt("2026-09-25T10:00:00-04:00")]
        visits += [visit("2026-09-20")]
        sessions += [session("2026-09-18")]
    return bundle(notes=notes, attempts=attempts, supervisor_visits=visits, supervision_sessions=sessions)


def test_as_of_in_the_past_ignores_later_notes_visits_attempts_sessions(
    engine: Engine, tmp_path: Path
) -> None:
    from cpss_tui.data.migrate import open_database

    as_of = d("2026-09-16")
    with_later = doc(engine, _history(later=True), as_of)
    other = open_database(tmp_path / "without.db").engine
    try:
        without = doc(other, _history(later=False), as_of)
    finally:
        other.dispose()
    assert with_later == without
    m = mem(with_later)
    assert m["weekly_contact"] == {
        "status": "met",
        "direct_contacts": 1,
        "attempts": 1,
        "last_direct_contact": "2026-09-15",
    }
    assert m["supervisor_visit"] == {"due": "2026-11-11", "state": "ok", "last": "2026-09-12"}
    assert m["units"]["week"] == {"used": 4, "cap": 32}
    assert m["units"]["authorization"]["used"] == 4 + 16 + 4
    assert with_later["staff"][0]["supervised_this_week"] is True


# --- the command line ------------------------------------------------------------------------------------


def test_cli_status_json_matches_compute_status(
    engine: Engine, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load(engine, example_bundle())
    expected = status_json(compute_status(engine, AS_OF))
    engine.dispose()
    got = cli_status(db_path, "2026-11-22", capsys)
    assert got == expected
    _assert_shape(got)
    assert got["as_of"] == "2026-11-22"


def test_cli_import_then_status_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cli.db"
    source = tmp_path / "bundle.json"
    data = example_bundle()
    data["members"].append(member("m2", discharged_on="2026-11-10", discharge_reason="goals-met"))
    source.write_text(json.dumps(data), encoding="utf-8")
    assert run(["--db", str(db), "--as-of", "2026-11-22", "import", str(source)]) == 0
    got = cli_status(db, "2026-11-22", capsys)
    _assert_shape(got)
    assert [m["id"] for m in got["members"]] == ["m1", "m2"]
    assert mem(got)["weekly_contact"]["status"] == "met"
    assert mem(got, "m2")["active"] is False
    assert mem(got, "m2")["supervisor_visit"]["state"] is None


def test_cli_c3_previous_week_missed_the_day_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cli.db"
    source = tmp_path / "bundle.json"
    source.write_text(json.dumps(bundle(notes=[note("2026-11-10")])), encoding="utf-8")
    assert run(["--db", str(db), "--as-of", "2026-11-22", "import", str(source)]) == 0
    sunday = cli_status(db, "2026-11-22", capsys)
    assert mem(sunday)["weekly_contact"]["status"] == "pending"
    monday = cli_status(db, "2026-11-23", capsys)
    assert monday["week"] == {"start": "2026-11-23", "end": "2026-11-29"}
    assert mem(monday)["previous_week"] == "missed"
    assert mem(monday)["needs_attention"] is True


def test_cli_status_json_on_an_empty_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    got = cli_status(tmp_path / "empty.db", "2026-11-22", capsys)
    assert got == {
        "as_of": "2026-11-22",
        "week": {"start": "2026-11-16", "end": "2026-11-22"},
        "members": [],
        "staff": [],
        "program": {"active_members": 0, "specialist_fte": 0.0, "members_per_fte": None},
    }


def test_cli_status_table_runs(engine: Engine, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    load(engine, example_bundle())
    engine.dispose()
    assert run(["--db", str(db_path), "--as-of", "2026-11-22", "status"]) == 0
    assert "m1" in capsys.readouterr().out
