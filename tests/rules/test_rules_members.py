"""M-1..M-4: age at admission, concurrent services, discharge, family members."""

from __future__ import annotations

from datetime import date

from cpss_tui.rules.members import (
    age_at,
    age_flag,
    concurrent_service_flag,
    discharge_problems,
    family_member_problem,
)
from cpss_tui.rules.profiles import DISCHARGE_REASONS, PROFILES, profile_with_overrides
from cpss_tui.rules.staffing import can_assign

NC, STATE, LA, CT, WC = (
    PROFILES[n] for n in ("nc-medicaid", "nc-state", "la-lhcc", "ct-waiver", "nc-wellcare")
)


def test_m1_age_at_birthday_boundaries() -> None:
    assert age_at(date(2005, 9, 1), date(2026, 8, 31)) == 20
    assert age_at(date(2005, 9, 1), date(2026, 9, 1)) == 21


def test_m1_feb_29_birthday() -> None:
    born = date(2008, 2, 29)
    assert age_at(born, date(2029, 2, 28)) == 20  # common year: not yet
    assert age_at(born, date(2029, 3, 1)) == 21
    assert age_at(born, date(2028, 2, 28)) == 19
    assert age_at(born, date(2028, 2, 29)) == 20


def test_m1_age_20_flagged_21_not_for_medicaid() -> None:
    admitted = date(2026, 9, 1)
    problem = age_flag(date(2005, 9, 2), admitted, NC)  # 20 on admission
    assert problem is not None and problem.rule == "M-1" and problem.rule_flag == "age"
    assert age_flag(date(2005, 9, 1), admitted, NC) is None  # 21 that day
    assert age_flag(date(2005, 9, 2), admitted, WC) is not None


def test_m1_epsdt_exempts_medicaid_under_21() -> None:
    admitted = date(2026, 9, 1)
    assert age_flag(date(2006, 1, 1), admitted, NC, epsdt=True) is None
    assert age_flag(date(2006, 1, 1), admitted, WC, epsdt=True) is None


def test_m1_state_funded_minimum_18_no_epsdt() -> None:
    admitted = date(2026, 9, 1)
    assert age_flag(date(2008, 9, 1), admitted, STATE) is None  # 18
    assert age_flag(date(2008, 9, 2), admitted, STATE) is not None  # 17
    assert age_flag(date(2008, 9, 2), admitted, STATE, epsdt=True) is not None


def test_m1_la_lhcc_21_unless_epsdt_and_strict_reading_is_a_setting() -> None:
    # rules.md M-1: "21 for nc-medicaid, la-lhcc unless EPSDT is recorded". LA.CP.BH.505c I.A.i reads
    # "must be 21 years of age or older" with no exception: an agency can choose that reading by setting.
    admitted = date(2026, 9, 1)
    assert age_flag(date(2006, 1, 1), admitted, LA, epsdt=False) is not None
    assert age_flag(date(2006, 1, 1), admitted, LA, epsdt=True) is None
    strict = profile_with_overrides("la-lhcc", {"epsdt_allowed": False})
    assert age_flag(date(2006, 1, 1), admitted, strict, epsdt=True) is not None


def test_m2_concurrent_actt_cst_psr_flagged() -> None:
    start, end = date(2026, 9, 1), date(2026, 11, 29)
    for svc in ("actt", "cst", "psr"):
        flag = concurrent_service_flag([(svc, date(2026, 11, 29), None)], start, end, NC)
        assert flag is not None and flag.rule == "M-2" and flag.rule_flag == "concurrent-service"
    assert concurrent_service_flag([("psr", date(2026, 1, 1), date(2026, 8, 31))], start, end, NC) is None
    assert concurrent_service_flag([("outpatient", date(2026, 1, 1), None)], start, end, NC) is None


def test_m2_ct_waiver_allows_30_day_act_transition() -> None:
    start, end = date(2026, 9, 1), date(2026, 11, 29)
    assert (
        concurrent_service_flag([("act", date(2026, 6, 1), date(2026, 9, 30))], start, end, CT) is None
    )  # 30
    flag = concurrent_service_flag([("csp", date(2026, 6, 1), date(2026, 10, 1))], start, end, CT)  # 31 days
    assert flag is not None and flag.rule == "M-2"
    # NC allows no transition at all
    assert concurrent_service_flag([("actt", date(2026, 6, 1), date(2026, 9, 1))], start, end, NC) is not None


def test_m3_discharge_reason_and_la_continuing_care_plan() -> None:
    assert set(DISCHARGE_REASONS) == {"goals-met", "natural-supports", "needs-more-intensive", "declined",
                                      "other-modality"}  # fmt: skip
    assert discharge_problems("goals-met", None, NC) == []
    assert [p.field for p in discharge_problems(None, None, NC)] == ["discharge_reason"]
    assert [p.field for p in discharge_problems("bored", None, NC)] == ["discharge_reason"]
    problems = discharge_problems("declined", None, LA)
    assert [(p.rule, p.field) for p in problems] == [("M-3", "continuing_care_plan")]
    assert problems[0].rule_flag == "continuing-care-plan"
    assert discharge_problems("declined", "Step down to outpatient therapy with Dr. K", LA) == []
    # LA.CP.BH.505c I.C has no "natural supports" criterion (README.md); NC 8G B does.
    assert [p.field for p in discharge_problems("natural-supports", "plan", LA)] == ["discharge_reason"]
    assert discharge_problems("natural-supports", None, NC) == []


def test_m4_family_member_refused() -> None:
    problem = family_member_problem(True)
    assert problem is not None and problem.rule == "M-4"
    assert family_member_problem(False) is None
    refused = can_assign(0, 1.0, family_member=True)
    assert refused is not None and refused.rule == "M-4"
