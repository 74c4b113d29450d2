"""Bad input, counted (issue 7, item 8): arbitrary text in every field of every form, at the service layer the
forms call, and a few real form screens driven by Pilot.

The promise checked for each input: the service either saves or raises `RecordRefused` whose every problem
names a field and a rule, and a refusal writes nothing (every table's row count and the audit log's last entry
are what they were). Any other exception is a traceback the user would have met: the test fails on it.
Each field is either a valid value or fuzz, so valid saves happen too and the checks after them run.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select, text
from textual.widgets import Input

from cpss_tui.data.db import read_session
from cpss_tui.data.migrate import open_database
from cpss_tui.data.models import Member, Note, Staff
from cpss_tui.services import members, records, staff, supervision
from cpss_tui.services.demo import start_demo
from cpss_tui.services.refusals import RecordRefused
from cpss_tui.services.staff import set_current_user
from cpss_tui.ui.app import create_app
from cpss_tui.ui.screens.home import HomeScreen
from cpss_tui.ui.screens.member_form import MemberForm
from cpss_tui.ui.screens.note_form import NoteForm
from cpss_tui.vocab import ATTEMPT_METHODS, ATTEMPT_OUTCOMES, CONTACT_TYPES, DISCHARGE_REASONS, PAYERS, PLACES
from tests.safety.fuzz_counter import examples, tried
from tests.ui.conftest import AS_OF
from tests.ui.helpers import settle

SETTINGS = settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

# Text a person (or a paste) can put into a field: anything printable, plus the edge cases that broke parsers.
NASTY = [
    "",
    " ",
    "\t",
    "\n",
    "\x00",
    "0",
    "-1",
    "1e309",
    "nan",
    "9" * 5000,
    "9" * 30,
    "٣",  # an Arabic-Indic digit: str.isdigit and \d say yes
    "１０:００",
    "2026-02-30",
    "2026-11-22",
    "2026-11-23",
    "1900-01-01",
    "9999-12-31",
    "0001-01-01",
    "20261122",
    "24:00",
    "23:59",
    "10:00",
    "60",
    "1441",
    "'; DROP TABLE member; --",
    "Robert'); DELETE FROM note; --",
    "[b]markup[/b] [red]",
    "x" * 10_000,
    "actt 2026-09-01..2026-12-01",
    "actt 2026-09-01..; psr 2099-01-01..2026-01-01",
    "😀 Zoë Ñuñez-O'Brien",
]
fuzz = st.one_of(
    st.text(max_size=60), st.sampled_from(NASTY), st.text(st.characters(codec="ascii"), max_size=12)
)


def field(valid: Any) -> st.SearchStrategy[Any]:
    """A field's value: fuzz or the valid value (so saves happen and are checked too)."""
    return st.one_of(fuzz, st.just(valid))


@st.composite
def few_fuzzed(
    draw: st.DrawFn, valid: dict[str, Any], fuzzers: dict[str, st.SearchStrategy[Any]]
) -> dict[str, Any]:
    """A valid form with one to three fields replaced by fuzz: each field's own checks are reached, and a
    form with every field valid but one shows that one field's refusal (or a save)."""
    out = dict(valid)
    for key in draw(st.lists(st.sampled_from(sorted(fuzzers)), min_size=0, max_size=3, unique=True)):
        out[key] = draw(fuzzers[key])
    return out


def fingerprint(engine: Engine) -> tuple[Any, ...]:
    """Row count of every table and the audit log's last sequence: equal before and after = nothing written."""
    with read_session(engine) as session:
        tables = session.scalars(
            text(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ).all()
        counts = tuple((t, session.scalar(text(f'SELECT count(*) FROM "{t}"'))) for t in tables)
        last_audit = session.scalar(text("SELECT max(rowid) FROM audit_log"))
    return (*counts, last_audit)


def attempt(engine: Engine, area: str, call: Callable[[], Any]) -> Any:
    """Run one form save: a success, or a refusal naming fields that wrote nothing. Anything else fails."""
    before = fingerprint(engine)
    try:
        result = call()
    except RecordRefused as refused:
        assert refused.problems, f"{area}: a refusal without a problem"
        for p in refused.problems:
            assert p.field and p.rule and p.message.strip(), p
        assert fingerprint(engine) == before, f"{area}: a refused save wrote something"
        tried(area, "refused")
        return None
    tried(area, "saved")
    return result


class Demo:
    """The demo agency, its specialist (the user), a member of theirs with goals, a supervisor, a signed note."""

    def __init__(self, path: Path) -> None:
        self.engine = open_database(path).engine
        self.user = start_demo(self.engine, AS_OF)
        set_current_user(self.engine, self.user)
        with read_session(self.engine) as s:
            me = s.get(Staff, self.user)
            assert me is not None and me.supervisor_id
            self.supervisor = me.supervisor_id
            self.member = s.scalars(
                select(Member.id).where(Member.specialist_id == self.user, Member.discharged_on.is_(None))
            ).first()
            self.note = s.scalars(select(Note.id).where(Note.signed_at.is_not(None))).first()
        self.context = records.note_context(self.engine, self.member, self.user)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    d = Demo(tmp_path_factory.mktemp("fuzzforms") / "demo.db")
    yield d
    d.engine.dispose()


# --- members: intake, edit, authorization, discharge -----------------------------------------------------------


def member_fields(demo: Demo) -> st.SearchStrategy[dict[str, Any]]:
    fuzzers = _member_fuzzers(demo)
    valid = st.builds(
        lambda n: {
            "name": f"Jordan Fuzz {n}",
            "medicaid_id": f"FZ{n:06d}",
            "birth_date": "1990-05-05",
            "payer": "nc-medicaid",
            "specialist_id": demo.user,
            "admitted_on": "2026-11-01",
            "service_order_date": "2026-10-30",
            "epsdt": False,
            "family_member": False,
            "concurrent": "",
        },
        st.integers(min_value=0, max_value=999_999),
    )
    return st.one_of(st.fixed_dictionaries(fuzzers), valid.flatmap(lambda v: few_fuzzed(v, fuzzers)))


def _member_fuzzers(demo: Demo) -> dict[str, st.SearchStrategy[Any]]:
    return {
        "name": field("Jordan Fuzz"),
        "medicaid_id": field("FZ0001"),
        "birth_date": field("1990-05-05"),
        "payer": st.one_of(st.sampled_from(PAYERS), fuzz),
        "specialist_id": st.one_of(st.just(demo.user), fuzz),
        "admitted_on": field("2026-11-01"),
        "service_order_date": field("2026-10-30"),
        "epsdt": st.booleans(),
        "family_member": st.booleans(),
        "concurrent": field(""),
    }


def _member_call(demo: Demo, fields: dict[str, Any], member_id: str | None) -> Callable[[], Any]:
    def call() -> Any:
        values = dict(fields)
        # The form parses the concurrent-services text first (refusals name field `concurrent`).
        values["concurrent"] = members.parse_concurrent_services(values["concurrent"])
        if member_id is None:
            return members.intake_member(demo.engine, demo.user, as_of=AS_OF, **values)
        return members.update_member(demo.engine, demo.user, member_id=member_id, as_of=AS_OF, **values)

    return call


def test_member_intake_and_edit_fields(demo: Demo) -> None:
    @SETTINGS
    @given(fields=member_fields(demo), edit=st.booleans())
    def check(fields: dict[str, Any], edit: bool) -> None:
        member_id = demo.member if edit else None
        area = "member form (edit)" if edit else "member form (intake)"
        result = attempt(demo.engine, area, _member_call(demo, fields, member_id))
        if result is not None:
            details = members.member_details(demo.engine, result.member_id)
            assert details is not None and details.name == fields["name"].strip()

    check()


def test_authorization_fields(demo: Demo) -> None:
    @SETTINGS
    @given(
        number=field("PA-FUZZ"),
        start=field("2026-11-01"),
        end=field("2026-12-15"),
        units=st.one_of(fuzz, st.integers(min_value=-(2**70), max_value=2**70), st.just("120")),
        reason=st.one_of(st.none(), fuzz),
    )
    def check(number: str, start: str, end: str, units: Any, reason: str | None) -> None:
        attempt(
            demo.engine,
            "authorization form",
            lambda: members.add_authorization(
                demo.engine,
                demo.supervisor if reason else demo.user,
                member_id=demo.member,
                number=number,
                start=start,
                end=end,
                units=units,
                override_reason=reason,
                as_of=AS_OF,
            ),
        )

    check()


def test_discharge_fields(demo: Demo) -> None:
    @SETTINGS
    @given(
        day=field("2026-11-20"),
        reason=st.one_of(st.sampled_from(DISCHARGE_REASONS), fuzz, st.none()),
        plan=st.one_of(fuzz, st.none()),
    )
    def check(day: str, reason: str | None, plan: str | None) -> None:
        kwargs: dict[str, Any] = {
            "member_id": demo.member,
            "discharged_on": day,
            "reason": reason,
            "continuing_care_plan": plan,
            "as_of": AS_OF,
        }
        problems = members.check_discharge(demo.engine, **kwargs)
        before = fingerprint(demo.engine)
        assert all(p.field and p.rule for p in problems)
        if not problems:
            tried("discharge form", "would save (not saved, to keep the member for other examples)")
            return
        with pytest.raises(RecordRefused):
            members.discharge_member(demo.engine, demo.user, **kwargs)
        assert fingerprint(demo.engine) == before
        tried("discharge form", "refused")

    check()


# --- notes, drafts, attempts, addenda -------------------------------------------------------------------------


VALID_NOTE = {
    "date": AS_OF.isoformat(),
    "minutes": "15",
    "contact_type": "face-to-face",
    "place": "home",
    "purpose": "Check-in",
    "interventions": "Role-played the call",
    "picked_interventions": [],
    "effectiveness": "Made the call",
    "billable": True,
    "nonbillable_reason": "",
    "identity_verified": False,
    "consent": None,
    "consent_reason": "",
}


def note_fields(demo: Demo) -> st.SearchStrategy[dict[str, Any]]:
    goals = [g.id for g in demo.context.goals]
    fuzzers = _note_fuzzers(demo, goals)
    valid = st.builds(
        lambda start: {**VALID_NOTE, "goal_ids": goals[:1], "start_time": start},
        st.sampled_from([f"{h:02d}:{m:02d}" for h in range(0, 23) for m in (0, 20, 40)]),
    )
    return st.one_of(st.fixed_dictionaries(fuzzers), valid.flatmap(lambda v: few_fuzzed(v, fuzzers)))


def _note_fuzzers(demo: Demo, goals: list[str]) -> dict[str, st.SearchStrategy[Any]]:
    return {
        "date": field(AS_OF.isoformat()),
        "start_time": st.one_of(fuzz, st.sampled_from(["06:00", "06:30", "07:10", "21:40"])),
        "minutes": field("15"),
        "contact_type": st.one_of(st.sampled_from(CONTACT_TYPES), st.none(), fuzz),
        "place": st.one_of(st.sampled_from(PLACES), st.none(), fuzz),
        "purpose": field("Check-in"),
        "interventions": field("Role-played the call"),
        "picked_interventions": st.lists(
            st.one_of(fuzz, st.sampled_from(demo.context.interventions or ["x"]))
        ),
        "effectiveness": field("Made the call"),
        "goal_ids": st.one_of(st.just(goals[:1]), st.lists(fuzz, max_size=2)),
        "billable": st.booleans(),
        "nonbillable_reason": field("training"),
        "identity_verified": st.booleans(),
        "consent": st.one_of(st.sampled_from(["verbal", "written", "not-obtained"]), st.none(), fuzz),
        "consent_reason": fuzz,
    }


def test_note_fields_check_draft_and_sign(demo: Demo) -> None:
    @SETTINGS
    @given(fields=note_fields(demo))
    def check(fields: dict[str, Any]) -> None:
        result = records.check_note(demo.engine, demo.member, demo.user, fields, AS_OF)
        assert all(p.field and p.rule for p in (*result.problems, *result.warnings))
        draft = records.save_draft(demo.engine, demo.user, None, demo.member, fields)
        saved = records.find_draft(demo.engine, demo.user, demo.member)
        assert saved is not None and saved.fields == {k: v for k, v in fields.items()}
        tried("note form (check + draft)", "checked and saved as draft")
        note_id = attempt(
            demo.engine,
            "note form (sign)",
            lambda: records.sign_note(demo.engine, demo.user, draft, demo.member, fields, AS_OF),
        )
        if note_id is None:
            assert result.problems, "signing refused what the live check accepted"
            records.discard_draft(demo.engine, draft, demo.user)
        else:
            assert not result.problems, "signing accepted what the live check refused"
            assert records.find_draft(demo.engine, demo.user, demo.member) is None

    check()


def test_attempt_fields(demo: Demo) -> None:
    @SETTINGS
    @given(
        when=field("2026-11-21 09:15"),
        method=st.one_of(st.sampled_from(ATTEMPT_METHODS), fuzz),
        outcome=st.one_of(st.sampled_from(ATTEMPT_OUTCOMES), fuzz),
        detail=fuzz,
    )
    def check(when: str, method: str, outcome: str, detail: str) -> None:
        attempt(
            demo.engine,
            "attempt form",
            lambda: records.log_attempt(
                demo.engine,
                actor=demo.user,
                member_id=demo.member,
                when=when,
                method=method,
                outcome=outcome,
                detail=detail,
                as_of=AS_OF,
            ),
        )

    check()


def test_addendum_text(demo: Demo) -> None:
    @SETTINGS
    @given(body=fuzz)
    def check(body: str) -> None:
        attempt(
            demo.engine,
            "addendum form",
            lambda: records.add_addendum(demo.engine, demo.user, demo.note, body),
        )

    check()


# --- the supervisor's forms and the first-run profile ---------------------------------------------------------


def test_visit_and_supervision_fields(demo: Demo) -> None:
    @SETTINGS
    @given(day=field("2026-11-20"), notes=fuzz, face=st.booleans(), visit=st.booleans())
    def check(day: str, notes: str, face: bool, visit: bool) -> None:
        if visit:
            attempt(
                demo.engine,
                "supervisor visit form",
                lambda: supervision.record_visit(
                    demo.engine, demo.supervisor, demo.member, day, face, notes, AS_OF
                ),
            )
        else:
            attempt(
                demo.engine,
                "supervision session form",
                lambda: supervision.record_supervision(
                    demo.engine, demo.supervisor, demo.user, day, notes, AS_OF
                ),
            )

    check()


def test_profile_fields(demo: Demo) -> None:
    @SETTINGS
    @given(
        name=field("Casey Fuzz"),
        role=st.one_of(st.sampled_from(["specialist", "supervisor"]), fuzz),
        credentials=field("NC CPSS"),
        fte=st.one_of(st.none(), st.floats(), st.just(0.5)),
        supervisor_id=st.one_of(st.none(), st.just(demo.supervisor), fuzz),
    )
    def check(name: str, role: str, credentials: str, fte: float | None, supervisor_id: str | None) -> None:
        attempt(
            demo.engine,
            "profile form",
            lambda: staff.create_staff(
                demo.engine,
                name=name,
                role=role,
                credentials=credentials,
                fte=fte,
                supervisor_id=supervisor_id,
            ),
        )

    check()


# --- a few real screens, typed into by Pilot (slow: few examples) -----------------------------------------------


def records_only(print_: tuple[Any, ...]) -> list[Any]:
    return [c for c in print_[:-1] if c[0] not in ("note_draft", "audit_log")]


async def _type_everywhere(pilot: Any, values: list[str]) -> int:
    """Type one value into each Input of the current screen (replacing what is there); returns how many."""
    inputs = list(pilot.app.screen.query(Input))
    for widget, value in zip(inputs, values * len(inputs), strict=False):
        if not widget.display:
            continue
        widget.focus()
        await pilot.pause()
        widget.value = ""
        await pilot.press(*["space" if ch == " " else ch for ch in value])
    return len(inputs)


@pytest.mark.parametrize("form", ["note", "intake"])
async def test_real_forms_take_arbitrary_typing(tmp_path: Path, form: str) -> None:
    """Printable text typed into every field of the note form / intake form, then ctrl+s: the app keeps
    running, shows its refusal on the form, and no note or member is written for a refused save."""
    demo = Demo(tmp_path / "demo.db")
    rng = random.Random(f"{form}-7")  # fixed seed: the same typing every run (Pilot is too slow to shrink)
    alphabet = string.printable[:95]  # letters, digits, punctuation, space
    samples = [
        ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(3)]
        for _ in range(max(2, examples(40) // 20))
    ]
    for values in samples:
        app = create_app(demo.engine, as_of=AS_OF)
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            await pilot.press("n" if form == "note" else "i")
            await settle(pilot)
            assert isinstance(app.screen, NoteForm if form == "note" else MemberForm)
            before = fingerprint(demo.engine)
            await _type_everywhere(pilot, values)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.is_running and app.return_code is None
            screen = app.screen
            if isinstance(screen, NoteForm | MemberForm):  # refused: it says so on the form
                shown = [str(w.render()) for w in screen.query(".field-error") if w.display]
                assert shown, "a refused save must say why under its fields"
                # Only the draft may change (the note form keeps what was typed as a draft, audited).
                assert records_only(fingerprint(demo.engine)) == records_only(before)
                tried(f"{form} screen (Pilot)", "refused on screen")
            else:
                tried(f"{form} screen (Pilot)", "saved")
        assert app.return_code in (0, None)
    demo.engine.dispose()
