"""The call's eligibility rules (报名条件): a batch's settings and a cadre's record in, reasons out.

Pure functions: nothing here reads the database. What the rules need beyond the batch's fields
and the profile (is the person serving elsewhere, is their unit under a dispatching
organisation) the caller looks up once and passes as a `Standing`, so a staff list of hundreds
of applications checks them all with two queries (selectors/call.py does that).

Every rule that fails gives its own reason, in Chinese, naming the batch's limit: a cadre (and
the staff reading the list) sees everything that stands in the way at once, not one at a time.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from guazhi.core.jinja import format_date
from guazhi.orgs import vocab
from guazhi.orgs.models import CadreProfile
from guazhi.programmes.models import Batch

# The Education choices run from the highest to the lowest; a lower index is more schooling.
EDUCATION_ORDER: dict[str, int] = {value: index for index, value in enumerate(vocab.Education)}


@dataclass(frozen=True)
class Standing:
    """Facts about a cadre that the rules need and the profile does not hold."""

    # The name of another batch in which the cadre holds an approved or active assignment.
    serving_in: str = ""
    # Whether the cadre's home unit lies under one of the batch's dispatching organisations.
    home_under_dispatching: bool = True


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Full years (周岁) on `day`: the birthday itself counts as the year completed."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - int(before_birthday)


def age_reason(batch: Batch, profile: CadreProfile) -> str:
    if batch.max_age is None:
        return ""
    age = age_on(profile.birth_date, batch.term_start)
    if age <= batch.max_age:
        return ""
    return _("年龄超过本批次报名条件（%(max)s周岁），挂职开始时已满%(age)s周岁") % {
        "max": batch.max_age,
        "age": age,
    }


def rank_reason(batch: Batch, profile: CadreProfile) -> str:
    if not batch.min_rank and not batch.max_rank:
        return ""
    level = vocab.RANK_ORDER.get(profile.rank)
    if level is None:
        return _("档案中没有职级，无法核对本批次的职级条件")
    if batch.min_rank and level < vocab.RANK_ORDER[batch.min_rank]:
        return _("职级低于本批次报名条件：最低为%(rank)s") % {
            "rank": vocab.Rank(batch.min_rank).label
        }
    if batch.max_rank and level > vocab.RANK_ORDER[batch.max_rank]:
        return _("职级高于本批次报名条件：最高为%(rank)s") % {
            "rank": vocab.Rank(batch.max_rank).label
        }
    return ""


def education_reason(batch: Batch, profile: CadreProfile) -> str:
    if not batch.min_education:
        return ""
    level = EDUCATION_ORDER.get(profile.education)
    if level is None:
        return _("档案中没有学历，无法核对本批次的学历条件")
    if level > EDUCATION_ORDER[batch.min_education]:
        return _("学历低于本批次报名条件：最低为%(education)s") % {
            "education": vocab.Education(batch.min_education).label
        }
    return ""


def serving_reason(batch: Batch, standing: Standing) -> str:
    if not batch.exclude_serving or not standing.serving_in:
        return ""
    return _("正在挂职（%(batch)s），本批次不接受正在挂职的干部报名") % {
        "batch": standing.serving_in
    }


def home_reason(batch: Batch, standing: Standing) -> str:
    if not batch.require_dispatching_home or standing.home_under_dispatching:
        return ""
    return _("工作单位不在本批次的派出单位范围内")


def eligibility_reasons(batch: Batch, profile: CadreProfile, standing: Standing) -> list[str]:
    """Every reason the cadre may not apply to the batch; an empty list means eligible."""
    reasons = [
        age_reason(batch, profile),
        rank_reason(batch, profile),
        education_reason(batch, profile),
        serving_reason(batch, standing),
        home_reason(batch, standing),
    ]
    return [reason for reason in reasons if reason]


def eligibility_conditions(batch: Batch) -> list[str]:
    """The batch's conditions as the notice states them, one line each (empty: no conditions)."""
    conditions = []
    if batch.max_age is not None:
        conditions.append(
            _("年龄不超过%(max)s周岁（按挂职开始日%(day)s计算）")
            % {"max": batch.max_age, "day": format_date(batch.term_start)}
        )
    if batch.min_rank and batch.max_rank:
        conditions.append(
            _("职级在%(low)s至%(high)s之间")
            % {"low": vocab.Rank(batch.min_rank).label, "high": vocab.Rank(batch.max_rank).label}
        )
    elif batch.min_rank:
        conditions.append(_("职级不低于%(rank)s") % {"rank": vocab.Rank(batch.min_rank).label})
    elif batch.max_rank:
        conditions.append(_("职级不高于%(rank)s") % {"rank": vocab.Rank(batch.max_rank).label})
    if batch.min_education:
        conditions.append(
            _("学历不低于%(education)s") % {"education": vocab.Education(batch.min_education).label}
        )
    if batch.exclude_serving:
        conditions.append(_("目前不在其他批次挂职"))
    if batch.require_dispatching_home:
        conditions.append(_("工作单位为本批次派出单位或其下属单位"))
    return conditions
