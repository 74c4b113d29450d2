"""The home screen evaluates only the user's caseload; it must say exactly what the whole-agency status says."""

from __future__ import annotations

from datetime import date

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
