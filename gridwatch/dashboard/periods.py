"""The periods an analysis meeting discusses: a month (``2026-11``), a quarter (``2026-Q4``) or a year
(``2026``). A period is written as that key in the address and in a meeting's record; the page offers the
recent ones in a select (no free dates: a meeting looks back over whole months)."""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MONTH, QUARTER, YEAR = "month", "quarter", "year"
KIND_LABELS = {
    MONTH: gettext_lazy("Months"),
    QUARTER: gettext_lazy("Quarters"),
    YEAR: gettext_lazy("Years"),
}
# How far back the select reaches.
CHOICE_COUNTS = {MONTH: 12, QUARTER: 8, YEAR: 3}
KEY_RE = re.compile(r"(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])))?")


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date  # the first day
    end: datetime.date  # the day after the last

    @property
    def key(self):
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    @property
    def last_day(self):
        return self.end - datetime.timedelta(days=1)

    @property
    def label(self):
        if self.kind == MONTH:
            return _("%(year)s-%(month)s") % {"year": self.start.year, "month": f"{self.start.month:02d}"}
        if self.kind == QUARTER:
            return _("Q%(quarter)s %(year)s") % {
                "quarter": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        return _("Year %(year)s") % {"year": self.start.year}

    def months(self):
        """The first days of the months of the period, in order."""
        months, month = [], self.start
        while month < self.end:
            months.append(month)
            month = _next_month(month)
        return months


def _next_month(day):
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def month_period(day):
    start = day.replace(day=1)
    return Period(MONTH, start, _next_month(start))


def quarter_period(day):
    start = datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return Period(QUARTER, start, _next_month(_next_month(_next_month(start))))


def year_period(day):
    return Period(YEAR, datetime.date(day.year, 1, 1), datetime.date(day.year + 1, 1, 1))


def last_full_month(today):
    """The default period: the month before the running one."""
    return month_period(today.replace(day=1) - datetime.timedelta(days=1))


def parse_period(key):
    """The period written ``key``, or ``None`` for anything else."""
    match = KEY_RE.fullmatch((key or "").strip())
    if match is None:
        return None
    year = int(match["year"])
    if not 2000 <= year <= 2999:
        return None
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            return None
        return month_period(datetime.date(year, month, 1))
    if match["quarter"]:
        return quarter_period(datetime.date(year, int(match["quarter"]) * 3 - 2, 1))
    return year_period(datetime.date(year, 1, 1))


def recent(kind, today, count):
    """The ``count`` latest periods of ``kind``, the running one first."""
    make = {MONTH: month_period, QUARTER: quarter_period, YEAR: year_period}[kind]
    periods, day = [], today
    for _i in range(count):
        period = make(day)
        periods.append(period)
        day = period.start - datetime.timedelta(days=1)
    return periods


def period_choices(today):
    """``[(group label, [(key, label), ...]), ...]`` for the select: months, quarters, years."""
    return [
        (KIND_LABELS[kind], [(p.key, p.label) for p in recent(kind, today, CHOICE_COUNTS[kind])])
        for kind in (MONTH, QUARTER, YEAR)
    ]
