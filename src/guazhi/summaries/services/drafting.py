"""The first text of a summary: 基本情况 from the assignment, 主要工作 from the work log.

Both are plain text the person then edits, written the way a person would write them, not a
report of the database: 基本情况 in one sentence (who, from where, which post, which period);
主要工作 as the accomplishments (做成一件事) month by month, then the work in figures — entries
by category and quantity totals. Months without an accomplishment are left out: nobody writes
"nothing this month" in a summary. Sub-headings use （一）（二）, the second level of an official
document, because the section's own heading is the first level (一、主要工作).
"""

from django.utils.translation import gettext as _

from guazhi.core.jinja import format_date
from guazhi.duty.periods import term_bounds
from guazhi.duty.selectors.log_summary import LogSummary
from guazhi.programmes.models import Assignment
from guazhi.summaries.models import SummaryKind

# Trailing punctuation of a log title, dropped before the title is joined into a sentence.
_TRAILING = "。；;，,.、 "


def basic_text(assignment: Assignment) -> str:
    """张三，浔阳区委党校科长，2026年7月27日至2027年7月27日在白鹿镇挂职锻炼，挂任党委副书记。

    Reads the assignment's cadre, home unit, host unit, post and batch (load them)."""
    start, end = term_bounds(assignment)
    cadre = assignment.cadre
    return _(
        "%(name)s，%(home)s%(position)s，%(start)s至%(end)s在%(host)s挂职锻炼，挂任%(post)s。"
    ) % {
        "name": cadre.name,
        "home": assignment.home_unit.name,
        "position": cadre.position or _("干部"),
        "start": format_date(start),
        "end": format_date(end),
        "host": assignment.host_unit.name,
        "post": assignment.post.title,
    }


def work_text(summary: LogSummary) -> str:
    """主要工作 drafted from the log summary; empty when nothing was logged (the person writes
    it, and submitting refuses an empty section)."""
    if summary.is_empty:
        return ""
    lines = [_("（一）做成的事")]
    months = [month for month in summary.timeline if month.items]
    for month in months:
        items = _("；").join(
            _("%(month)s月%(day)s日，%(title)s")
            % {
                "month": item.date.month,
                "day": item.date.day,
                "title": item.title.strip().rstrip(_TRAILING),
            }
            for item in month.items
        )
        lines.append(
            _("%(year)s年%(month)s月：%(items)s。")
            % {"year": month.month.year, "month": month.month.month, "items": items}
        )
    if not months:
        lines.append(_("挂职以来尚未记录做成的事。"))
    lines.append(_("（二）工作量"))
    counts = _("、").join(
        _("%(category)s%(count)s条") % {"category": row.category, "count": row.count}
        for row in summary.by_category
    )
    lines.append(
        _("挂职以来共记录工作纪实%(n)s条，其中%(counts)s。")
        % {"n": summary.entry_count, "counts": counts}
    )
    if summary.quantities:
        totals = _("、").join(
            _("%(label)s%(total)s%(unit)s")
            % {"label": row.label, "total": row.shown, "unit": row.unit}
            for row in summary.quantities
        )
        lines.append(_("累计%(totals)s。") % {"totals": totals})
    return "\n".join(lines)


def default_title(assignment: Assignment, kind: str) -> str:
    if kind == SummaryKind.FINAL:
        return _("%(name)s同志挂职锻炼期满总结") % {"name": assignment.cadre.name}
    return _("%(name)s同志挂职锻炼阶段总结") % {"name": assignment.cadre.name}
