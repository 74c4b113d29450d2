"""U-6 in SQL: the units outside every authorization, read through the spans between authorizations
(data/queries.py `_uncovered_spans`), are exactly what checking each note against each authorization gives.

The spans are what keeps the statement from reading years of covered notes; this checks them against the rule
stated plainly (rules.units: billable units, fiscal year of the date, "dated outside every authorization")
over random authorizations that overlap, touch, share a start or leave gaps, and notes on their edges.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete

from cpss_tui.data import facts
from cpss_tui.data.db import read_session, write_session
from cpss_tui.data.migrate import open_database
from cpss_tui.data.models import Authorization, Member, Note, Staff
from cpss_tui.data.queries import SessionRunner
from cpss_tui.data.setting_values import profiles_from
from cpss_tui.rules.units import billable_units, fiscal_year_of
from cpss_tui.services.status import unit_policies

BASE = date(2024, 6, 1)
AS_OF = date(2026, 6, 30)
MEMBERS = ("m1", "m2", "m3")  # m3 may have no authorization at all
PAYERS = {"m1": "nc-medicaid", "m2": "nc-wellcare", "m3": "ct-waiver"}  # floor, allowance, midpoint


@pytest.fixture(scope="module")
def spans_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = open_database(Path(tmp_path_factory.mktemp("u6")) / "u6.db").engine
    with write_session(engine) as session:
        session.add(Staff(id="s1", name="Sam Peer", role="specialist", fte=1.0))
        session.flush()
        for member_id in MEMBERS:
            session.add(
                Member(
                    id=member_id,
                    name=f"Member {member_id}",
                    medicaid_id=f"{member_id}00",
                    birth_date=date(1980, 1, 1),
                    payer=PAYERS[member_id],
                    specialist_id="s1",
                    admitted_on=BASE,
                )
            )
    yield engine
    engine.dispose()


day_offsets = st.integers(min_value=0, max_value=800)
authorizations = st.lists(
    st.tuples(st.sampled_from(MEMBERS), day_offsets, st.integers(min_value=0, max_value=120)), max_size=8
)


def notes_around(auth_specs: list[tuple[str, int, int]]) -> st.SearchStrategy[list[tuple[str, int, int, bool, str]]]:
    """Notes on random days and, above all, on the edges of the authorizations (the day before, the first
    day, the last day, the day after), where an off-by-one in a span would show."""
    edges = sorted({e + k for _, s, n in auth_specs for e in (s, s + n) for k in (-1, 0, 1) if e + k >= 0})
    days = st.one_of(day_offsets, st.sampled_from(edges)) if edges else day_offsets
    return st.lists(
        st.tuples(
            st.sampled_from(MEMBERS),
            days,
            st.integers(min_value=0, max_value=200),
            st.booleans(),
            st.sampled_from(["face-to-face", "telehealth", "audio-only", "group", "collateral"]),
        ),
        max_size=25,
    )


def _expected(
    auths: list[tuple[str, date, date]], rows: list[tuple[str, date, int, bool, str]]
) -> dict[str, dict[int, int]]:
    profiles = profiles_from({})
    fy_start = profiles["nc-wellcare"]
    result: dict[str, dict[int, int]] = {}
    for member_id, day, minutes, billable, contact_type in rows:
        if day > AS_OF or any(m == member_id and s <= day <= e for m, s, e in auths):
            continue
        units = billable_units(
            minutes=minutes, billable=billable, contact_type=contact_type, profile=profiles[PAYERS[member_id]]
        )
        if units:
            fy = fiscal_year_of(day, fy_start.fiscal_year_start_month, fy_start.fiscal_year_start_day)
            by_year = result.setdefault(member_id, {})
            by_year[fy] = by_year.get(fy, 0) + units
    return result


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(auth_specs=authorizations, scoped=st.booleans(), data=st.data())
def test_u6_through_spans_equals_each_note_checked_against_each_authorization(
    spans_engine: Engine, auth_specs: list[tuple[str, int, int]], scoped: bool, data: st.DataObject
) -> None:
    note_specs = data.draw(notes_around(auth_specs))
    auths = [(m, BASE + timedelta(days=s), BASE + timedelta(days=s + n)) for m, s, n in auth_specs]
    rows = [(m, BASE + timedelta(days=d), minutes, b, c) for m, d, minutes, b, c in note_specs]
    with write_session(spans_engine) as session:
        session.execute(delete(Note))
        session.execute(delete(Authorization))
        for i, (member_id, start, end) in enumerate(auths):
            session.add(
                Authorization(
                    id=f"a{i}", member_id=member_id, number=f"PA{i}", start_date=start, end_date=end, units=96
                )
            )
        for i, (member_id, day, minutes, billable, contact_type) in enumerate(rows):
            session.add(
                Note(
                    id=f"n{i}",
                    member_id=member_id,
                    staff_id="s1",
                    date=day,
                    start_time="10:00",
                    minutes=minutes,
                    billable=billable,
                    contact_type=contact_type,
                    place="community",
                )
            )
    profiles = profiles_from({})
    wellcare = profiles["nc-wellcare"]
    with read_session(spans_engine) as session:
        got = facts.unauthorized_units_by_fiscal_year(
            SessionRunner(session),
            AS_OF,
            unit_policies(profiles),
            wellcare.fiscal_year_start_month,
            wellcare.fiscal_year_start_day,
            ["s1"] if scoped else None,
        )
    assert got == _expected(auths, rows)
