"""A small agency whose billing and quality figures were computed by hand (tests/reports).

Three members, two specialists, March 2026 (agency weeks start on Monday; every week here is past the first 30
days of service, so the week cap is 16 units, U-4):
- m1 (nc-medicaid, authorization PA-1: 2026-03-02..03-31, 20 units) exercises the week cap, the authorization's
  remaining units, a note under one unit, non-billable time, an unsigned note and a note after the authorization.
- m2 (ct-waiver, PA-2: 100 units) exercises the rate ($12.33 a unit) and ct-waiver telephone contact (U-2).
- m3 (nc-wellcare, no authorization) exercises the 24 unmanaged units of the fiscal year (U-6), 16 of them used in
  February, before the period.
"""

from __future__ import annotations

import json
from typing import Any

SIGNED = "2026-04-02T12:00:00-04:00"


def _note(
    nid: str,
    member: str,
    staff: str,
    day: str,
    minutes: int,
    contact: str,
    place: str,
    goal: str,
    *,
    start: str = "09:00",
    signed: bool = True,
    **extra: Any,
) -> dict[str, Any]:
    note = {
        "id": nid,
        "member_id": member,
        "staff_id": staff,
        "date": day,
        "start_time": start,
        "minutes": minutes,
        "billable": True,
        "contact_type": contact,
        "place": place,
        "purpose": f"Purpose of {nid}",
        "interventions": f"Interventions of {nid}",
        "effectiveness": f"Effectiveness of {nid}",
        "goal_ids": [goal],
        "signed_at": SIGNED if signed else None,
    }
    note.update(extra)
    return note


def small_agency_bundle() -> str:
    members = [
        ("m1", "Alex Doe", "111111111A", "nc-medicaid", "s1", "2026-01-05"),
        ("m2", "Bea Roe", "222222222B", "ct-waiver", "s1", "2026-01-05"),
        ("m3", "Cy Poe", "333333333C", "nc-wellcare", "s2", "2025-12-01"),
    ]
    bundle: dict[str, Any] = {
        "format": "cpss-bundle",
        "version": 1,
        "agency": {"name": "Small Agency", "week_start": "monday", "timezone": "America/New_York"},
        "staff": [
            {
                "id": "s9",
                "name": "Sam Super",
                "role": "supervisor",
                "credentials": "LCSW",
                "started_on": "2025-01-06",
                "training_hours": 20,
            },
            {
                "id": "s1",
                "name": "Dana Reyes",
                "role": "specialist",
                "credentials": "NC CPSS",
                "fte": 1.0,
                "supervisor_id": "s9",
                "started_on": "2025-01-06",
                "training_hours": 20,
            },
            {
                "id": "s2",
                "name": "Eli Stone",
                "role": "specialist",
                "credentials": "NC CPSS",
                "fte": 1.0,
                "supervisor_id": "s9",
                "started_on": "2025-01-06",
                "training_hours": 20,
            },
        ],
        "members": [
            {
                "id": mid,
                "name": name,
                "medicaid_id": mcd,
                "birth_date": "1980-01-01",
                "payer": payer,
                "specialist_id": staff,
                "admitted_on": admitted,
                "service_order_date": admitted,
                "discharged_on": None,
                "discharge_reason": None,
            }
            for mid, name, mcd, payer, staff, admitted in members
        ],
        "authorizations": [
            {
                "id": "a1",
                "member_id": "m1",
                "number": "PA-1",
                "start": "2026-03-02",
                "end": "2026-03-31",
                "units": 20,
            },
            {
                "id": "a2",
                "member_id": "m2",
                "number": "PA-2",
                "start": "2026-03-01",
                "end": "2026-03-31",
                "units": 100,
            },
        ],
        "pcps": [
            {
                "id": f"p{i}",
                "member_id": mid,
                "effective": admitted,
                "last_review": admitted,
                "crisis_plan": {"triggers": "t", "coping": "c", "supports": "s", "contacts": "k"},
            }
            for i, (mid, _, _, _, _, admitted) in enumerate(members, 1)
        ],
        "goals": [
            {
                "id": f"g{i}",
                "pcp_id": f"p{i}",
                "text": "My own words",
                "status": "active",
                "interventions": ["Practice together"],
            }
            for i in range(1, 4)
        ],
        "notes": [
            # m1, week of 03-02: 8 + 12 + 4 units against a week cap of 16.
            _note("n1", "m1", "s1", "2026-03-02", 120, "face-to-face", "home", "g1"),  # before the period
            _note("n2", "m1", "s1", "2026-03-03", 180, "telehealth", "remote", "g1"),  # 8 bill, 4 over U-4
            _note("n3", "m1", "s1", "2026-03-04", 60, "face-to-face", "home", "g1"),  # 0 bill, 4 over U-4
            # m1, week of 03-09: the authorization has 20 - 16 = 4 units left.
            _note("n4", "m1", "s1", "2026-03-09", 30, "group", "community", "g1"),  # 2 bill (HQ)
            _note("n5", "m1", "s1", "2026-03-10", 75, "face-to-face", "agency-office", "g1"),  # 2 bill, 3 U-5
            _note("n6", "m1", "s1", "2026-03-11", 14, "face-to-face", "home", "g1"),  # under a unit, U-1
            _note("n7", "m1", "s1", "2026-03-12", 60, "face-to-face", "home", "g1", signed=False),
            _note(
                "n9",
                "m1",
                "s1",
                "2026-03-13",
                60,
                "face-to-face",
                "community",
                "g1",
                billable=False,
                nonbillable_reason="transportation",
            ),
            _note("n8", "m1", "s1", "2026-04-01", 60, "face-to-face", "home", "g1"),  # after PA-1: U-6
            # m2, ct-waiver: 4 units at $12.33; telephone does not bill.
            _note("n10", "m2", "s1", "2026-03-05", 60, "face-to-face", "home", "g2"),
            _note(
                "n11",
                "m2",
                "s1",
                "2026-03-06",
                30,
                "audio-only",
                "remote",
                "g2",
                identity_verified=True,
                consent="verbal",
            ),
            # m3, nc-wellcare, no authorization: 16 unmanaged units in February, 8 left for March.
            _note("n12", "m3", "s2", "2026-02-02", 240, "face-to-face", "home", "g3"),
            _note("n13", "m3", "s2", "2026-03-16", 180, "face-to-face", "agency-office", "g3"),  # 8 + 4 U-6
        ],
    }
    return json.dumps(bundle)
