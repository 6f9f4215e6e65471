"""A person's work log over a period, summed up: what periodic reports and final summaries draw on.

`log_summary(assignment, start, end)` reads the period's WorkLogEntry and LogQuantity rows in
three queries whatever the period's length: entries per category, quantity totals per label and
unit, and the accomplishments (做成一件事) in date order with a month-by-month timeline. The
result is a plain value: `as_json()` keeps it (PeriodicReport.compiled keeps what the person
submitted even if the log changes later) and `LogSummary.from_json()` reads it back.

The caller decides who may read the assignment (duty/selectors/scope.py); this module only sums.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from guazhi.core.text import pinyin_key, text_syllables
from guazhi.duty.models import LogQuantity, WorkLogEntry
from guazhi.programmes.models import Assignment

# Bumped when the JSON shape changes; from_json reads every version it has ever written.
JSON_VERSION = 1


def format_quantity(value: Decimal) -> str:
    """A quantity as people write it: 13, 2.5, 100000 — no trailing zeros, never 1E+5."""
    normalized = value.normalize()
    return f"{normalized:f}"


# LogQuantity.value keeps two decimal places; totals keep them too, whatever the database.
CENTS = Decimal("0.01")


def quantity_total(value: Any) -> Decimal:
    """A database sum as an exact Decimal of two places: SQLite may hand back an int for a sum
    of whole numbers (or a float), PostgreSQL a Decimal; the snapshot must not depend on it."""
    return Decimal(str(value)).quantize(CENTS)


def quantity_text_key(text: str) -> str:
    """Chinese text sorts by pinyin, the way the rest of the interface sorts names."""
    return pinyin_key(text_syllables(text))


@dataclass(frozen=True)
class CategoryCount:
    category: str
    count: int


@dataclass(frozen=True)
class QuantityTotal:
    label: str
    unit: str
    total: Decimal

    @property
    def shown(self) -> str:
        """The total without trailing zeros (走访企业 13 家, not 13.00)."""
        return format_quantity(self.total)

    def __str__(self) -> str:
        return f"{self.label} {self.shown} {self.unit}"


@dataclass(frozen=True)
class Accomplishment:
    date: dt.date
    title: str
    category: str


@dataclass(frozen=True)
class MonthAccomplishments:
    month: dt.date  # the first day of the month
    items: tuple[Accomplishment, ...]


@dataclass(frozen=True)
class LogSummary:
    start: dt.date
    end: dt.date
    entry_count: int
    # Most entries first; ties by the category's pinyin.
    by_category: tuple[CategoryCount, ...]
    # By label (pinyin), then unit: 走访企业 家 and 走访企业 次 are two totals, never one.
    quantities: tuple[QuantityTotal, ...]
    # In date order (then in the order they were written).
    accomplishments: tuple[Accomplishment, ...]

    @property
    def timeline(self) -> tuple[MonthAccomplishments, ...]:
        """Every month of the period, with that month's accomplishments (maybe none): a month
        without one shows as such, which is what the monthly rule asks about."""
        by_month: dict[dt.date, list[Accomplishment]] = {}
        for item in self.accomplishments:
            by_month.setdefault(item.date.replace(day=1), []).append(item)
        months = []
        month = self.start.replace(day=1)
        while month <= self.end:
            months.append(MonthAccomplishments(month, tuple(by_month.get(month, ()))))
            month = (month + dt.timedelta(days=32)).replace(day=1)
        return tuple(months)

    @property
    def is_empty(self) -> bool:
        return self.entry_count == 0

    def as_json(self) -> dict[str, Any]:
        return {
            "version": JSON_VERSION,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "entry_count": self.entry_count,
            "by_category": [
                {"category": row.category, "count": row.count} for row in self.by_category
            ],
            # Decimals as text: JSON numbers would come back as floats (0.1 + 0.2 …).
            "quantities": [
                {"label": row.label, "unit": row.unit, "total": str(row.total)}
                for row in self.quantities
            ],
            "accomplishments": [
                {"date": row.date.isoformat(), "title": row.title, "category": row.category}
                for row in self.accomplishments
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "LogSummary":
        """The summary `as_json()` gave; extra keys (a caller's own notes) are ignored."""
        return cls(
            start=dt.date.fromisoformat(data["start"]),
            end=dt.date.fromisoformat(data["end"]),
            entry_count=int(data["entry_count"]),
            by_category=tuple(
                CategoryCount(row["category"], int(row["count"])) for row in data["by_category"]
            ),
            quantities=tuple(
                QuantityTotal(row["label"], row["unit"], Decimal(row["total"]))
                for row in data["quantities"]
            ),
            accomplishments=tuple(
                Accomplishment(dt.date.fromisoformat(row["date"]), row["title"], row["category"])
                for row in data["accomplishments"]
            ),
        )


def log_summary(assignment: Assignment, start: dt.date, end: dt.date) -> LogSummary:
    """The assignment's work log from `start` to `end` (both included), summed up."""
    entries = WorkLogEntry.objects.filter(assignment=assignment, date__gte=start, date__lte=end)
    counts = list(
        entries.order_by()
        .values("category")
        .annotate(count=Count("id"))
        .values_list("category", "count")
    )
    by_category = tuple(
        CategoryCount(category, count)
        for category, count in sorted(counts, key=lambda row: (-row[1], quantity_text_key(row[0])))
    )
    totals = list(
        LogQuantity.objects.filter(
            entry__assignment=assignment, entry__date__gte=start, entry__date__lte=end
        )
        .order_by()
        .values("label", "unit")
        .annotate(total=Sum("value"))
        .values_list("label", "unit", "total")
    )
    quantities = tuple(
        QuantityTotal(label, unit, quantity_total(total))
        for label, unit, total in sorted(
            totals,
            key=lambda row: (quantity_text_key(row[0]), row[0], quantity_text_key(row[1]), row[1]),
        )
    )
    accomplishments = tuple(
        Accomplishment(day, title, category)
        for day, title, category in entries.filter(accomplishment=True)
        .order_by("date", "id")
        .values_list("date", "title", "category")
    )
    return LogSummary(
        start=start,
        end=end,
        entry_count=sum(count for _category, count in counts),
        by_category=by_category,
        quantities=quantities,
        accomplishments=accomplishments,
    )
