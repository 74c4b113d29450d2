"""A realistic, deterministic synthetic agency for an empty database (`cpss-tui demo`, the welcome screen).

Why it exists: a new user (or a trainer, or a test) needs a caseload that looks like a real week at a peer
support agency, with every compliance situation of `spec/rules.md` visible on the dashboards, without one byte of
real member data. Names are plainly fake ("Avery Testperson"), Medicaid ids start with `DEMO`, phone numbers are
555-01xx, and the agency is called "Hope Peer Services (demo)".

Determinism: every row, ids included, is a function of `seed` and `as_of` only. All choices come from one
`random.Random` seeded from the seed; ids are UUID4-shaped strings drawn from a second seeded generator, so two
databases generated with the same arguments are identical apart from `created_at` / `updated_at` (the wall clock
of the run) and the audit log's timestamps.

Speed (the 500-member / 5-year agency is about 183,000 notes, written in 25-40 s on a 2-core machine): rows are built as plain dicts and
written with SQLAlchemy Core `insert(table)` executemany in chunks, inside ONE `write_session` (BEGIN IMMEDIATE),
so the whole agency appears atomically or not at all. Per-row audit entries are suspended for this one
load (`sqlite.audit_triggers_suspended`: the audit triggers are dropped and re-created inside the same
transaction, and the log gets one entry per table naming the demo generator and the row count); the N-3 lock
triggers stay in force. Rows go in id order and the page cache is enlarged for the one transaction.

The shape of the agency (W-1 weeks start on Monday; time zone America/New_York):
- Supervisors: one per up to 8 specialists (S-3), licensed (LCSW, LCAS, LCMHC, LCSW-A), with the approved
  supervisor training dated before they started (S-5).
- Specialists: "NC CPSS", FTE 1.0 except every tenth (index 2, 12, ...) at 0.5, so the default agency has one
  half-time specialist; 20 training hours, except, in agencies of 10+ specialists, one with a shortfall (S-5).
- Members: each specialist has floor(10 x FTE) caseload *slots* (S-1); a slot holds one member at a time, so the
  caseload is within capacity on every day of the history, not only at `as_of`. When there are more members
  than slots, earlier members in a slot were discharged before the next one was admitted. Payers are mostly
  nc-medicaid, with nc-state, nc-wellcare, la-lhcc and ct-waiver each present; everyone is an adult (21+, M-1).
  The service order is dated 2-10 days before admission (N-7).
- Authorizations (U-5, U-7): periods of at most 90 days, 16 units per week, two back to back and then a pause
  until the 12-month window allows more, so no 365-day window holds more than 180 authorized days. Members whose
  tenure runs past 180 days therefore show unauthorized time in those pauses, as the rules say they would. An
  authorization is on file once its start is at most 30 days ahead of `as_of` (reauthorizations are approved
  ahead), and no member other than the one below is `reauth-due` (U-8).
- PCPs (P-1..P-5): one per member, effective on admission, reviewed every 330 days (never review-due), 2-3 goals in
  the member's own words, 2-3 interventions each, a crisis plan; goal status history in goal_status_change.
- Notes (N-1..N-7, C-1): one or two direct contacts most weeks, every contact type and place, 15-120 minutes
  starting 08:00-17:00, at most 16 billable units per member-week (U-3/U-4 are never exceeded), never overlapping
  another note of the same specialist (N-6), within admission..discharge and never after `as_of`, linked to 1-2
  of the member's current goals (P-3), signed with the correct New York offset except a few recent ones, some
  non-billable transportation (U-2), audio-only always with identity verified and consent (N-5). A few signed
  notes carry an addendum (N-3).
- Attempts (C-2): in weeks without a direct contact (a few percent of past weeks), and now and then before a
  contact; `at` carries the New York offset, `at_utc` is the same instant in UTC, `on_date` the local day.
- Supervisor visits (V-1..V-3): face to face, by the specialist's supervisor, the first within 30 days of
  admission and then every 45-58 days.
- Supervision sessions (S-4): weekly for each specialist, on a day not after `as_of`.

Guaranteed situations (any size with at least 8 members; each is a different member), relative to `as_of`:
1. ATTEMPTED: the previous full week is met by attempts only: no direct contact, 2 attempts on 2 different days
   (C-3 `attempted`). Other past weeks of other members are sometimes `attempted` too.
2. MISSED: exactly one member has a missed week, the previous full week: no direct contact and a single attempt
   (C-3 `missed`, C-4 needs attention). That member has no contact yet in the current week either.
3. OVERDUE: the last counting supervisor visit was 70 days before `as_of` (V-3/V-4 `overdue`, due 10 days ago:
   the most overdue obligation on the supervisor's due board, ahead of the previous week's missed contact and
   supervision session, so a new supervisor sees it first).
4. DUE_SOON: the last counting supervisor visit was 55 days before `as_of` (V-4 `due-soon`, due in 5 days).
5. REAUTH: admitted 80 days before `as_of`; the only authorization ends 9 days after `as_of`, none later (U-8).
6. NO_CRISIS: the PCP has no crisis plan (every crisis column NULL; P-2 `incomplete`).
7. DISCHARGED: discharged 20 days before `as_of` with reason `goals-met` (goals marked achieved that day).
8. RECENT: admitted 12 days before `as_of` into the discharged member's slot (inside the first 30 days; U-4
   early weeks; first visit due in 18 days, not yet made).
Everyone else is in good standing at `as_of`: a direct contact in the current week on or before `as_of`, no missed
week anywhere in their history, the next supervisor visit due more than 7 days after `as_of`, authorization
current or in its pause but not reauth-due, PCP and crisis plan complete, weekly supervision of every specialist
in every week except one: the second specialist (the first when there is only one) has no session in the
previous full week (S-4).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, Executable, Table, func, insert, literal_column, select, update
from sqlalchemy.orm import Session

from cpss_tui import vocab
from cpss_tui.data import sqlite
from cpss_tui.data.db import write_session
from cpss_tui.data.models import (
    AppSetting,
    Attempt,
    Authorization,
    Goal,
    GoalStatusChange,
    Intervention,
    Member,
    Note,
    NoteAddendum,
    NoteGoal,
    Pcp,
    Staff,
    SupervisionSession,
    SupervisorVisit,
    utcnow,
)

AGENCY_NAME = "Hope Peer Services (demo)"
TIMEZONE = "America/New_York"
WEEK_START = "monday"  # W-1 default; weeks below are Monday..Sunday
MIN_MEMBERS = 8  # one member per guaranteed situation
MIN_HISTORY_DAYS = 91  # the OVERDUE member needs 70 days of visits after a first visit
OVERDUE_LAST_VISIT_DAYS = 70  # V-4 due 60 days after: 10 days overdue, before last week's end (C-3, S-4)
BULK_CACHE_KIB = -400_000  # negative: KiB (about 400 MB at most, only while the demo is written)
CHUNK = 5_000  # rows per executemany; bounds memory of one statement's parameters

# Roles of the guaranteed situations (module docstring).
ATTEMPTED = "attempted"
MISSED = "missed"
OVERDUE = "visit-overdue"
DUE_SOON = "visit-due-soon"
REAUTH = "reauth-due"
NO_CRISIS = "no-crisis-plan"
DISCHARGED = "discharged"
RECENT = "recent"

# Authorization timing (U-7): a pair of 90-day periods, then the next pair 365 days after the first began.
AUTH_DAYS = 90
AUTH_CYCLE = 365
AUTH_APPROVED_AHEAD = 30
# Members whose second period of a pair would end within 14 days of as_of (U-8) are admitted at another time:
# tenure t (days before as_of) with t mod 365 in this band is avoided for members in good standing.
_REAUTH_BAND = range(2 * AUTH_DAYS - 1 - 14, 2 * AUTH_DAYS - 1 + 14 + 1)
WEEKLY_BILLABLE_MINUTES = 240  # 16 units (U-4 week cap after the early weeks); also keeps U-3 day cap
FOUNDING_SHARE = 0.85  # histories over a year: members admitted in the first tenth of it
REVIEW_EVERY_DAYS = 330  # P-5: reviewed before the 365-day mark, never due-soon (30 days) at as_of


class DemoError(Exception):
    """The demo cannot be written (the database is not empty, or the requested agency is too small)."""


@dataclass(frozen=True)
class DemoSummary:
    """What `generate` wrote: rows per table and how long it took."""

    counts: dict[str, int]
    elapsed: float
    as_of: date
    seed: int

    def describe(self) -> str:
        """One line for the command line: the main counts and the time taken."""
        c = self.counts
        supervisors = c.get("supervisors", 0)
        specialists = c.get("staff", 0) - supervisors
        return (
            f"{c.get('member', 0)} members, {specialists} specialists, {supervisors} supervisors, "
            f"{c.get('note', 0)} notes, {c.get('attempt', 0)} attempts, {c.get('supervisor_visit', 0)} visits, "
            f"{c.get('prior_authorization', 0)} authorizations in {self.elapsed:.1f} s"
        )


# --- Word lists: small, obviously made up ----------------------------------------------------------------

FIRST_NAMES = (
    "Avery",
    "Jordan",
    "Riley",
    "Casey",
    "Morgan",
    "Quinn",
    "Rowan",
    "Skyler",
    "Harper",
    "Emerson",
    "Finley",
    "Sawyer",
    "Dakota",
    "Reese",
    "Parker",
    "Hayden",
    "Jamie",
    "Kendall",
    "Logan",
    "Peyton",
    "Blake",
    "Cameron",
    "Drew",
    "Elliot",
    "Frankie",
    "Jessie",
    "Marley",
    "Noel",
    "Remy",
    "Tatum",
)
LAST_NAMES = (
    "Testperson",
    "Sampleton",
    "Demoski",
    "Placeholder",
    "Mockridge",
    "Exampleby",
    "Dummett",
    "Fakerson",
    "Trialson",
    "Pretendo",
    "Specimen",
    "Mockingham",
    "Fictitia",
    "Madeupson",
    "Standin",
    "Prototype",
)
STAFF_LAST_NAMES = ("Demoworth", "Samplefield", "Testwood", "Mockford", "Trialby", "Examplar", "Pilotson")
SUPERVISOR_CREDENTIALS = ("LCSW", "LCAS", "LCMHC", "LCSW-A")
SPECIALIST_CREDENTIALS = "NC CPSS"
# Weights: mostly nc-medicaid (payer, weight).
PAYER_WEIGHTS = (("nc-medicaid", 70), ("nc-state", 10), ("nc-wellcare", 10), ("la-lhcc", 5), ("ct-waiver", 5))

GOALS = (
    (
        "I want to get my own apartment",
        ("Practice calling landlords together", "Make a moving budget", "Visit the housing authority office"),
    ),
    (
        "I want to go back to work part time",
        ("Update my resume together", "Role-play a job interview", "Look up Vocational Rehabilitation hours"),
    ),
    (
        "I want to stop ending up in the ER",
        (
            "Make a list of early warning signs",
            "Practice calling the warm line",
            "Plan what to do on bad nights",
        ),
    ),
    (
        "I want to see my kids every weekend",
        ("Plan the bus route to visits", "Practice calm talks with my ex", "Keep a visit calendar"),
    ),
    (
        "I want to stay sober one day at a time",
        ("Find a recovery meeting I like", "Share my recovery story", "Plan sober weekend activities"),
    ),
    (
        "I want to have friends again",
        ("Try the drop-in center together", "Practice starting a conversation", "Join a peer support group"),
    ),
    (
        "I want to manage my money",
        ("Make a monthly budget", "Open a bank account", "Plan for the rent first"),
    ),
    (
        "I want to take my meds without my mom reminding me",
        ("Set up a pill organizer", "Use phone reminders", "Practice talking to my prescriber"),
    ),
    ("I want to finish my GED", ("Visit the community college", "Set study times", "Find a study buddy")),
    (
        "I want to sleep through the night",
        ("Make a bedtime routine", "Track my sleep", "Talk with my doctor about sleep"),
    ),
    (
        "I want to get my driver's license back",
        ("Call DMV about the steps", "Study the handbook together", "Plan for the fees"),
    ),
    (
        "I want to feel less alone in my apartment",
        ("Plan one outing each week", "Try the library group", "Call my sister on Sundays"),
    ),
)
PURPOSES = (
    "Work on {goal} as planned in the PCP.",
    "Check in on progress toward {goal}.",
    "Follow up from last week on {goal}.",
    "Plan next steps for {goal}.",
)
INTERVENTIONS = (
    "Shared my own recovery experience; {intervention}.",
    "Modeled and role-played; {intervention}.",
    "Helped member problem-solve barriers; {intervention}.",
    "Encouraged self-advocacy; {intervention}.",
)
EFFECTIVENESS = (
    "Member engaged well and set a next step for the week.",
    "Member reported feeling more hopeful; plan to continue.",
    "Partial progress; member wants to try again next week.",
    "Member completed the step and named a new one.",
    "Member was tired but stayed engaged for most of the visit.",
)
COLLATERAL_TEXT = (
    "Spoke with member's sister (with release) about weekend plans.",
    "Coordinated with member's therapist (with release) about the crisis plan.",
    "Called the housing office (with release) about the application.",
)
TRANSPORT_TEXT = "Drove member to the pharmacy and the food bank."
ATTEMPT_DETAIL = {
    "no-answer": "Called, no answer; no voicemail set up.",
    "left-message": "Left a message asking member to call back.",
    "wrong-number": "Number on file reached someone else; will check with family.",
    "not-home": "Stopped by the home, no one answered; left a card.",
    "declined": "Member answered and said not this week.",
    "rescheduled": "Member asked to meet next week instead.",
    "other": "Sent a note through the member's case manager.",
}
ATTEMPT_METHODS = (
    ("phone", ("no-answer", "left-message", "wrong-number", "declined", "rescheduled")),
    ("text", ("no-answer", "rescheduled")),
    ("home-visit", ("not-home",)),
    ("letter", ("other",)),
    ("email", ("no-answer",)),
    ("collateral", ("other", "left-message")),
)
ADDENDUM_TEXT = (
    "Correction: the member's next appointment is on Thursday, not Tuesday.",
    "Addendum: member called later the same day to confirm the plan.",
    "Correction: duration included 10 minutes of travel time, which was not billed.",
)
CRISIS = {
    "crisis_triggers": "Loud arguments at home; running out of money before the end of the month; anniversaries.",
    "crisis_coping": "Walk around the block, call the warm line, listen to music, write in my journal.",
    "crisis_supports": "My sister Jo (demo) and my peer support specialist.",
    "crisis_contacts": "Mobile crisis 555-0100 (demo); 988; Dr. Sample's office 555-0142 (demo).",
}
DIRECT_TYPES = (("face-to-face", 72), ("telehealth", 12), ("audio-only", 8), ("group", 8))
PLACES_FACE = (("home", 40), ("community", 40), ("agency-office", 12), ("other", 8))
# Pools with repeats stand for weights, so one uniform pick is a weighted choice.
_DIRECT_POOL = tuple(kind for kind, weight in DIRECT_TYPES for _ in range(weight))
_PLACE_POOL = {
    "face-to-face": tuple(place for place, weight in PLACES_FACE for _ in range(weight)),
    "telehealth": ("remote",),
    "audio-only": ("remote",),
    "group": ("agency-office",) * 4 + ("community",),
    "collateral": ("agency-office", "remote", "other"),
}
_STARTS = tuple(range(8 * 60, 17 * 60 + 1, 15))  # note start times, 08:00..17:00
_HHMM = {m: f"{m // 60:02d}:{m % 60:02d}" for m in range(24 * 60)}
MINUTES = {
    "face-to-face": (45, 60, 60, 60, 75, 90, 120),
    "telehealth": (30, 45, 60),
    "audio-only": (15, 20, 30, 45),
    "group": (60, 90),
    "collateral": (15, 20, 30),
}


# --- Plan of one member ------------------------------------------------------------------------------------


@dataclass
class _Member:
    """Everything decided about one member before rows are written."""

    id: str
    specialist: int
    admit: date
    role: str | None = None
    discharged: date | None = None
    reason: str | None = None
    payer: str = "nc-medicaid"
    goals: list[tuple[str, date | None]] = field(default_factory=list)  # (goal id, last usable date)
    purposes: list[tuple[str, ...]] = field(default_factory=list)  # per goal: the note texts to pick from
    interventions: list[tuple[str, ...]] = field(default_factory=list)


class _Builder:
    """Builds the rows of every table as plain dicts (no ORM objects: they cost ~20x more per row)."""

    def __init__(self, *, members: int, specialists: int, history_days: int, seed: int, as_of: date) -> None:
        self.rng = random.Random(f"cpss-tui demo {seed}")
        self._random = self.rng.random
        # Share of member-weeks with a single direct contact (the rest have two, a few three).
        self.one_contact = 0.45
        self._id_rng = random.Random(f"cpss-tui demo ids {seed}")
        self.n_members = members
        self.n_specialists = specialists
        self.history_days = history_days
        self.as_of = as_of
        self.start = as_of - timedelta(days=history_days)
        self.now = utcnow()
        self.tz = ZoneInfo(TIMEZONE)
        self._offsets: dict[date, tuple[str, timedelta]] = {}
        self.rows: dict[str, list[dict[str, Any]]] = {t.name: [] for t in _TABLES}
        self.busy: dict[tuple[int, date], list[tuple[int, int]]] = {}
        self.staff: list[dict[str, Any]] = []  # specialists, in index order
        self.supervisor_of: list[dict[str, Any]] = []  # specialist index -> supervisor row
        self.members: list[_Member] = []
        self._auth_no = 0

    # -- small helpers --------------------------------------------------------------------------------------

    def new_id(self) -> str:
        """A UUID4-shaped id from the seeded id generator (deterministic, yet looks like what the app writes)."""
        n = self._id_rng.getrandbits(128)
        n = (n & ~(0xF000 << 64)) | (0x4000 << 64)  # version 4
        n = (n & ~(0xC000 << 48)) | (0x8000 << 48)  # RFC 4122 variant
        h = f"{n:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def offset(self, day: date) -> tuple[str, timedelta]:
        """The agency's UTC offset on `day` after 03:00 local (DST switches at 02:00), as text and timedelta."""
        cached = self._offsets.get(day)
        if cached is None:
            delta = datetime(day.year, day.month, day.day, 12, tzinfo=self.tz).utcoffset()
            assert delta is not None
            total = int(delta.total_seconds()) // 60
            sign = "-" if total < 0 else "+"
            text = f"{sign}{abs(total) // 60:02d}:{abs(total) % 60:02d}"
            cached = self._offsets[day] = (text, delta)
        return cached

    def local_iso(self, day: date, minute_of_day: int) -> str:
        """ISO 8601 timestamp with the New York offset of that day (times are all after 03:00)."""
        return f"{day.isoformat()}T{minute_of_day // 60:02d}:{minute_of_day % 60:02d}:00{self.offset(day)[0]}"

    def utc(self, day: date, minute_of_day: int) -> datetime:
        """The same instant as `local_iso`, as an aware UTC datetime."""
        local = datetime(day.year, day.month, day.day, minute_of_day // 60, minute_of_day % 60, tzinfo=UTC)
        return local - self.offset(day)[1]

    def weighted(self, pairs: Sequence[tuple[str, int]]) -> str:
        return self.rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]

    def tenure(self, low: int) -> int:
        """Days from admission to as_of for a member in good standing (avoids U-8 reauth-due timing).

        In histories over a year most members belong to the founding caseload (admitted in the first tenth of
        the history), as in an agency that has been running at capacity; the rest are spread evenly.
        """
        high = max(low, self.history_days)
        if self.history_days > 365 and self._random() < FOUNDING_SHARE:
            low = max(low, int(self.history_days * 0.9))
        for _ in range(1000):
            t = self.rng.randint(low, high)
            if t % AUTH_CYCLE not in _REAUTH_BAND:
                return t
        raise DemoError("cannot place a member's admission")  # pragma: no cover - band is 29 of 365 days

    # -- staff ----------------------------------------------------------------------------------------------

    def build_staff(self) -> list[int]:
        """Supervisors and specialists; returns each specialist's caseload capacity (S-1)."""
        n_sup = math.ceil(self.n_specialists / 8)  # S-3: at most 8 specialists each
        supervisors = []
        for i in range(n_sup):
            started = self.start - timedelta(days=self.rng.randint(200, 900))
            row = {
                "id": self.new_id(),
                "name": f"{FIRST_NAMES[(i * 7 + 3) % len(FIRST_NAMES)]} {STAFF_LAST_NAMES[i % len(STAFF_LAST_NAMES)]}",
                "role": "supervisor",
                "credentials": SUPERVISOR_CREDENTIALS[i % len(SUPERVISOR_CREDENTIALS)],
                "fte": None,
                "supervisor_id": None,
                "started_on": started,
                "training_hours": 20.0,
                "supervisor_training_on": started - timedelta(days=self.rng.randint(5, 60)),
            }
            supervisors.append(row)
        capacities = []
        shortfall = self.n_specialists - 1 if self.n_specialists >= 10 else -1
        for j in range(self.n_specialists):
            fte = 0.5 if j % 10 == 2 else 1.0
            row = {
                "id": self.new_id(),
                "name": f"{FIRST_NAMES[(j * 11 + 5) % len(FIRST_NAMES)]} "
                f"{STAFF_LAST_NAMES[(j + 3) % len(STAFF_LAST_NAMES)]}",
                "role": "specialist",
                "credentials": SPECIALIST_CREDENTIALS,
                "fte": fte,
                "supervisor_id": supervisors[j % n_sup]["id"],
                "started_on": self.start - timedelta(days=self.rng.randint(30, 700)),
                "training_hours": 14.0 if j == shortfall else 20.0,
                "supervisor_training_on": None,
            }
            self.staff.append(row)
            self.supervisor_of.append(supervisors[j % n_sup])
            capacities.append(math.floor(10 * fte + 1e-9))
        self.rows["staff"].extend(supervisors)
        self.rows["staff"].extend(self.staff)
        return capacities

    # -- members --------------------------------------------------------------------------------------------

    def plan_members(self, capacities: list[int]) -> None:
        """Decide every member's specialist, admission, discharge and role (see the module docstring)."""
        slots_total = sum(capacities)
        chains = max(1, self.n_members - slots_total)  # slots holding a discharged member and a successor
        if self.n_members < 2 * chains + 6:
            raise DemoError(
                f"{self.n_members} members do not fit the caseload capacity of {self.n_specialists} specialists "
                f"({slots_total} places at 10 per FTE, S-1); add specialists or fewer members"
            )
        # Slots in round-robin order over specialists, so members spread evenly.
        slots = [j for k in range(max(capacities)) for j in range(len(capacities)) if k < capacities[j]]
        self.rng.shuffle(slots)
        as_of = self.as_of
        H = self.history_days

        def day(t: int) -> date:
            return as_of - timedelta(days=t)

        plans: list[_Member] = []
        slot_iter = iter(slots)
        # Chain 0: DISCHARGED then RECENT.
        spec = next(slot_iter)
        t_d = self.rng.randint(80, max(80, min(H, 190)))
        plans.append(_Member("", spec, day(t_d), DISCHARGED, day(20), "goals-met"))
        plans.append(_Member("", spec, day(12), RECENT))
        # Other chains: a member discharged earlier in the history, then a successor in good standing.
        for _ in range(chains - 1):
            spec = next(slot_iter)
            for _attempt in range(1000):
                t_pred = self.rng.randint(max(60, int(H * 0.6)), max(60, H))
                stay = self.rng.randint(45, max(45, min(300, t_pred - 60)))
                discharged = day(t_pred) + timedelta(days=stay)
                succ = discharged + timedelta(days=self.rng.randint(3, 21))
                t_succ = (as_of - succ).days
                if discharged <= day(45) and t_succ >= 0 and t_succ % AUTH_CYCLE not in _REAUTH_BAND:
                    break
            else:  # pragma: no cover - history too short for chains; checked by MIN_HISTORY_DAYS
                raise DemoError("the history is too short for this many members")
            reason = self.rng.choice(vocab.DISCHARGE_REASONS)
            plans.append(_Member("", spec, day(t_pred), None, discharged, reason))
            plans.append(_Member("", spec, succ))
        specials = [
            (MISSED, 30),
            (ATTEMPTED, 30),
            (OVERDUE, 75),
            (DUE_SOON, 70),
            (REAUTH, 80),
            (NO_CRISIS, 0),
        ]
        for role, low in specials:
            t = 80 if role == REAUTH else self.tenure(low)
            plans.append(_Member("", next(slot_iter), day(t), role))
        while len(plans) < self.n_members:
            plans.append(_Member("", next(slot_iter), day(self.tenure(0))))
        # Ids and names in admission order, so the member list reads naturally.
        plans.sort(key=lambda m: (m.admit, m.specialist))
        other_payers = [p for p, _ in PAYER_WEIGHTS[1:]]
        for i, m in enumerate(plans):
            m.id = self.new_id()
            m.payer = other_payers[i // 2] if i % 2 and i < 8 else self.weighted(PAYER_WEIGHTS)
            age_days = self.rng.randint(22 * 365 + 6, 66 * 365)
            name = f"{FIRST_NAMES[self.rng.randrange(len(FIRST_NAMES))]} {LAST_NAMES[self.rng.randrange(len(LAST_NAMES))]}"
            self.rows["member"].append(
                {
                    "id": m.id,
                    "name": name,
                    "medicaid_id": f"DEMO{i + 1:05d}{'ABCDEFGHJK'[i % 10]}",
                    "birth_date": m.admit - timedelta(days=age_days),
                    "payer": m.payer,
                    "specialist_id": self.staff[m.specialist]["id"],
                    "admitted_on": m.admit,
                    "service_order_date": m.admit - timedelta(days=self.rng.randint(2, 10)),
                    "discharged_on": m.discharged,
                    "discharge_reason": m.reason,
                    # M-3: la-lhcc discharges need a continuing care plan.
                    "continuing_care_plan": "Follow-up with the clinic monthly (demo)."
                    if m.discharged and m.payer == "la-lhcc"
                    else None,
                    "epsdt": False,
                }
            )
        self.members = plans

    # -- per member ---------------------------------------------------------------------------------------

    def last_day(self, m: _Member) -> date:
        return min(m.discharged, self.as_of) if m.discharged else self.as_of

    def build_authorizations(self, m: _Member) -> None:
        """U-5/U-7: <= 90 days each, pairs back to back, the next pair a year after the last one began."""
        horizon = self.as_of + timedelta(days=AUTH_APPROVED_AHEAD)
        pair_start = m.admit
        while pair_start <= horizon:
            s = pair_start
            for k in range(2):
                if s > horizon or (m.discharged and s > m.discharged):
                    break
                if m.role == REAUTH and k == 1:
                    break  # U-8: the current authorization has no successor
                e = s + timedelta(days=AUTH_DAYS - 1)
                if m.discharged and e > m.discharged:
                    e = m.discharged  # closed at discharge
                self._auth_no += 1
                weeks = math.ceil(((e - s).days + 1) / 7)
                self.rows["prior_authorization"].append(
                    {
                        "id": self.new_id(),
                        "member_id": m.id,
                        "number": f"PA-DEMO-{self._auth_no:06d}",
                        "start_date": s,
                        "end_date": e,
                        "units": 16 * weeks,
                        "override_reason": None,
                    }
                )
                s = e + timedelta(days=1)
            if m.discharged and s > m.discharged:
                break
            pair_start += timedelta(days=AUTH_CYCLE)

    def build_pcp(self, m: _Member) -> None:
        """P-1/P-2/P-5: PCP at admission with goals, interventions and (except NO_CRISIS) a crisis plan."""
        rng = self.rng
        last_review = m.admit
        while last_review + timedelta(days=REVIEW_EVERY_DAYS) <= self.last_day(m):
            last_review += timedelta(days=REVIEW_EVERY_DAYS)
        pcp_id = self.new_id()
        crisis: dict[str, str | None] = dict.fromkeys(CRISIS, None) if m.role == NO_CRISIS else dict(CRISIS)
        wrap = (
            None
            if m.role == NO_CRISIS or rng.random() < 0.6
            else "WRAP on file, reviewed with member (demo)."
        )
        self.rows["pcp"].append(
            {
                "id": pcp_id,
                "member_id": m.id,
                "effective": m.admit,
                "last_review": last_review,
                **crisis,
                "crisis_wrap": wrap,
            }
        )
        staff_id = self.staff[m.specialist]["id"]
        chosen = rng.sample(range(len(GOALS)), rng.choice((2, 3, 3)))
        tenure_end = self.last_day(m)
        for n, g in enumerate(chosen):
            text, interventions = GOALS[g]
            goal_id = self.new_id()
            status, status_on = "active", m.admit
            changes = [("active", m.admit)]
            usable_until: date | None = None
            if m.discharged is not None:
                status = "achieved" if m.reason == "goals-met" else "discontinued"
                status_on = m.discharged
                changes.append((status, status_on))
                usable_until = m.discharged
            elif n == 2 and (tenure_end - m.admit).days > 200 and rng.random() < 0.5:
                # P-4: one goal reached during a long tenure; the other two stay active for the notes.
                status = "achieved"
                status_on = m.admit + timedelta(days=rng.randint(120, (tenure_end - m.admit).days - 30))
                changes.append((status, status_on))
                usable_until = status_on
            self.rows["goal"].append(
                {
                    "id": goal_id,
                    "pcp_id": pcp_id,
                    "text": text,
                    "status": status,
                    "status_on": status_on,
                }
            )
            for changed_status, on in changes:
                self.rows["goal_status_change"].append(
                    {
                        "id": self.new_id(),
                        "goal_id": goal_id,
                        "status": changed_status,
                        "changed_on": on,
                        "recorded_at": self.utc(on, 12 * 60 + 30),
                        "staff_id": staff_id,
                    }
                )
            picked = interventions[: rng.choice((2, 3))]
            for pos, itext in enumerate(picked, start=1):
                self.rows["intervention"].append(
                    {"id": self.new_id(), "goal_id": goal_id, "position": pos, "text": itext}
                )
            m.goals.append((goal_id, usable_until))
            m.purposes.append(tuple(p.format(goal=f'"{text}"') for p in PURPOSES))
            m.interventions.append(
                tuple(t.format(intervention=i.lower()) for t in INTERVENTIONS for i in picked)
            )

    def build_visits(self, m: _Member) -> None:
        """V-1..V-3: backwards from the last visit, 45-58 days apart, the first within 30 days of admission."""
        rng = self.rng
        as_of, end = self.as_of, self.last_day(m)
        t = (end - m.admit).days
        if m.role == OVERDUE:
            last = as_of - timedelta(days=OVERDUE_LAST_VISIT_DAYS)
        elif m.role == DUE_SOON:
            last = as_of - timedelta(days=55)
        elif m.discharged is not None:
            last = end - timedelta(days=rng.randint(0, min(40, t)))
        elif t < 3:
            return  # admitted in the last days: first visit due in 28+ days
        elif t < 23 and (m.role == RECENT or rng.random() < 0.5):
            return  # first visit (due admission + 30) not yet made, and not due within 7 days
        else:
            last = as_of - timedelta(days=rng.randint(0, min(52, t - 3)))
        dates = [last]
        while (dates[-1] - m.admit).days > 30:
            dates.append(dates[-1] - timedelta(days=rng.randint(45, 58)))
        if dates[-1] < m.admit + timedelta(days=3):
            # Interval overshot the admission: the first visit goes 3-28 days in, at most 58 before the next.
            nxt = dates[-2] if len(dates) > 1 else last
            lo = max(m.admit + timedelta(days=3), nxt - timedelta(days=58))
            hi = min(m.admit + timedelta(days=28), nxt - timedelta(days=1))
            if len(dates) > 1:
                dates[-1] = lo + timedelta(days=rng.randint(0, max(0, (hi - lo).days)))
            else:
                dates[-1] = max(m.admit, min(last, hi))
        supervisor_id = self.supervisor_of[m.specialist]["id"]
        for d in reversed(dates):
            self.rows["supervisor_visit"].append(
                {
                    "id": self.new_id(),
                    "member_id": m.id,
                    "supervisor_id": supervisor_id,
                    "date": d,
                    "face_to_face": True,
                    "notes": "Face-to-face visit with member and specialist; PCP reviewed.",
                }
            )

    # -- notes and attempts ----------------------------------------------------------------------------------

    def pick(self, seq: Sequence[Any]) -> Any:
        """`rng.choice`, about three times faster (the notes loop makes millions of choices)."""
        return seq[int(self._random() * len(seq))]

    def find_start(self, spec: int, day: date, minutes: int) -> int | None:
        """A start time (minute of day, 08:00-17:00) free of this specialist's other notes (N-6)."""
        busy = self.busy.setdefault((spec, day), [])
        for _ in range(8):
            s = self.pick(_STARTS)
            if all(s >= e or s + minutes <= b for b, e in busy):
                busy.append((s, s + minutes))
                return s
        for s in _STARTS:  # dense day: first free slot
            if all(s >= e or s + minutes <= b for b, e in busy):
                busy.append((s, s + minutes))
                return s
        return None

    def add_note(
        self,
        m: _Member,
        day: date,
        contact: str,
        minutes: int,
        usable: list[int],
        *,
        billable: bool = True,
        place: str | None = None,
        purpose: str | None = None,
        interventions: str | None = None,
    ) -> bool:
        """One note row (and its goal links) if the specialist has a free slot that day."""
        start = self.find_start(m.specialist, day, minutes)
        if start is None:
            return False
        random = self._random
        if place is None:
            place = self.pick(_PLACE_POOL[contact])
        first = self.pick(usable)
        linked = [first]
        if len(usable) > 1 and random() < 0.15:
            second = self.pick(usable)
            if second != first:
                linked.append(second)
        staff = self.staff[m.specialist]
        note_id = self.new_id()
        audio = contact == "audio-only"
        signed_minute = min(start + minutes + 5 + int(random() * 175), 23 * 60 + 45)
        self.rows["note"].append(
            {
                "id": note_id,
                "member_id": m.id,
                "staff_id": staff["id"],
                "date": day,
                "start_time": _HHMM[start],
                "minutes": minutes,
                "billable": billable,
                "nonbillable_reason": None if billable else "transportation",
                "contact_type": contact,
                "place": place,
                "purpose": purpose or self.pick(m.purposes[first]),
                "interventions": interventions or self.pick(m.interventions[first]),
                "effectiveness": self.pick(EFFECTIVENESS),
                "identity_verified": True if audio else None,  # N-5
                "consent": self.pick(("verbal", "verbal", "written")) if audio else None,
                "signed_at": self.local_iso(day, signed_minute),
                "signed_by_name": staff["name"],
                "signed_by_credentials": staff["credentials"],
            }
        )
        note_goal = self.rows["note_goal"]
        for i in linked:
            note_goal.append({"note_id": note_id, "goal_id": m.goals[i][0]})
        return True

    def add_attempt(
        self, m: _Member, day: date, method: str | None = None, outcome: str | None = None
    ) -> None:
        if method is None:
            method, outcomes = self.pick(ATTEMPT_METHODS)
            outcome = self.pick(outcomes)
        assert outcome is not None
        minute = 8 * 60 + int(self._random() * 11 * 60)
        self.rows["attempt"].append(
            {
                "id": self.new_id(),
                "member_id": m.id,
                "staff_id": self.staff[m.specialist]["id"],
                "at": self.local_iso(day, minute),
                "at_utc": self.utc(day, minute),
                "on_date": day,
                "method": method,
                "outcome": outcome,
                "detail": ATTEMPT_DETAIL[outcome],
            }
        )

    def direct_contact(self, m: _Member, days: list[date], usable: list[int], budget: int) -> int:
        """One billable direct contact (C-1) on one of `days`; returns the minutes used (0 if none fit)."""
        weekdays = [d for d in days if d.weekday() < 5]
        pool = weekdays if weekdays and self._random() < 0.95 else days
        contact = self.pick(_DIRECT_POOL)
        if contact == "audio-only" and m.payer == "ct-waiver":
            contact = "face-to-face"  # U-2: telephone contact is not billable in the CT waiver
        minutes = min(self.pick(MINUTES[contact]), budget)
        if minutes < 15:
            return 0
        for day in [self.pick(pool), *days]:
            if self.add_note(m, day, contact, minutes, usable):
                return minutes
        # A crowded day (as_of on the first day of the week: the whole caseload on one day): a short check-in.
        for short in (30, 15):
            for day in days:
                if short < minutes and self.add_note(m, day, contact, short, usable):
                    return short
        return 0

    def build_weeks(self, m: _Member) -> None:
        """C-3 week by week: contacts most weeks, attempts in the rest; the roles' weeks as documented."""
        random = self._random
        end = self.last_day(m)
        current = self.as_of - timedelta(days=self.as_of.weekday())
        previous = current - timedelta(days=7)
        ws = m.admit - timedelta(days=m.admit.weekday())
        week = timedelta(days=7)
        one = timedelta(days=1)
        while ws <= end:
            first = max(ws, m.admit)
            last = min(ws + timedelta(days=6), end)
            days = [first + one * i for i in range((last - first).days + 1)]
            usable = [i for i, (_, until) in enumerate(m.goals) if until is None or first <= until] or [0]
            if ws == previous and m.role == MISSED:
                self.add_attempt(m, days[len(days) // 2], "phone", "left-message")  # one attempt: missed
            elif ws == current and m.role == MISSED:
                pass  # not reached yet this week (pending)
            elif ws == previous and m.role == ATTEMPTED:
                self.add_attempt(m, days[1], "phone", "no-answer")
                self.add_attempt(m, days[3], "home-visit", "not-home")
                self.add_attempt(m, days[3], "text", "no-answer")
            elif ws < previous and first != m.admit and last != end and len(days) >= 3 and random() < 0.03:
                for d in sorted(self.rng.sample(days, 2 if random() < 0.7 else 3)):
                    self.add_attempt(m, d)
                if random() < 0.3:
                    self.add_note(
                        m,
                        self.pick(days),
                        "collateral",
                        self.pick(MINUTES["collateral"]),
                        usable,
                        purpose="Coordinate support while member is out of touch.",
                        interventions=self.pick(COLLATERAL_TEXT),
                    )
            else:
                r = random()
                n_contacts = min(1 if r < self.one_contact else 2 if r < 0.95 else 3, len(days))
                if random() < 0.1 and len(days) > 1:
                    self.add_attempt(m, days[0])  # tried first, met later in the week
                    days_for_contact = days[1:]
                else:
                    days_for_contact = days
                used = 0
                for _ in range(n_contacts):
                    got = self.direct_contact(m, days_for_contact, usable, WEEKLY_BILLABLE_MINUTES - used)
                    if not got and used == 0:  # pragma: no cover - a week always has room for one contact
                        raise DemoError("could not schedule a weekly contact")
                    used += got
                if random() < 0.08 and WEEKLY_BILLABLE_MINUTES - used >= 15:
                    self.add_note(
                        m,
                        self.pick(days),
                        "collateral",
                        min(self.pick(MINUTES["collateral"]), WEEKLY_BILLABLE_MINUTES - used),
                        usable,
                        purpose="Coordinate care with the member's supports.",
                        interventions=self.pick(COLLATERAL_TEXT),
                    )
                if random() < 0.05:
                    self.add_note(
                        m,
                        self.pick(days),
                        "face-to-face",
                        self.pick((30, 45)),
                        usable,
                        billable=False,
                        place="community",
                        purpose="Transportation to errands in the PCP.",
                        interventions=TRANSPORT_TEXT,
                    )
            ws += week

    def build_supervision(self) -> None:
        """S-4: one session per specialist per week, on a day not after as_of; one gap in the previous week."""
        rng = self.rng
        current = self.as_of - timedelta(days=self.as_of.weekday())
        previous = current - timedelta(days=7)
        gap = 1 if self.n_specialists > 1 else 0
        for j, spec in enumerate(self.staff):
            ws = self.start - timedelta(days=self.start.weekday())
            preferred = rng.randint(1, 3)  # Tuesday..Thursday
            while ws <= self.as_of:
                if not (j == gap and ws == previous):
                    d = min(ws + timedelta(days=preferred), self.as_of)
                    self.rows["supervision_session"].append(
                        {
                            "id": self.new_id(),
                            "supervisor_id": self.supervisor_of[j]["id"],
                            "specialist_id": spec["id"],
                            "date": d,
                            "notes": "Individual supervision: caseload review and self-care.",
                        }
                    )
                ws += timedelta(days=7)

    def finish_notes(self) -> None:
        """A few recent notes left unsigned (drafts in progress), a few signed ones with an addendum (N-3)."""
        rng = self.rng
        notes = self.rows["note"]
        recent = self.as_of - timedelta(days=2)
        unsigned = 0
        for row in notes:
            if row["date"] >= recent and rng.random() < 0.4:
                row["signed_at"] = row["signed_by_name"] = row["signed_by_credentials"] = None
                unsigned += 1
        if not unsigned and notes:
            latest = max(notes, key=lambda r: (r["date"], r["start_time"]))
            latest["signed_at"] = latest["signed_by_name"] = latest["signed_by_credentials"] = None
        older = self.as_of - timedelta(days=7)
        candidates = [r for r in notes if r["signed_at"] and r["date"] <= older]
        picked = [r for r in candidates if rng.random() < 0.01] or candidates[:1]
        for row in picked:
            day = row["date"] + timedelta(days=rng.randint(1, 3))
            self.rows["note_addendum"].append(
                {
                    "id": self.new_id(),
                    "note_id": row["id"],
                    "staff_id": row["staff_id"],
                    "text": rng.choice(ADDENDUM_TEXT),
                    "signed_at": self.local_iso(day, rng.randrange(9 * 60, 17 * 60)),
                    "signed_by_name": row["signed_by_name"],
                    "signed_by_credentials": row["signed_by_credentials"],
                    "created_at": self.now,
                }
            )

    def build(self) -> None:
        capacities = self.build_staff()
        self.plan_members(capacities)
        for m in self.members:
            self.build_authorizations(m)
            self.build_pcp(m)
            self.build_visits(m)
            self.build_weeks(m)
        self.build_supervision()
        self.finish_notes()
        # Insert in id order: the primary-key indexes, the audit log's (table_name, record_id) index and the
        # note_goal trigger's note lookups then touch the same few pages instead of random ones.
        for name in ("note", "attempt", "supervisor_visit", "supervision_session", "note_addendum"):
            self.rows[name].sort(key=lambda r: r["id"])
        self.rows["note_goal"].sort(key=lambda r: (r["note_id"], r["goal_id"]))


# Insert order respects foreign keys.
_TABLES: tuple[Table, ...] = tuple(
    t.__table__  # type: ignore[attr-defined]
    for t in (
        Staff,
        Member,
        Authorization,
        Pcp,
        Goal,
        Intervention,
        GoalStatusChange,
        Note,
        NoteGoal,
        NoteAddendum,
        Attempt,
        SupervisorVisit,
        SupervisionSession,
    )
)


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _insert_statement(table: Table, now: datetime, engine: Engine) -> Executable:
    """The bulk INSERT for one table, shaped for speed with the audit triggers on.

    - `created_at` / `updated_at` are one SQL literal (rendered by the column type, so stored exactly as the app
      stores them) instead of two bound datetimes per row: the per-row datetime conversion was a tenth of the run.
    - RETURNING makes SQLAlchemy send the executemany as multi-row `INSERT ... VALUES (...), (...)` batches
      ("insertmanyvalues") instead of one `sqlite3_step` per row. SQLite sets up each trigger program once per
      statement, so with the audit triggers this is about 2.5x faster per row (measured: ~90 vs ~230 us per note).
    """
    statement: Any = insert(table)
    stamped = {c for c in ("created_at", "updated_at") if c in table.c}
    if stamped == {"created_at", "updated_at"}:
        column_type = table.c.created_at.type
        process = column_type.dialect_impl(engine.dialect).bind_processor(engine.dialect)
        text = process(now) if process else now.isoformat(sep=" ")
        stamp = literal_column("'" + str(text).replace("'", "''") + "'")
        statement = statement.values(created_at=stamp, updated_at=stamp)
    if engine.dialect.insert_returning:  # SQLite 3.35+
        statement = statement.returning(next(iter(table.primary_key.columns)))
    return statement


def _put_settings(session: Session, values: dict[str, str]) -> None:
    """The agency settings the demo assumes (JSON values, as cpss_tui.data.settings stores them)."""
    existing = set(session.scalars(select(AppSetting.key).where(AppSetting.key.in_(values))))  # type: ignore[attr-defined]
    table: Table = AppSetting.__table__  # type: ignore[attr-defined]
    now = utcnow()
    for key, value in values.items():
        if key in existing:
            session.execute(update(table).where(table.c.key == key).values(value=value, updated_at=now))
        else:
            session.execute(insert(table).values(key=key, value=value, updated_at=now))


def generate(
    engine: Engine,
    *,
    members: int = 26,
    specialists: int = 3,
    years: float = 0.5,
    seed: int = 1,
    as_of: date,
) -> DemoSummary:
    """Fill an empty database with a synthetic agency as of `as_of` (see the module docstring).

    Refuses with DemoError when the database already has staff or members: the demo must never mix with, or
    be mistaken for, real records.
    """
    began = time.perf_counter()
    history_days = round(years * 365.25)
    if members < MIN_MEMBERS:
        raise DemoError(
            f"the demo needs at least {MIN_MEMBERS} members to show every situation (got {members})"
        )
    if specialists < 1:
        raise DemoError(f"the demo needs at least one specialist (got {specialists})")
    if history_days < MIN_HISTORY_DAYS:
        raise DemoError(f"the demo needs at least 0.25 years of history (got {years})")
    builder = _Builder(
        members=members, specialists=specialists, history_days=history_days, seed=seed, as_of=as_of
    )
    with write_session(engine) as session:
        n_staff = session.scalar(select(func.count()).select_from(Staff.__table__)) or 0  # type: ignore[attr-defined]
        n_members = session.scalar(select(func.count()).select_from(Member.__table__)) or 0  # type: ignore[attr-defined]
        if n_staff or n_members:
            raise DemoError(
                f"the database already holds {n_staff} staff and {n_members} members; "
                "the demo only fills an empty database (use another --db file)"
            )
        builder.build()
        connection = session.connection()
        old_cache = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        # A bulk load larger than SQLite's default 2 MB page cache spills and re-reads pages on every row;
        # a bigger cache for this one transaction, restored afterwards (the connection returns to the pool).
        connection.exec_driver_sql(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
        counts = {t.name: len(builder.rows[t.name]) for t in _TABLES}
        try:
            with sqlite.audit_triggers_suspended(connection, "cpss-tui demo (synthetic data)", counts):
                for table in _TABLES:
                    statement = _insert_statement(table, builder.now, engine)
                    for chunk in _chunks(builder.rows[table.name], CHUNK):
                        session.execute(statement, chunk)
        finally:
            connection.exec_driver_sql(f"PRAGMA cache_size = {int(old_cache or -2000)}")
        _put_settings(
            session,
            {
                "agency.name": f'"{AGENCY_NAME}"',
                "agency.week_start": f'"{WEEK_START}"',
                "agency.timezone": f'"{TIMEZONE}"',
            },
        )
    counts["supervisors"] = sum(1 for r in builder.rows["staff"] if r["role"] == "supervisor")
    counts["app_setting"] = 3
    return DemoSummary(counts=counts, elapsed=time.perf_counter() - began, as_of=as_of, seed=seed)
