"""Property tests for bundle import: whatever the input, the outcome is a report or a BundleError, never
another exception and never a partial import.

"Nothing changed" is checked as: the export of the database and the number of audit entries are what they
were before the attempt. When an input happens to be valid, importing it a second time must change nothing
(idempotence). One database per test function keeps the examples fast.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from test_bundle import AS_OF, audit_count, rich_bundle

from cpss_tui.data.bundle import BundleError, export_bundle, import_bundle
from cpss_tui.data.bundle_schema import LISTS, SPECS, TOP_KEYS
from cpss_tui.data.migrate import open_database

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(
        [
            "2026-02-30",
            "2026-09-02",
            "10:00",
            "24:00",
            "2026-09-02T11:30:00-04:00",
            "s1",
            "m1",
            "g1",
            "audio-only",
            "",
            " ",
        ]
    )
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(sorted({s.key for specs in SPECS.values() for s in specs})) | st.text(
    max_size=8
)
records = st.dictionaries(field_names, json_values, max_size=8)
bundle_like = st.fixed_dictionaries(
    {"format": st.just("cpss-bundle"), "version": st.just(1)},
    optional={
        **{name: st.lists(records, max_size=3) | json_values for name in LISTS},
        "agency": st.dictionaries(st.sampled_from(["name", "week_start", "timezone", "zone"]), json_values),
    },
)


def _loaded_engine(tmp_path_factory: Any) -> Engine:
    engine = open_database(tmp_path_factory.mktemp("hyp") / "cpss.db").engine
    import_bundle(engine, json.dumps(rich_bundle()), actor="s9", as_of=AS_OF)
    return engine


class _Attempts:
    """Imports texts into one database; the "before" state is re-read only after a successful import."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.state = self.read()

    def read(self) -> tuple[str, int]:
        return export_bundle(self.engine), audit_count(self.engine)

    def __call__(self, text: str) -> None:
        """A BundleError leaves everything as it was; a success is idempotent."""
        try:
            import_bundle(self.engine, text, as_of=AS_OF)
        except BundleError as exc:
            assert exc.problems and all(isinstance(p, str) and "\n" not in p for p in exc.problems)
            assert self.read() == self.state
            return
        again = import_bundle(self.engine, text, as_of=AS_OF)
        assert again.inserted == 0 and again.updated == 0
        self.state = self.read()


def test_arbitrary_json_is_a_report_or_a_bundle_error(tmp_path_factory: Any) -> None:
    engine = _loaded_engine(tmp_path_factory)
    attempt = _Attempts(engine)

    @SETTINGS
    @given(st.one_of(json_values, bundle_like, st.text(max_size=30)), st.booleans())
    def check(value: Any, raw: bool) -> None:
        attempt(value if raw and isinstance(value, str) else json.dumps(value))

    try:
        check()
    finally:
        engine.dispose()


def _rename(bundle: dict[str, Any], suffix: str) -> None:
    """Give every record a new id (references follow), so the bundle inserts instead of updating."""
    for name in LISTS:
        for rec in bundle.get(name, []):
            for spec in SPECS[name]:
                if (spec.key == "id" or spec.ref) and isinstance(rec.get(spec.key), str):
                    rec[spec.key] += suffix
            if name == "notes":
                rec["goal_ids"] = [g + suffix for g in rec["goal_ids"]]


@st.composite
def mutated_bundles(draw: st.DrawFn) -> str:
    """A valid bundle with one to three small mutations: drop a key, change a value's type, add a key."""
    bundle = rich_bundle()
    if draw(st.booleans()):
        _rename(bundle, draw(st.sampled_from(["-x", "-y", "-z"])))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        targets: list[dict[str, Any]] = [bundle]
        if isinstance(bundle.get("agency"), dict):
            targets.append(bundle["agency"])
        for name in LISTS:
            items = bundle.get(name)
            if isinstance(items, list):
                targets.extend(r for r in items if isinstance(r, dict))
        target = draw(st.sampled_from(targets))
        action = draw(st.sampled_from(["drop", "retype", "add"]))
        keys = sorted(target)
        if action == "drop" and keys:
            del target[draw(st.sampled_from(keys))]
        elif action == "retype" and keys:
            key = draw(st.sampled_from(keys))
            old = target[key]
            target[key] = draw(json_values.filter(lambda v, old=old: type(v) is not type(old)))
        else:
            name = draw(st.sampled_from([*TOP_KEYS, "extra", "nickname"]) | st.text(max_size=6))
            target[name] = draw(json_values)
    return json.dumps(bundle, indent=2, ensure_ascii=False)


def test_mutated_bundles_are_a_report_or_a_bundle_error(tmp_path_factory: Any) -> None:
    engine = _loaded_engine(tmp_path_factory)
    attempt = _Attempts(engine)

    @SETTINGS
    @given(mutated_bundles())
    def check(text: str) -> None:
        attempt(text)

    try:
        check()
    finally:
        engine.dispose()
