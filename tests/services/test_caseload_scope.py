"""The home screen evaluates only the user's caseload; it must say exactly what the whole-agency status says."""

from __future__ import annotations

from datetime import date, timedelta

from cpss_tui.data.demo import generate
from cpss_tui.services.status import caseload_of, compute_status, load_caseload

AS_OF = date(2026, 11, 22)


def test_scoped_caseload_equals_the_agency_status_narrowed(engine) -> None:
    generate(engine, as_of=AS_OF)
    whole = compute_status(engine, AS_OF)
    for staff in whole.staff:
        assert load_caseload(engine, AS_OF, staff.id) == caseload_of(whole, staff.id)
    scoped = compute_status(engine, AS_OF, [whole.staff[0].id])
    assert scoped.program == whole.program  # S-2 ratio still covers the whole program
    assert {m.specialist_id for m in scoped.members} <= {whole.staff[0].id}


def test_scoped_reads_agree_with_the_agency_reads_on_many_dates(engine) -> None:
    """Every read of a caseload (authorizations, notes for caps, PCPs, concurrent services, U-6) is narrowed to
    the specialist's members; on dates across authorization starts and ends, week starts, DST changes and a
    fiscal-year change, each member's status is what the whole-agency evaluation says."""
    generate(engine, as_of=AS_OF)
    days = [AS_OF - timedelta(days=n) for n in range(0, 120, 9)] + [
        date(2026, 3, 8),
        date(2026, 6, 30),
        date(2026, 7, 1),
        date(2026, 11, 1),
    ]
    compared = 0
    for day in days:
        whole = compute_status(engine, day)
        for staff in whole.staff:
            assert load_caseload(engine, day, staff.id) == caseload_of(whole, staff.id), (staff.id, day)
            compared += 1
    assert compared >= len(days) * 2
