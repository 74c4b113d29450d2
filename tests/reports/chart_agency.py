"""A hand-built agency for the unit-use charts and the contact calendar (issue 6, items 2 and 3), every figure
computed by hand below. Agency weeks start on Monday, time zone America/New_York; AS_OF is Friday 2026-03-20.

m1 (nc-medicaid, specialist s1) is admitted Wednesday 2026-02-04; authorization a1 runs 2026-02-04..03-31 with
40 units. U-4: days of service 1-30 are 02-04..03-05, so the weeks of 02-02, 02-09, 02-16, 02-23 and 03-02 have
the cap 32 and later weeks 16 (U-3 day cap 16).

| week (Mon) | what                                              | delivered | used after caps (a1)   | C-3       |
|------------|---------------------------------------------------|-----------|------------------------|-----------|
| 02-02      | n1 02-04 300 min (20 u), n2 02-05 180 (12), n3    | 40        | 16 (day cap), 12, 4    | met       |
|            | 02-06 120 (8)                                     |           | (week cap 32) = 32     |           |
| 02-09      | attempts 02-10 and 02-12                          | 0         | 32                     | attempted |
| 02-16      | two attempts, both on 02-17                       | 0         | 32                     | missed    |
| 02-23      | n4 02-24 collateral 60 min (4 units, not direct)  | 4         | 36                     | missed    |
| 03-02 DST  | attempts 03-03 and 03-08 23:30 EDT (03-09 in UTC) | 0         | 36                     | attempted |
| 03-09      | n5 03-10 telehealth 240 (16), n6 03-12 60 (4)     | 20        | 4 (a1 has 4 left), 0   | met       |
| 03-16      | nothing yet (as of 03-20)                          | 0         | 40                     | pending   |

Clocks go forward on Sunday 2026-03-08: the attempt at 2026-03-09T03:30Z is 23:30 EDT on Sunday 03-08, so it
belongs to the week of 03-02 (Monday weeks) or to the week of 03-08 (Sunday weeks), never to 03-09.

m2 (ct-waiver, s1, admitted 2026-01-05) has two notes of s1 in the week of 02-09: audio-only 60 min (0 units:
ct-waiver telephone contact, U-2) and face-to-face 30 min (2 units); and one note of s2 (not s1's).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

AS_OF = date(2026, 3, 20)
SIGNED = "2026-03-20T12:00:00-04:00"


def _note(
    nid: str, member: str, staff: str, day: str, minutes: int, contact: str, goal: str, **extra: Any
) -> dict:
    note = {
        "id": nid,
        "member_id": member,
        "staff_id": staff,
        "date": day,
        "start_time": "09:00",
        "minutes": minutes,
        "billable": True,
        "contact_type": contact,
        "place": "remote" if contact in ("telehealth", "audio-only") else "home",
        "purpose": f"Purpose of {nid}",
        "interventions": f"Interventions of {nid}",
        "effectiveness": f"Effectiveness of {nid}",
        "goal_ids": [goal],
        "signed_at": SIGNED,
    }
    note.update(extra)
    return note


def _attempt(aid: str, at: str) -> dict[str, Any]:
    return {
        "id": aid,
        "member_id": "m1",
        "staff_id": "s1",
        "at": at,
        "method": "phone",
        "outcome": "no-answer",
        "detail": f"Called ({aid})",
    }


def chart_agency_bundle() -> str:
    staff = [
        {"id": "s9", "name": "Sam Super", "role": "supervisor", "credentials": "LCSW"},
        {
            "id": "s1",
            "name": "Dana Reyes",
            "role": "specialist",
            "credentials": "NC CPSS",
            "fte": 1.0,
            "supervisor_id": "s9",
        },
        {
            "id": "s2",
            "name": "Eli Stone",
            "role": "specialist",
            "credentials": "NC CPSS",
            "fte": 1.0,
            "supervisor_id": "s9",
        },
    ]
    members = [
        ("m1", "Alex Doe", "111111111A", "nc-medicaid", "2026-02-04"),
        ("m2", "Bea Roe", "222222222B", "ct-waiver", "2026-01-05"),
    ]
    bundle: dict[str, Any] = {
        "format": "cpss-bundle",
        "version": 1,
        "agency": {"name": "Chart Agency", "week_start": "monday", "timezone": "America/New_York"},
        "staff": staff,
        "members": [
            {
                "id": mid,
                "name": name,
                "medicaid_id": mcd,
                "birth_date": "1980-01-01",
                "payer": payer,
                "specialist_id": "s1",
                "admitted_on": admitted,
                "service_order_date": admitted,
                "discharged_on": None,
                "discharge_reason": None,
            }
            for mid, name, mcd, payer, admitted in members
        ],
        "authorizations": [
            {
                "id": "a1",
                "member_id": "m1",
                "number": "PA-1",
                "start": "2026-02-04",
                "end": "2026-03-31",
                "units": 40,
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
            for i, (mid, _, _, _, admitted) in enumerate(members, 1)
        ],
        "goals": [
            {
                "id": f"g{i}",
                "pcp_id": f"p{i}",
                "text": "My own words",
                "status": "active",
                "interventions": ["Practice together"],
            }
            for i in (1, 2)
        ],
        "notes": [
            _note("n1", "m1", "s1", "2026-02-04", 300, "face-to-face", "g1"),
            _note("n2", "m1", "s1", "2026-02-05", 180, "face-to-face", "g1"),
            _note("n3", "m1", "s1", "2026-02-06", 120, "group", "g1"),
            _note("n4", "m1", "s1", "2026-02-24", 60, "collateral", "g1"),
            _note("n5", "m1", "s1", "2026-03-10", 240, "telehealth", "g1"),
            _note("n6", "m1", "s1", "2026-03-12", 60, "face-to-face", "g1"),
            _note(
                "n7",
                "m2",
                "s1",
                "2026-02-10",
                60,
                "audio-only",
                "g2",
                identity_verified=True,
                consent="verbal",
            ),
            _note("n8", "m2", "s1", "2026-02-11", 30, "face-to-face", "g2"),
            _note("n9", "m2", "s2", "2026-02-12", 60, "face-to-face", "g2"),
        ],
        "attempts": [
            _attempt("t1", "2026-02-10T10:00:00-05:00"),
            _attempt("t2", "2026-02-12T16:30:00-05:00"),
            _attempt("t3", "2026-02-17T09:00:00-05:00"),
            _attempt("t4", "2026-02-17T15:00:00-05:00"),
            _attempt("t5", "2026-03-03T11:00:00-05:00"),
            _attempt("t6", "2026-03-09T03:30:00+00:00"),  # 23:30 EDT on Sunday 03-08
        ],
    }
    return json.dumps(bundle)
