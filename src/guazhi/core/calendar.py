"""The work calendar (工作日历): which days are working days, for leave, publicity and deadlines.

Three layers, the later winning over the earlier:

1. Monday to Friday work, Saturday and Sunday rest;
2. the `chinese-calendar` package: statutory holidays (法定节假日) and the weekend make-up
   workdays of 调休, for the years the State Council has published and the package has shipped
   (`covered_years()`; the package itself raises NotImplementedError outside them);
3. the admin-maintained WorkdayOverride table: the years the package does not know yet, local
   holidays (e.g. a prefecture's ethnic-minority festival) and corrections.

For a year outside the package's range only layers 1 and 3 apply, which is why
`uncovered_years_warning()` nags admins until the year's official schedule has been entered.

Every function loads the overrides of its range in one query and otherwise works on the
package's dictionaries in memory: counting a year costs one query and microseconds.
Ranges are inclusive at both ends; an end before the start is an empty range.
"""

import bisect
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal

import chinese_calendar
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guazhi.core.models import WorkdayOverride

Half = Literal["am", "pm"]
HALVES: tuple[Half, Half] = ("am", "pm")
ONE_DAY = dt.timedelta(days=1)

# A year's official schedule has 13 statutory holiday days (国务院令第795号, from 2025) and,
# with 调休, every year the package knows has at least 16 rest days falling on weekdays. Fewer
# than 13 weekday rest-day overrides therefore means the year's schedule has not been entered
# (one or two local festivals must not silence the warning).
EXPECTED_WEEKDAY_REST_OVERRIDES = 13

SOURCE_PACKAGE = "package"
SOURCE_OVERRIDE = "override"


def _as_date(value: dt.date) -> dt.date:
    # datetime is a subclass of date but does not compare with one; callers may pass either.
    return value.date() if isinstance(value, dt.datetime) else value


def _is_weekday(day: dt.date) -> bool:
    return day.weekday() < 5


# The package's data -------------------------------------------------------------------------


@cache
def covered_years() -> range:
    """The years the installed chinese-calendar has data for, read from the package itself.

    The package decides its range the same way (first and last year of its holiday table).
    """
    years = [day.year for day in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


@cache
def _package_deviations() -> tuple[list[dt.date], dict[dt.date, bool]]:
    """Days where the package departs from Monday–Friday work: (sorted days, answer per day).

    Same rule as chinese_calendar.is_workday (a make-up workday works; a holiday on a weekday
    rests), computed once: the package's own function re-scans its whole table on every call.
    """
    answers: dict[dt.date, bool] = {}
    for day in chinese_calendar.holidays:
        if _is_weekday(day) and day not in chinese_calendar.workdays:
            answers[day] = False
    for day in chinese_calendar.workdays:
        if not _is_weekday(day):
            answers[day] = True
    return sorted(answers), answers


# The package names its holidays in English (the enum value) and Chinese (`.chinese`), neither
# through gettext: these are the names as the interface shows them, in either language.
HOLIDAY_NAMES: dict[str, Promise] = {
    "new_years_day": gettext_lazy("元旦"),
    "spring_festival": gettext_lazy("春节"),
    "tomb_sweeping_day": gettext_lazy("清明节"),
    "labour_day": gettext_lazy("劳动节"),
    "dragon_boat_festival": gettext_lazy("端午节"),
    "national_day": gettext_lazy("国庆节"),
    "mid_autumn_festival": gettext_lazy("中秋节"),
    "anti_fascist_70th_day": gettext_lazy("中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"),
}


def _holiday_names() -> dict[str, str]:
    """The package's holiday value → its name in the active language (the package's own
    Chinese name for a holiday a newer package adds before this table knows it)."""
    return {
        holiday.value: str(HOLIDAY_NAMES.get(holiday.name, holiday.chinese))
        for holiday in chinese_calendar.Holiday
    }


def package_is_workday(day: dt.date) -> bool:
    """The package's answer (for uncovered years: Monday to Friday), ignoring overrides."""
    day = _as_date(day)
    return _package_deviations()[1].get(day, _is_weekday(day))


# Overrides ---------------------------------------------------------------------------------


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    """The admins' overrides in [start, end], in one query."""
    if end < start:
        return {}
    rows = WorkdayOverride.objects.filter(date__range=(start, end)).values_list(
        "date", "is_workday"
    )
    return dict(rows)


def _answer(day: dt.date, overrides: Mapping[dt.date, bool]) -> bool:
    found = overrides.get(day)
    return package_is_workday(day) if found is None else found


def _weekdays_between(start: dt.date, end: dt.date) -> int:
    """Monday–Friday days in [start, end], by arithmetic."""
    weeks, extra = divmod((end - start).days + 1, 7)
    first = start.weekday()
    return weeks * 5 + sum(1 for offset in range(extra) if (first + offset) % 7 < 5)


def _count(start: dt.date, end: dt.date, overrides: Mapping[dt.date, bool]) -> int:
    if end < start:
        return 0
    count = _weekdays_between(start, end)
    days, answers = _package_deviations()
    for day in days[bisect.bisect_left(days, start) : bisect.bisect_right(days, end)]:
        count += int(answers[day]) - int(_is_weekday(day))
    for day, works in overrides.items():
        if start <= day <= end:
            count += int(works) - int(package_is_workday(day))
    return count


# Public API --------------------------------------------------------------------------------


def is_workday(day: dt.date) -> bool:
    day = _as_date(day)
    return _answer(day, _overrides(day, day))


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in [start, end], both ends included; 0 when end is before start."""
    start, end = _as_date(start), _as_date(end)
    return _count(start, end, _overrides(start, end))


def workdays_in(start: dt.date, end: dt.date) -> list[dt.date]:
    """The working days in [start, end], in order."""
    start, end = _as_date(start), _as_date(end)
    overrides = _overrides(start, end)
    return [day for day in _days(start, end) if _answer(day, overrides)]


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (`start` itself not counted); before it if n < 0.

    So `working_days_between(start + 1 day, add_working_days(start, n)) == n` for n ≥ 1, and
    the result is always a working day (n = 0 gives `start` back unchanged). A publicity period
    of 5 working days that opens on day D closes on `add_working_days(D - 1 day, 5)`.
    """
    start = _as_date(start)
    if n == 0:
        return start
    step = ONE_DAY if n > 0 else -ONE_DAY
    remaining = abs(n)
    cursor = start
    while True:
        # A window wide enough for the usual case (weekends plus a long holiday) in one query;
        # overrides resting many days in a row only cost another window.
        window = remaining * 2 + 30
        last = cursor + step * window
        overrides = _overrides(min(cursor, last), max(cursor, last))
        for _step in range(window):
            cursor += step
            if _answer(cursor, overrides):
                remaining -= 1
                if remaining == 0:
                    return cursor


def working_half_days_between(
    start: dt.date, start_half: Half, end: dt.date, end_half: Half
) -> int:
    """Working half-days from the `start_half` of `start` to the `end_half` of `end`, inclusive.

    For leave taken by the half day (上午/下午): `start_half` is the first half-day away,
    `end_half` the last one. Leave from Monday afternoon to Wednesday morning over three
    working days is 4 half-days (Mon pm, Tue am, Tue pm, Wed am); divide by 2 for days.
    Rest days count nothing, halves or not. An end before the start gives 0. Halves are
    "am" or "pm"; anything else raises ValueError.
    """
    if start_half not in HALVES or end_half not in HALVES:
        raise ValueError(f"half must be 'am' or 'pm', not {start_half!r} / {end_half!r}")
    start, end = _as_date(start), _as_date(end)
    if (end, HALVES.index(end_half)) < (start, HALVES.index(start_half)):
        return 0
    overrides = _overrides(start, end)
    halves = 2 * _count(start, end, overrides)
    if start_half == "pm" and _answer(start, overrides):
        halves -= 1
    if end_half == "am" and _answer(end, overrides):
        halves -= 1
    return halves


def _days(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += ONE_DAY


# The year at a glance, for the admins' calendar page ------------------------------------------


@dataclass(frozen=True)
class ScheduleDay:
    """A day that is not an ordinary Monday–Friday workday or Saturday–Sunday rest day,
    or one an admin has ruled on."""

    date: dt.date
    is_workday: bool
    name: str  # the holiday's name (package) or the admin's note (override)
    source: str  # SOURCE_PACKAGE or SOURCE_OVERRIDE
    package_is_workday: bool  # what the package (or the weekend rule) would have said


def year_schedule(year: int) -> list[ScheduleDay]:
    """The year's holidays, make-up workdays and overrides, by date, with where each comes from.

    Includes the package's holidays that fall on a weekend, so a holiday shows as one run.
    """
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    overrides = {row.date: row for row in WorkdayOverride.objects.filter(date__range=(start, end))}
    names = _holiday_names()
    package_days: dict[dt.date, tuple[bool, str]] = {}
    for table, works in ((chinese_calendar.holidays, False), (chinese_calendar.workdays, True)):
        for day, english in table.items():
            if day.year == year:
                package_days[day] = (works, names.get(english, english))
    schedule = []
    for day in sorted(package_days.keys() | overrides.keys()):
        package_answer = package_is_workday(day)
        if day in overrides:
            row = overrides[day]
            schedule.append(
                ScheduleDay(day, row.is_workday, row.note, SOURCE_OVERRIDE, package_answer)
            )
        else:
            works, name = package_days[day]
            schedule.append(ScheduleDay(day, works, name, SOURCE_PACKAGE, package_answer))
    return schedule


def weekday_rest_override_count(year: int) -> int:
    """Rest-day overrides falling Monday to Friday in `year` (what the warning counts)."""
    days = WorkdayOverride.objects.filter(
        date__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)), is_workday=False
    ).values_list("date", flat=True)
    return sum(1 for day in days if _is_weekday(day))


def year_warning(year: int) -> str | None:
    """The warning for one year, or None when the package or the admins' overrides cover it.

    A year warns when the package has no data for it and the overrides hold fewer weekday rest
    days than any official schedule has (EXPECTED_WEEKDAY_REST_OVERRIDES).
    """
    covered = covered_years()
    if year in covered or weekday_rest_override_count(year) >= EXPECTED_WEEKDAY_REST_OVERRIDES:
        return None
    return _(
        "%(year)s年的法定节假日和调休安排尚未录入：日历组件只有%(first)s—%(last)s年的数据，"
        "%(year)s年目前只按周末休息和已录入的调整计算。请按国务院办公厅的放假通知在“工作日历”中录入。"
    ) % {"year": year, "first": covered[0], "last": covered[-1]}


def uncovered_years_warning(today: dt.date | None = None) -> list[str]:
    """Warnings, in Chinese, for this year and next when nobody has entered their schedule yet."""
    today = today or timezone.localdate()
    warnings = (year_warning(year) for year in (today.year, today.year + 1))
    return [warning for warning in warnings if warning]
