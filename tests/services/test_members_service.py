"""Members service on a real SQLite file: intake (M-1, M-2, M-4, S-2), authorizations (U-7), discharge (M-3)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select

from cpss_tui.data.db import read_session, write_session
from cpss_tui.data.models import Authorization, ConcurrentService, Member, Staff
from cpss_tui.services import members
from cpss_tui.services.refusals import RecordRefused

AS_OF = date(2026, 11, 22)


def _staff(engine: Engine, name: str, role: str = "specialist", fte: float | None = 1.0) -> str:
    row = Staff(name=name, role=role, credentials="NC CPSS" if role == "specialist" else "LCSW", fte=fte)
    with write_session(engine, actor=row.id) as session:
        session.add(row)
    return row.id


def _intake(engine: Engine, specialist: str, n: int = 0, **overrides: object) -> members.MemberIntakeResult:
    fields: dict[str, object] = {
        "name": f"Member {n}",
        "medicaid_id": f"MCD{n:05d}",
        "birth_date": "1980-05-05",
        "payer": "nc-medicaid",
        "specialist_id": specialist,
        "admitted_on": "2026-09-01",
        "service_order_date": "2026-08-30",
        "epsdt": False,
        "family_member": False,
        "concurrent": [],
        "as_of": AS_OF,
    }
    fields.update(overrides)
    return members.intake_member(engine, specialist, **fields)  # type: ignore[arg-type]


def _refused(excinfo: pytest.ExceptionInfo[RecordRefused]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in excinfo.value.problems:
        out.setdefault(p.rule, []).append(f"{p.field}: {p.message}")
    return out


def _members(engine: Engine) -> int:
    with read_session(engine) as session:
        return len(session.scalars(select(Member)).all())


# --- intake -----------------------------------------------------------------------------------------------------


def test_intake_saves_member_and_concurrent_services(engine: Engine) -> None:
    dana = _staff(engine, "Dana Reyes")
    result = _intake(engine, dana, concurrent=[("psr", "2025-01-01", "2025-06-30")])
    assert result.warnings == []
    with read_session(engine) as session:
        m = session.get(Member, result.member_id)
        assert m is not None and m.name == "Member 0" and m.admitted_on == date(2026, 9, 1)
        services = session.scalars(select(ConcurrentService)).all()
        assert [(s.service, s.start_date, s.end_date) for s in services] == [
            ("psr", date(2025, 1, 1), date(2025, 6, 30))
        ]


def test_intake_refuses_missing_and_invalid_fields_with_every_problem(engine: Engine) -> None:
    dana = _staff(engine, "Dana Reyes")
    with pytest.raises(RecordRefused) as excinfo:
        _intake(
            engine, dana, name=" ", medicaid_id="", birth_date="1980-02-30", admitted_on="9/1/2026", payer="x"
        )
    fields = {p.field for p in excinfo.value.problems}
    assert {"name", "medicaid_id", "birth_date", "admitted_on", "payer"} <= fields
    assert all(p.rule in p.message for p in excinfo.value.problems)
    assert _members(engine) == 0


def test_S2_eleventh_member_refused_for_full_time_specialist(engine: Engine) -> None:
    dana = _staff(engine, "Dana Reyes", fte=1.0)
    for n in range(10):
        _intake(engine, dana, n)
    with pytest.raises(RecordRefused) as excinfo:
        _intake(engine, dana, 10)
    (message,) = _refused(excinfo)["S-2"]
    assert "Dana Reyes already serves 10 active members, the limit for 1.0 FTE" in message
    assert "1:10" in message and message.startswith("specialist:")
    assert _members(engine) == 10


def test_S2_sixth_member_refused_for_half_time_specialist(engine: Engine) -> None:
    sam = _staff(engine, "Sam Ortiz", fte=0.5)
    for n in range(5):
        _intake(engine, sam, n)
    with pytest.raises(RecordRefused) as excinfo:
        _intake(engine, sam, 5)
    (message,) = _refused(excinfo)["S-2"]
    assert "already serves 5 active members, the limit for 0.5 FTE" in message and "1:10" in message


def test_S2_discharged_and_future_members_and_reassignment(engine: Engine) -> None:
    sam = _staff(engine, "Sam Ortiz", fte=0.5)
    dana = _staff(engine, "Dana Reyes", fte=1.0)
    ids = [_intake(engine, sam, n).member_id for n in range(5)]
    assert members.active_caseload(engine, sam, AS_OF) == 5
    members.discharge_member(
        engine,
        sam,
        member_id=ids[0],
        discharged_on=AS_OF,
        reason="goals-met",
        continuing_care_plan="",
        as_of=AS_OF,
    )
    assert members.active_caseload(engine, sam, AS_OF) == 4
    _intake(engine, sam, 5)  # the freed slot
    # S-2 again on reassignment: moving one of Dana's members to Sam (at 5/5) is refused.
    moved = _intake(engine, dana, 6).member_id
    details = members.member_details(engine, moved)
    assert details is not None
    with pytest.raises(RecordRefused) as excinfo:
        members.update_member(
            engine,
            dana,
            member_id=moved,
            name=details.name,
            medicaid_id=details.medicaid_id,
            birth_date=details.birth_date,
            payer=details.payer,
            specialist_id=sam,
            admitted_on=details.admitted_on,
            service_order_date=details.service_order_date,
            epsdt=False,
            family_member=False,
            as_of=AS_OF,
        )
    assert "S-2" in _refused(excinfo)


def test_M4_family_member_refused(engine: Engine) -> None:
    dana = _staff(engine, "Dana Reyes")
    with pytest.raises(RecordRefused) as excinfo:
        _intake(engine, dana, family_member=True)
    (message,) = _refused(excinfo)["M-4"]
    assert message.startswith("family_member:") and "family member" in message
    assert _members(engine) == 0


def test_M4_family_member_refused_on_edit(engine: Engine) -> None:
    dana = _staff(engine, "Dana Reyes")
    member_id = _intake(engine, dana).member_id
    with pytest.raises(RecordRefused) as excinfo:
        members.update_member(
            engine,
            dana,
            member_id=member_id,
            name="Renamed",
            medicaid_id="MCD00000",
            birth_date="1980-05-05",
            payer="nc-medicaid",
            specialist_id=dana,
            admitted_on="2026-09-01",
            service_order_date="2026-08-30",
            epsdt=False,
            family_member=True,
            as_of=AS_OF,
        )
    assert "M-4" in _refused(excinfo)
    with read_session(engine) as session:
        assert session.get(Member, member_id).name == "Member 0"  # type: ignore[union-attr]


def test_M1_age_20_flagged_under_nc_medicaid(engine: Engine) -> None:
    dana = _staff(engine, "Dana Reyes")
    result = _intake(engine, dana, birth_date="2006-01-01")
    assert [w.rule for w in result.warnings] == ["M-1"]
    assert "Age 20" in result.warnings[0].message and result.warnings[0].field == "birth_date"
    assert _members(engine) == 1  # flagged, saved anyway


def test_M1_age_20_with_epsdt_not_flagged(engine: Engine) -> None:
    dana = _staff(engine, "Dana Reyes")
    result = _intake(engine, dana, birth_date="2006-01-01", epsdt=True)
    assert result.warnings == []


def test_M1_age_18_ok_under_nc_state(engine: Engine) -> None:
    dana = _staff(engine, "Dana Reyes")
    assert _intake(engine, dana, birth_date="2008-01-01", payer="nc-state").warnings == []
    flagged = _intake(engine, dana, 1, birth_date="2009-01-01", payer="nc-state").warnings
    assert [w.rule for w in flagged] == ["M-1"]


def test_M2_concurrent_actt_flagged(engine: Engine) -> None:
    dana = _staff(engine, "Dana Reyes")
    result = _intake(engine, dana, concurrent=[("actt", "2026-09-01", "2026-12-01")])
    assert [w.rule for w in result.warnings] == ["M-2"]
    assert "ACTT" in result.warnings[0].message


def test_M2_ct_waiver_allows_30_day_transition(engine: Engine) -> None:
    dana = _staff(engine, "Dana Reyes")
    short = _intake(engine, dana, 0, payer="ct-waiver", concurrent=[("act", "2026-08-01", "2026-09-30")])
    assert short.warnings == []  # 30 days of overlap
    long = _intake(engine, dana, 1, payer="ct-waiver", concurrent=[("act", "2026-08-01", "2026-10-01")])
    assert [w.rule for w in long.warnings] == ["M-2"]


def test_N7_service_order_after_admission_flagged(engine: Engine) -> None:
    dana = _staff(engine, "Dana Reyes")
    result = _intake(engine, dana, service_order_date="2026-09-05")
    assert [w.rule for w in result.warnings] == ["N-7"]


def test_parse_concurrent_services() -> None:
    assert members.parse_concurrent_services("ACTT 2026-09-01..2026-12-01; psr 2026-10-01..") == [
        ("actt", date(2026, 9, 1), date(2026, 12, 1)),
        ("psr", date(2026, 10, 1), None),
    ]
    with pytest.raises(RecordRefused) as excinfo:
        members.parse_concurrent_services("actt from september")
    assert excinfo.value.problems[0].rule == "M-2"
    text = members.format_concurrent_services([("cst", date(2026, 1, 2), None)])
    assert members.parse_concurrent_services(text) == [("cst", date(2026, 1, 2), None)]


# --- authorizations (U-7) ------------------------------------------------------------------------------------------


def _auth(
    engine: Engine, actor: str, member_id: str, start: date, days: int, number: str = "A1", **kw: object
) -> str:
    return members.add_authorization(
        engine,
        actor,
        member_id=member_id,
        number=number,
        start=start,
        end=start + timedelta(days=days - 1),
        units=kw.pop("units", 200),  # type: ignore[arg-type]
        override_reason=kw.pop("override_reason", None),  # type: ignore[arg-type]
        as_of=AS_OF,
    )


def test_U7_91_days_refused_90_ok(engine: Engine) -> None:
    dana = _staff(engine, "Dana Reyes")
    member_id = _intake(engine, dana).member_id
    with pytest.raises(RecordRefused) as excinfo:
        _auth(engine, dana, member_id, date(2026, 9, 1), 91)
    (message,) = _refused(excinfo)["U-7"]
    assert "at most 90 days" in message and "91 days" in message
    auth_id = _auth(engine, dana, member_id, date(2026, 9, 1), 90)
    with read_session(engine) as session:
        row = session.get(Authorization, auth_id)
        assert row is not None and row.units == 200 and row.override_reason is None


def test_U7_181_days_in_twelve_months_refused(engine: Engine) -> None:
    dana = _staff(engine, "Dana Reyes")
    member_id = _intake(engine, dana).member_id
    _auth(engine, dana, member_id, date(2026, 1, 1), 90, "A1")
    _auth(engine, dana, member_id, date(2026, 4, 1), 90, "A2")  # 180 days so far
    with pytest.raises(RecordRefused) as excinfo:
        _auth(engine, dana, member_id, date(2026, 7, 1), 1, "A3")
    (message,) = _refused(excinfo)["U-7"]
    assert "181 authorized days" in message and "180" in message


def test_U7_supervisor_override_saved_with_reason(engine: Engine) -> None:
    supervisor = _staff(engine, "Pat Lee", role="supervisor", fte=None)
    dana = _staff(engine, "Dana Reyes")
    member_id = _intake(engine, dana).member_id
    auth_id = _auth(
        engine, supervisor, member_id, date(2026, 9, 1), 120, override_reason="Payer letter 2026-08"
    )
    with read_session(engine) as session:
        row = session.get(Authorization, auth_id)
        assert row is not None and row.override_reason == "Payer letter 2026-08"


def test_U7_specialist_override_refused(engine: Engine) -> None:
    dana = _staff(engine, "Dana Reyes")
    member_id = _intake(engine, dana).member_id
    with pytest.raises(RecordRefused) as excinfo:
        _auth(engine, dana, member_id, date(2026, 9, 1), 120, override_reason="I say so")
    fields = {p.field for p in excinfo.value.problems}
    assert "override_reason" in fields and "U-7" in _refused(excinfo)
    with read_session(engine) as session:
        assert session.scalars(select(Authorization)).all() == []


def test_U5_authorization_fields_refused(engine: Engine) -> None:
    dana = _staff(engine, "Dana Reyes")
    member_id = _intake(engine, dana).member_id
    with pytest.raises(RecordRefused) as excinfo:
        members.add_authorization(
            engine,
            dana,
            member_id=member_id,
            number=" ",
            start="2026-09-10",
            end="2026-09-01",
            units="1.5",
            override_reason=None,
            as_of=AS_OF,
        )
    assert {p.field for p in excinfo.value.problems} == {"number", "end", "units"}
    with pytest.raises(RecordRefused):
        _auth(engine, dana, member_id, date(2026, 9, 1), 30, units=-1)


def test_U5_a_year_that_is_a_typo_is_refused_even_with_an_override(engine: Engine) -> None:
    """Found by the form fuzzer (start 0001-01-01 raised OverflowError): refused, naming the field, and no
    supervisor's override reason makes a typo a record."""
    supervisor = _staff(engine, "Pat Lee", role="supervisor", fte=None)
    dana = _staff(engine, "Dana Reyes")
    member_id = _intake(engine, dana).member_id
    for actor, reason in ((dana, None), (supervisor, "Payer letter 2026-08")):
        with pytest.raises(RecordRefused) as excinfo:
            members.add_authorization(
                engine,
                actor,
                member_id=member_id,
                number="PA-1",
                start="0001-01-01",
                end="2026-12-15",
                units="120",
                override_reason=reason,
                as_of=AS_OF,
            )
        assert ("U-5", "start") in {(p.rule, p.field) for p in excinfo.value.problems}
    with read_session(engine) as session:
        assert session.scalars(select(Authorization)).all() == []


# --- discharge (M-3) ------------------------------------------------------------------------------------------------


def _discharge(engine: Engine, actor: str, member_id: str, **kw: object) -> None:
    fields: dict[str, object] = {
        "discharged_on": AS_OF,
        "reason": "goals-met",
        "continuing_care_plan": "",
        "as_of": AS_OF,
    }
    fields.update(kw)
    members.discharge_member(engine, actor, member_id=member_id, **fields)  # type: ignore[arg-type]


def test_M3_discharge_without_reason_refused(engine: Engine) -> None:
    dana = _staff(engine, "Dana Reyes")
    member_id = _intake(engine, dana).member_id
    with pytest.raises(RecordRefused) as excinfo:
        _discharge(engine, dana, member_id, reason=None)
    assert [p.field for p in excinfo.value.problems] == ["discharge_reason"]
    assert "M-3" in excinfo.value.problems[0].message


def test_M3_la_lhcc_without_continuing_care_plan_refused(engine: Engine) -> None:
    dana = _staff(engine, "Dana Reyes")
    member_id = _intake(engine, dana, payer="la-lhcc").member_id
    with pytest.raises(RecordRefused) as excinfo:
        _discharge(engine, dana, member_id, continuing_care_plan="  ")
    assert [(p.rule, p.field) for p in excinfo.value.problems] == [("M-3", "continuing_care_plan")]
    _discharge(engine, dana, member_id, continuing_care_plan="Weekly group at the clubhouse")
    with read_session(engine) as session:
        row = session.get(Member, member_id)
        assert row is not None and row.continuing_care_plan == "Weekly group at the clubhouse"


def test_M3_discharge_dates_checked(engine: Engine) -> None:
    dana = _staff(engine, "Dana Reyes")
    member_id = _intake(engine, dana).member_id
    for day in ("2026-08-31", "2026-11-23", "2026-13-01"):
        with pytest.raises(RecordRefused) as excinfo:
            _discharge(engine, dana, member_id, discharged_on=day)
        assert [p.field for p in excinfo.value.problems] == ["discharged_on"]


def test_M3_discharge_then_caseload_drops(engine: Engine) -> None:
    dana = _staff(engine, "Dana Reyes")
    ids = [_intake(engine, dana, n).member_id for n in range(3)]
    assert members.active_caseload(engine, dana, AS_OF) == 3
    assert (
        members.check_discharge(
            engine,
            member_id=ids[1],
            discharged_on=AS_OF,
            reason="declined",
            continuing_care_plan=None,
            as_of=AS_OF,
        )
        == []
    )
    _discharge(engine, dana, ids[1], reason="declined")
    assert members.active_caseload(engine, dana, AS_OF) == 2
    with read_session(engine) as session:
        row = session.get(Member, ids[1])
        assert row is not None and row.discharged_on == AS_OF and row.discharge_reason == "declined"
    with pytest.raises(RecordRefused) as excinfo:
        _discharge(engine, dana, ids[1])
    assert "already discharged" in excinfo.value.problems[0].message
