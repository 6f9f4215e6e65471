"""The call's eligibility rules: each rule with a case that passes and one that fails, and the
reasons a cadre reads, word for word. Pure functions: no database."""

import datetime as dt

import pytest

from guazhi.orgs.models import CadreProfile
from guazhi.programmes.eligibility import (
    Standing,
    age_on,
    eligibility_conditions,
    eligibility_reasons,
)
from guazhi.programmes.models import Batch

TERM_START = dt.date(2027, 3, 1)


def batch(**rules: object) -> Batch:
    """A batch with no rules unless given (the model's defaults switch two on)."""
    settings: dict = {
        "term_start": TERM_START,
        "exclude_serving": False,
        "require_dispatching_home": False,
    }
    return Batch(**(settings | rules))


def cadre(**fields: object) -> CadreProfile:
    record: dict = {"birth_date": dt.date(1990, 1, 1), "rank": "副科级", "education": "大学本科"}
    return CadreProfile(**(record | fields))


def reasons(batch: Batch, profile: CadreProfile, **standing: object) -> list[str]:
    return eligibility_reasons(batch, profile, Standing(**standing))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("birth", "age"),
    [
        (dt.date(1987, 3, 1), 40),  # the birthday is the term's first day: the year is complete
        (dt.date(1987, 3, 2), 39),  # one day short
        (dt.date(1986, 2, 28), 41),
        (dt.date(1988, 2, 29), 39),  # born on 29 February: 2027 has none, and 1 March is past it
    ],
)
def test_age_counts_full_years_at_the_term_start(birth: dt.date, age: int) -> None:
    assert age_on(birth, TERM_START) == age


def test_a_batch_without_rules_takes_everyone() -> None:
    assert reasons(batch(), cadre(), serving_in="旧批次", home_under_dispatching=False) == []


def test_age_at_the_limit_passes_and_one_year_over_fails() -> None:
    rules = batch(max_age=40)
    assert reasons(rules, cadre(birth_date=dt.date(1987, 3, 1))) == []
    assert reasons(rules, cadre(birth_date=dt.date(1986, 3, 1))) == [
        "年龄超过本批次报名条件（40周岁），挂职开始时已满41周岁"
    ]


@pytest.mark.parametrize(
    ("rank", "expected"),
    [
        ("科员级", ["职级低于本批次报名条件：最低为乡科级副职（副科级）"]),
        ("副科级", []),
        ("正科级", []),
        ("副处级", ["职级高于本批次报名条件：最高为乡科级正职（正科级）"]),
        ("", ["档案中没有职级，无法核对本批次的职级条件"]),
    ],
)
def test_rank_must_lie_within_the_batchs_range(rank: str, expected: list[str]) -> None:
    rules = batch(min_rank="副科级", max_rank="正科级")
    assert reasons(rules, cadre(rank=rank)) == expected


def test_a_range_open_at_one_end_checks_only_the_other() -> None:
    assert reasons(batch(min_rank="副科级"), cadre(rank="正厅级")) == []
    assert reasons(batch(max_rank="正科级"), cadre(rank="科员级")) == []


@pytest.mark.parametrize(
    ("education", "expected"),
    [
        ("研究生", []),
        ("大学本科", []),
        ("大学专科", ["学历低于本批次报名条件：最低为大学本科"]),
        ("中专", ["学历低于本批次报名条件：最低为大学本科"]),
    ],
)
def test_education_must_reach_the_minimum(education: str, expected: list[str]) -> None:
    assert reasons(batch(min_education="大学本科"), cadre(education=education)) == expected


def test_a_cadre_serving_elsewhere_is_refused_only_where_the_batch_says_so() -> None:
    assert reasons(batch(exclude_serving=True), cadre(), serving_in="2026年濂溪区挂职干部") == [
        "正在挂职（2026年濂溪区挂职干部），本批次不接受正在挂职的干部报名"
    ]
    assert reasons(batch(exclude_serving=True), cadre(), serving_in="") == []
    assert reasons(batch(exclude_serving=False), cadre(), serving_in="2026年濂溪区挂职干部") == []


def test_the_home_unit_must_be_under_a_dispatching_organisation_where_required() -> None:
    assert reasons(batch(require_dispatching_home=True), cadre(), home_under_dispatching=False) == [
        "工作单位不在本批次的派出单位范围内"
    ]
    assert reasons(batch(require_dispatching_home=True), cadre(), home_under_dispatching=True) == []


def test_every_failing_rule_is_given_at_once_in_a_fixed_order() -> None:
    rules = batch(
        max_age=35,
        min_rank="正科级",
        min_education="研究生",
        exclude_serving=True,
        require_dispatching_home=True,
    )
    profile = cadre(birth_date=dt.date(1980, 6, 1), rank="副科级", education="大学本科")
    assert reasons(rules, profile, serving_in="甲批次", home_under_dispatching=False) == [
        "年龄超过本批次报名条件（35周岁），挂职开始时已满46周岁",
        "职级低于本批次报名条件：最低为乡科级正职（正科级）",
        "学历低于本批次报名条件：最低为研究生",
        "正在挂职（甲批次），本批次不接受正在挂职的干部报名",
        "工作单位不在本批次的派出单位范围内",
    ]


def test_the_conditions_read_as_the_notice_states_them() -> None:
    rules = batch(
        max_age=40,
        min_rank="副科级",
        max_rank="正科级",
        min_education="大学本科",
        exclude_serving=True,
        require_dispatching_home=True,
    )
    assert eligibility_conditions(rules) == [
        "年龄不超过40周岁（按挂职开始日2027年3月1日计算）",
        "职级在乡科级副职（副科级）至乡科级正职（正科级）之间",
        "学历不低于大学本科",
        "目前不在其他批次挂职",
        "工作单位为本批次派出单位或其下属单位",
    ]
    assert eligibility_conditions(batch()) == []
    assert eligibility_conditions(batch(max_rank="正科级")) == ["职级不高于乡科级正职（正科级）"]
