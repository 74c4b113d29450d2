"""A report's period: two inclusive dates, checked once for every report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

MAX_DAYS: Final = 366 * 10  # a decade: longer is a typo, not a report


class PeriodError(ValueError):
    """A period that cannot be reported on; the message names the option."""


@dataclass(frozen=True)
class Period:
    """From `first` to `last`, both inclusive."""

    first: date
    last: date

    @classmethod
    def checked(cls, first: date, last: date) -> Period:
        if last < first:
            raise PeriodError(f"--to: {last.isoformat()} is before --from {first.isoformat()}")
        if (last - first).days + 1 > MAX_DAYS:
            raise PeriodError(f"--to: a period of more than {MAX_DAYS} days ({first} to {last}) is refused")
        return cls(first, last)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last

    def describe(self) -> str:
        return f"{self.first.isoformat()} to {self.last.isoformat()}"


def each_day(period: Period) -> list[date]:
    """Every day of the period, in order."""
    return [period.first + timedelta(days=i) for i in range(period.days)]


def previous_month(as_of: date) -> Period:
    """The last whole calendar month before `as_of`: what billing and audits usually ask for."""
    last = as_of.replace(day=1) - timedelta(days=1)
    return Period(last.replace(day=1), last)


def parse_period(first: str, last: str) -> Period:
    """Two typed dates (a form's From and To): PeriodError names the field that is wrong."""
    days: list[date] = []
    for field, text in (("from", first), ("to", last)):
        try:
            days.append(date.fromisoformat(text.strip()))
        except ValueError:
            raise PeriodError(f"{field}: not a date YYYY-MM-DD: {text.strip()!r}") from None
    try:
        return Period.checked(days[0], days[1])
    except PeriodError as exc:
        raise PeriodError(str(exc).replace("--to", "to").replace("--from", "from")) from None
