"""The cpss-bundle format (spec/interface.md), as data: which fields each list has, and how each is checked.

Why a table of field specs instead of hand-written checks per list: the same table drives parsing, the
"unknown field" refusal, the export's fixed key order and the "write extras only when set" rule, so the
importer and the exporter can never disagree about what a record looks like.

This module touches no database: it turns JSON text into clean column values plus problem lines. Everything
that needs the database (references, conflicts, rules that depend on the member) is in `bundle_import`.

Problem lines name the list, the record and the field: `notes[n1].minutes: ...`. A record without a usable id
is named by its position, counting from 1: `notes[#3]`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from cpss_tui import vocab

FORMAT = "cpss-bundle"
VERSION = 1

# The lists of a bundle, in the order they are applied (parents before children) and exported.
LISTS: tuple[str, ...] = (
    "staff",
    "members",
    "authorizations",
    "pcps",
    "goals",
    "notes",
    "attempts",
    "supervisor_visits",
    "supervision_sessions",
)
TOP_KEYS: tuple[str, ...] = ("format", "version", "agency", *LISTS)
AGENCY_KEYS: tuple[str, ...] = ("name", "week_start", "timezone")
CRISIS_KEYS: tuple[str, ...] = ("triggers", "coping", "supports", "contacts")

# Technical ceilings that keep numbers inside what SQLite stores exactly; far beyond any real record.
MAX_UNITS = 1_000_000
MAX_HOURS = 100_000
MAX_MINUTES = 1440  # one day (the note table's CHECK)

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME_RE = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")
_TIMESTAMP_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})")


class BundleError(Exception):
    """A bundle was refused; `problems` holds every reason, one line each, naming list, record and field.

    The command line prints the lines to stderr and exits with status 2 (spec/interface.md).
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class _Bad:
    """Marks a field whose value was refused, so later checks skip it instead of guessing."""

    def __repr__(self) -> str:
        return "BAD"


BAD: Any = _Bad()


# --- how values are shown in problem lines ---------------------------------------------------------------


def show(text: str, limit: int = 60) -> str:
    """A string fit for a one-line message: escaped when it holds control or unpaired-surrogate characters."""
    if len(text) > limit:
        text = text[:limit] + "…"
    if text.isprintable() and _encodable(text):
        return text
    return json.dumps(text)  # ASCII-escaped: never breaks a line or a terminal


def got(value: Any) -> str:
    """The offending value as JSON, shortened: `"60"`, `true`, `null`, `-5`, `a list`, `an object`."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return '"' + show(value).strip('"') + '"'
    try:
        return show(json.dumps(value))
    except ValueError:  # pragma: no cover - NaN never gets this far (refused by the parser)
        return "a number JSON cannot hold"


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_problem(text: str) -> str | None:
    """Why a string cannot be stored as is (NUL or unpaired surrogate), or None.

    SQLite's length() and json functions stop at NUL, and an unpaired surrogate cannot be encoded as UTF-8,
    so either would fail half-way through the write; refusing them up front keeps the import all or nothing.
    """
    if "\x00" in text:
        return "must not contain NUL characters"
    if not _encodable(text):
        return "is not valid Unicode (unpaired surrogate)"
    return None


def label(list_name: str, record_id: Any, index: int) -> str:
    """`notes[n1]`, or `notes[#3]` (position from 1) when the record has no usable id."""
    if isinstance(record_id, str) and record_id.strip() and text_problem(record_id) is None:
        return f"{list_name}[{show(record_id)}]"
    return f"{list_name}[#{index + 1}]"


# --- value checkers: each returns (clean value, None) or (BAD, message) -----------------------------------

Checker = Callable[[Any], "tuple[Any, str | None]"]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_text(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str):
        return BAD, f"must be a string (got {got(value)})"
    why = text_problem(value)
    return (BAD, why) if why else (value, None)


def check_nonblank(value: Any) -> tuple[Any, str | None]:
    clean, why = check_text(value)
    if why:
        return BAD, why
    if not clean.strip():
        return BAD, f"must not be blank (got {got(value)})"
    return clean, None


def check_id(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str) or not value.strip():
        return BAD, f"must be a non-empty string (got {got(value)})"
    why = text_problem(value)
    return (BAD, why) if why else (value, None)


def check_date(value: Any) -> tuple[Any, str | None]:
    """A real calendar date written YYYY-MM-DD (2026-02-30 is refused, so is 20260902)."""
    message = f"must be a real date written YYYY-MM-DD (got {got(value)})"
    if not isinstance(value, str) or not _DATE_RE.fullmatch(value):
        return BAD, message
    try:
        return date.fromisoformat(value), None
    except ValueError:
        return BAD, message


def check_time(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str) or not _TIME_RE.fullmatch(value):
        return BAD, f"must be a time HH:MM from 00:00 to 23:59 (got {got(value)})"
    return value, None


def parse_timestamp(value: Any) -> datetime | None:
    """An aware datetime from an ISO 8601 timestamp with offset, or None if it is not one."""
    if not isinstance(value, str) or not _TIMESTAMP_RE.fullmatch(value):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.utcoffset() is None:
        return None
    try:
        parsed.astimezone(UTC)  # offsets near year 1 or 9999 can overflow
    except (OverflowError, ValueError):
        return None
    return parsed


def check_timestamp(value: Any) -> tuple[Any, str | None]:
    """Normalised with datetime.isoformat(), so `Z` and `+00:00` spellings compare (and store) equal."""
    parsed = parse_timestamp(value)
    if parsed is None:
        return BAD, (
            f"must be an ISO 8601 timestamp with offset, e.g. 2026-09-02T11:30:00-04:00 (got {got(value)})"
        )
    return parsed.isoformat(), None


def check_bool(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, bool):
        return BAD, f"must be true or false (got {got(value)})"
    return value, None


def whole_number(low: int, high: int, what: str) -> Checker:
    """A whole number in [low, high]; JSON has one number type, so 60.0 counts as whole, 60.5 does not."""

    def check(value: Any) -> tuple[Any, str | None]:
        if not _is_number(value) or (isinstance(value, float) and not value.is_integer()) or value < low:
            return BAD, f"must be a whole number >= {low} (got {got(value)})"
        if value > high:
            return BAD, f"must be at most {high}{what} (got {got(value)})"
        return int(value), None

    return check


def check_fte(value: Any) -> tuple[Any, str | None]:
    """S-1: 0 < FTE <= 1."""
    if not _is_number(value) or not math.isfinite(value) or not 0 < value <= 1:
        return BAD, f"must be a number more than 0 and at most 1 (S-1) (got {got(value)})"
    return float(value), None


def check_hours(value: Any) -> tuple[Any, str | None]:
    if not _is_number(value) or not math.isfinite(value) or not 0 <= value <= MAX_HOURS:
        return BAD, f"must be a number of hours >= 0 (got {got(value)})"
    return float(value), None


def one_of(words: Sequence[str]) -> Checker:
    def check(value: Any) -> tuple[Any, str | None]:
        if not isinstance(value, str) or value not in words:
            return BAD, f"must be one of {', '.join(words)} (got {got(value)})"
        return value, None

    return check


def check_consent(value: Any) -> tuple[Any, str | None]:
    """N-5: "verbal", "written", or "not-obtained: <reason>" with a reason."""
    message = f'must be "verbal", "written" or "not-obtained: <reason>" (got {got(value)})'
    if not isinstance(value, str) or text_problem(value):
        return BAD, message
    if value in vocab.CONSENT_KINDS:
        return value, None
    prefix = vocab.CONSENT_NOT_OBTAINED_PREFIX
    if value.startswith(prefix) and value[len(prefix) :].strip():
        return value, None
    return BAD, message


def check_id_list(value: Any) -> tuple[Any, str | None]:
    """A list of distinct ids (a note's goal_ids)."""
    if not isinstance(value, list):
        return BAD, f"must be a list of ids (got {got(value)})"
    for item in value:
        if check_id(item)[1] is not None:
            return BAD, f"must be a list of non-empty strings (got {got(item)} in the list)"
    seen: set[str] = set()
    for item in value:
        if item in seen:
            return BAD, f"lists {got(item)} more than once"
        seen.add(item)
    return list(value), None


def check_text_list(value: Any) -> tuple[Any, str | None]:
    """A list of strings (a goal's interventions, in PCP order)."""
    if not isinstance(value, list):
        return BAD, f"must be a list of strings (got {got(value)})"
    for item in value:
        if not isinstance(item, str):
            return BAD, f"must be a list of strings (got {got(item)} in the list)"
        why = text_problem(item)
        if why:
            return BAD, f"{got(item)} in the list {why}"
    return list(value), None


# --- the format, as field specs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """One field of a bundle record.

    `required` fields must be present. An optional field that is absent takes `default` (so a record in a
    bundle is always the whole record, and leaving a key out sets it back to its default). `nullable` fields
    accept JSON null. `extra` fields are written by the export only when they differ from `default`, so a
    bundle that never mentions them round-trips byte for byte. `ref` names the list an id points into.
    """

    key: str
    check: Checker
    required: bool = False
    nullable: bool = False
    default: Any = None
    column: str | None = None
    extra: bool = False
    ref: str | None = None

    @property
    def col(self) -> str:
        return self.column or self.key


def F(key: str, check: Checker, **kw: Any) -> FieldSpec:
    return FieldSpec(key, check, **kw)


_ref = check_id
SPECS: dict[str, tuple[FieldSpec, ...]] = {
    "staff": (
        F("id", check_id, required=True),
        F("name", check_nonblank, required=True),
        F("role", one_of(vocab.ROLES), required=True),
        F("credentials", check_text, default=""),
        F("fte", check_fte, nullable=True),
        F("supervisor_id", _ref, nullable=True, ref="staff"),
        F("started_on", check_date, nullable=True),
        F("training_hours", check_hours, default=0.0),
        F("supervisor_training_on", check_date, nullable=True, extra=True),
    ),
    "members": (
        F("id", check_id, required=True),
        F("name", check_nonblank, required=True),
        F("medicaid_id", check_text, required=True),
        F("birth_date", check_date, required=True),
        F("payer", one_of(vocab.PAYERS), required=True),
        F("specialist_id", _ref, required=True, ref="staff"),
        F("admitted_on", check_date, required=True),
        F("service_order_date", check_date, nullable=True),
        F("discharged_on", check_date, nullable=True),
        F("discharge_reason", one_of(vocab.DISCHARGE_REASONS), nullable=True),
        F("continuing_care_plan", check_text, nullable=True, extra=True),
        F("epsdt", check_bool, default=False, extra=True),
    ),
    "authorizations": (
        F("id", check_id, required=True),
        F("member_id", _ref, required=True, ref="members"),
        F("number", check_nonblank, required=True),
        F("start", check_date, required=True, column="start_date"),
        F("end", check_date, required=True, column="end_date"),
        F("units", whole_number(0, MAX_UNITS, ""), required=True),
        F("override_reason", check_text, nullable=True, extra=True),
    ),
    "pcps": (
        F("id", check_id, required=True),
        F("member_id", _ref, required=True, ref="members"),
        F("effective", check_date, required=True),
        F("last_review", check_date, nullable=True),
        # Checked by check_crisis_plan (an object spread over five columns); listed here for the key order.
        F("crisis_plan", check_text, nullable=True),
    ),
    "goals": (
        F("id", check_id, required=True),
        F("pcp_id", _ref, required=True, ref="pcps"),
        F("text", check_text, required=True),
        F("status", one_of(vocab.GOAL_STATUSES), required=True),
        F("status_on", check_date, nullable=True, extra=True),
        F("interventions", check_text_list, default=[]),
    ),
    "notes": (
        F("id", check_id, required=True),
        F("member_id", _ref, required=True, ref="members"),
        F("staff_id", _ref, required=True, ref="staff"),
        F("date", check_date, required=True),
        F("start_time", check_time, required=True),
        F("minutes", whole_number(0, MAX_MINUTES, " (one day)"), required=True),
        F("billable", check_bool, required=True),
        F("nonbillable_reason", check_text, nullable=True, extra=True),
        F("contact_type", one_of(vocab.CONTACT_TYPES), required=True),
        F("place", one_of(vocab.PLACES), required=True),
        F("identity_verified", check_bool, nullable=True, extra=True),
        F("consent", check_consent, nullable=True, extra=True),
        F("purpose", check_text, default=""),
        F("interventions", check_text, default=""),
        F("effectiveness", check_text, default=""),
        F("goal_ids", check_id_list, default=[]),
        F("signed_at", check_timestamp, nullable=True),
        F("signed_by_name", check_text, nullable=True, extra=True),
        F("signed_by_credentials", check_text, nullable=True, extra=True),
    ),
    "attempts": (
        F("id", check_id, required=True),
        F("member_id", _ref, required=True, ref="members"),
        F("staff_id", _ref, required=True, ref="staff"),
        F("at", check_timestamp, required=True),
        F("method", one_of(vocab.ATTEMPT_METHODS), required=True),
        F("outcome", one_of(vocab.ATTEMPT_OUTCOMES), required=True),
        F("detail", check_text, default=""),
    ),
    "supervisor_visits": (
        F("id", check_id, required=True),
        F("member_id", _ref, required=True, ref="members"),
        F("supervisor_id", _ref, required=True, ref="staff"),
        F("date", check_date, required=True),
        F("face_to_face", check_bool, required=True),
        F("notes", check_text, default="", extra=True),
    ),
    "supervision_sessions": (
        F("id", check_id, required=True),
        F("supervisor_id", _ref, required=True, ref="staff"),
        F("specialist_id", _ref, required=True, ref="staff"),
        F("date", check_date, required=True),
        F("notes", check_text, default="", extra=True),
    ),
}
# Bundle-only keys that are not a column of the list's table (kept apart from the row's columns).
LINK_KEYS = {"goals": "interventions", "notes": "goal_ids"}
# How problem lines name the target of a reference: "refers to staff 's7'".
NOUNS = {
    "staff": "staff",
    "members": "member",
    "pcps": "PCP",
    "goals": "goal",
    "notes": "note",
}
CRISIS_COLUMNS = ("crisis_triggers", "crisis_coping", "crisis_supports", "crisis_contacts", "crisis_wrap")


def check_crisis_plan(value: Any, where: str, problems: list[str]) -> dict[str, Any] | Any:
    """P-2: null (no crisis plan yet) or {triggers, coping, supports, contacts[, wrap]} -> five columns.

    Each of the four parts is a string, or null while not yet written (the app saves partial plans and the
    bundle must carry them unchanged); `wrap` is optional.
    """
    if value is None:
        return dict.fromkeys(CRISIS_COLUMNS)
    if not isinstance(value, dict):
        problems.append(
            f"{where}: must be null or an object with {', '.join(CRISIS_KEYS)} (got {got(value)})"
        )
        return BAD
    out: dict[str, Any] = {}
    ok = True
    for key in value:
        if key not in (*CRISIS_KEYS, "wrap"):
            problems.append(
                f"{where}.{show(key)}: unknown field (a crisis plan has {', '.join(CRISIS_KEYS)}, wrap)"
            )
            ok = False
    for key in (*CRISIS_KEYS, "wrap"):
        if key not in value:
            if key != "wrap":
                problems.append(f"{where}.{key}: missing (required)")
                ok = False
            out["crisis_" + key] = None
            continue
        item = value[key]
        if item is None:
            out["crisis_" + key] = None
            continue
        clean, why = check_text(item)
        if why:
            problems.append(f"{where}.{key}: {why}")
            ok = False
        out["crisis_" + key] = clean
    for key in _duplicate_keys(value):
        problems.append(f"{where}.{show(key)}: given more than once")
        ok = False
    return out if ok else BAD


# --- JSON parsing -----------------------------------------------------------------------------------------


class _DupDict(dict):  # type: ignore[type-arg]
    """A JSON object that had a key more than once (json.loads would silently keep the last)."""

    duplicates: tuple[str, ...] = ()


def _object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        dupes = []
        for key, _ in pairs:
            if key in seen and key not in dupes:
                dupes.append(key)
            seen.add(key)
        marked = _DupDict(obj)
        marked.duplicates = tuple(dupes)
        return marked
    return obj


def _duplicate_keys(obj: Mapping[str, Any]) -> tuple[str, ...]:
    return getattr(obj, "duplicates", ())


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def parse_json(text: str) -> Any:
    """json.loads, strict: NaN/Infinity refused, duplicate keys remembered, errors as one problem line."""
    text = text.removeprefix("\ufeff")  # a byte-order mark some Windows editors write
    try:
        return json.loads(text, object_pairs_hook=_object_pairs, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise BundleError(
            [f"bundle: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"]
        ) from None
    except ValueError as exc:
        raise BundleError([f"bundle: not valid JSON ({exc})"]) from None
    except RecursionError:
        raise BundleError(["bundle: not valid JSON (nested too deeply)"]) from None


# --- record validation ------------------------------------------------------------------------------------


@dataclass(slots=True)
class Record:
    """One bundle record after the field checks: its column values (BAD where refused) and its name."""

    list_name: str
    index: int
    label: str
    row: dict[str, Any]
    links: list[str] = field(default_factory=list)  # goal_ids of a note / interventions of a goal
    ok: bool = True  # every field passed

    @property
    def id(self) -> Any:
        return self.row.get("id", BAD)


@dataclass
class Parsed:
    """A bundle after the checks that need no database."""

    agency: dict[str, str]
    records: dict[str, list[Record]]
    problems: list[str]


def check_record(list_name: str, index: int, obj: Any, problems: list[str]) -> Record | None:
    """Check one record's fields; append a problem line per refused field."""
    specs = SPECS[list_name]
    if not isinstance(obj, dict):
        problems.append(f"{list_name}[#{index + 1}]: must be an object (got {got(obj)})")
        return None
    where = label(list_name, obj.get("id"), index)
    known = {s.key for s in specs}
    row: dict[str, Any] = {}
    links: list[str] = []
    ok = True
    for key in obj:
        if key not in known:
            problems.append(f"{where}.{show(key)}: unknown field (not part of a {list_name} record)")
            ok = False
    for key in _duplicate_keys(obj):
        problems.append(f"{where}.{show(key)}: given more than once")
        ok = False
    for spec in specs:
        if spec.key == "crisis_plan":
            crisis = check_crisis_plan(obj.get("crisis_plan"), f"{where}.crisis_plan", problems)
            if crisis is BAD:
                ok = False
                row.update(dict.fromkeys(CRISIS_COLUMNS, BAD))
            else:
                row.update(crisis)
            continue
        if spec.key not in obj:
            if spec.required:
                problems.append(f"{where}.{spec.key}: missing (required)")
                clean: Any = BAD
            else:
                clean = list(spec.default) if isinstance(spec.default, list) else spec.default
        else:
            value = obj[spec.key]
            if value is None and spec.nullable:
                clean = None
            else:
                clean, why = spec.check(value)
                if why:
                    problems.append(f"{where}.{spec.key}: {why}")
        if clean is BAD:
            ok = False
        if LINK_KEYS.get(list_name) == spec.key:
            links = clean if clean is not BAD else []
        else:
            row[spec.col] = clean
    record = Record(list_name, index, where, row, links, ok)
    _check_within_record(record, problems)
    return record


def _check_within_record(rec: Record, problems: list[str]) -> None:
    """Checks between two fields of the same record (end after start, discharge after admission)."""
    row = rec.row

    def after(first: str, second: str, first_key: str, second_key: str) -> None:
        a, b = row.get(first), row.get(second)
        if isinstance(a, date) and isinstance(b, date) and b < a:
            problems.append(
                f"{rec.label}.{second_key}: must be on or after {first_key} ({a.isoformat()}) "
                f"(got {b.isoformat()})"
            )
            row[second] = BAD
            rec.ok = False

    if rec.list_name == "authorizations":
        after("start_date", "end_date", "start", "end")
    elif rec.list_name == "members":
        after("admitted_on", "discharged_on", "admitted_on", "discharged_on")


def check_agency(value: Any, problems: list[str]) -> dict[str, str]:
    """The agency object -> the settings it gives (each key optional, unknown keys refused)."""
    if not isinstance(value, dict):
        problems.append(f"agency: must be an object with {', '.join(AGENCY_KEYS)} (got {got(value)})")
        return {}
    out: dict[str, str] = {}
    for key in value:
        if key not in AGENCY_KEYS:
            problems.append(
                f"agency.{show(key)}: unknown field (the agency object has {', '.join(AGENCY_KEYS)})"
            )
    for key in _duplicate_keys(value):
        problems.append(f"agency.{show(key)}: given more than once")
    if "name" in value:
        clean, why = check_nonblank(value["name"])
        if why:
            problems.append(f"agency.name: {why}")
        else:
            out["name"] = clean
    if "week_start" in value:
        clean, why = one_of(vocab.WEEK_STARTS)(value["week_start"])
        if why:
            problems.append(f"agency.week_start: {why} (W-1)")
        else:
            out["week_start"] = clean
    if "timezone" in value:
        tz = value["timezone"]
        if load_timezone(tz) is None:
            problems.append(
                f"agency.timezone: must be an IANA time zone name such as America/New_York (got {got(tz)})"
            )
        else:
            out["timezone"] = tz
    return out


def load_timezone(name: Any) -> Any:
    """A tzinfo for an IANA name, or None when `name` is not one (zoneinfo, the system's tz database)."""
    from zoneinfo import ZoneInfo

    if not isinstance(name, str) or not name or text_problem(name) or name != name.strip():
        return None
    try:
        return ZoneInfo(name)
    except Exception:  # ZoneInfoNotFoundError, ValueError for paths, IsADirectoryError, ...
        return None


def parse_bundle(text: str) -> Parsed:
    """Parse and check everything that needs no database; raise BundleError for a bad top level.

    A wrong format or version stops here (the records of an unknown format would only produce noise); any
    other problem is collected and the checks go on, so the user sees every problem at once.
    """
    data = parse_json(text)
    if not isinstance(data, dict):
        raise BundleError([f'bundle: must be a JSON object with "format": "{FORMAT}" (got {got(data)})'])
    problems: list[str] = []
    fmt, version = data.get("format", BAD), data.get("version", BAD)
    if fmt != FORMAT or not isinstance(fmt, str):
        shown = "missing" if fmt is BAD else f"got {got(fmt)}"
        problems.append(f'bundle.format: must be "{FORMAT}" ({shown})')
    if version != VERSION or not isinstance(version, int) or isinstance(version, bool):
        shown = "missing" if version is BAD else f"got {got(version)}"
        problems.append(f"bundle.version: must be {VERSION} ({shown})")
    if problems:
        raise BundleError(problems)
    for key in data:
        if key not in TOP_KEYS:
            problems.append(f"bundle.{show(key)}: unknown top-level key (a bundle has {', '.join(TOP_KEYS)})")
    for key in _duplicate_keys(data):
        problems.append(f"bundle.{show(key)}: given more than once")
    agency = check_agency(data["agency"], problems) if "agency" in data else {}
    records: dict[str, list[Record]] = {}
    for list_name in LISTS:
        items = data.get(list_name, [])
        if not isinstance(items, list):
            problems.append(f"{list_name}: must be a list of objects (got {got(items)})")
            items = []
        recs = [check_record(list_name, i, obj, problems) for i, obj in enumerate(items)]
        records[list_name] = [r for r in recs if r is not None]
        _check_unique_ids(list_name, records[list_name], problems)
    return Parsed(agency, records, problems)


def _check_unique_ids(list_name: str, records: list[Record], problems: list[str]) -> None:
    """Ids are unique per list; a duplicate would make "which one wins" depend on order."""
    where: dict[str, list[int]] = {}
    for rec in records:
        if rec.id is not BAD:
            where.setdefault(rec.id, []).append(rec.index + 1)
    for record_id, positions in where.items():
        if len(positions) > 1:
            items = ", ".join(str(p) for p in positions)
            problems.append(
                f"{list_name}[{show(record_id)}].id: used by more than one record (items {items})"
            )
    dupes = {k for k, v in where.items() if len(v) > 1}
    for rec in records:
        if rec.id in dupes:
            rec.ok = False
