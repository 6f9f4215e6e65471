"""The engine's reason codes read as Chinese sentences naming the people, units and numbers."""

import pytest
from django.utils import translation

from guazhi.programmes.runs_explain import (
    Labels,
    composition_rows,
    explain_candidate,
    histogram_rows,
    reason_text,
    summary_text,
    warning_text,
)

LABELS = Labels(
    {
        "people": {
            "1": {"name": "王芳", "home_unit": 10},
            "2": {"name": "刘强", "home_unit": 10},
            "3": {"name": "陈静", "home_unit": 10},
        },
        "posts": {
            "7": {"title": "党委副书记", "host_unit": 20, "capacity": 1},
            "8": {"title": "镇长助理", "host_unit": 21, "capacity": 2},
        },
        "units": {"10": "江州学院", "20": "白鹿镇", "21": "高桥镇"},
    }
)


# Cadre 2 would take post 7 from 王芳 (0.500 there), who would move to post 8.
SWAP = {
    "code": "swap_lowers_total",
    "holder": 1,
    "holder_score": 0.5,
    "holder_post": 8,
    "holder_post_score": 0.25,
    "score_here": 1.0,
    "score_obtained": 1.0,
    "total_before": 1.5,
    "total_after": 1.25,
    "delta": -0.25,
    "targets": [],
}


@pytest.fixture(autouse=True)
def chinese():  # type: ignore[no-untyped-def]
    with translation.override("zh-hans"):
        yield


@pytest.mark.parametrize(
    ("reason", "sentence"),
    [
        ({"code": "forbidden"}, "组织部门已排除该人岗组合。"),
        (
            {"code": "required_tags_missing", "missing": ["财务", "审计"]},
            "不具备该岗位的必备专长：财务、审计。",
        ),
        ({"code": "avoid_home_unit", "unit": 20}, "该岗位在本人工作单位，须回避。"),
        (
            {"code": "avoid_home_region", "region": "360403", "host_region": "360403"},
            "该岗位在本人工作单位所在地区，须回避。",
        ),
        (
            {"code": "avoid_origin", "region": "360400", "host_region": "360403"},
            "该岗位在本人籍贯所在地区，须回避。",
        ),
        ({"code": "avoid_relative", "unit": 21}, "本人有亲属在高桥镇工作，须回避。"),
        (
            {
                "code": "level_too_high",
                "post_level": 3,
                "candidate_level": 1,
                "max_levels_above": 0,
            },
            "岗位职级（县处级副职（副处级））高于本人职级（乡科级副职（副科级）），本批次不允许高挂。",
        ),
        (
            {
                "code": "level_too_high",
                "post_level": 4,
                "candidate_level": 1,
                "max_levels_above": 1,
            },
            "岗位职级（县处级正职（正处级））比本人职级（乡科级副职（副科级））高出超过本批次允许的 1 级。",
        ),
        ({"code": "not_chosen"}, "本人未填报该岗位，本次只在填报的岗位中安排。"),
        ({"code": "pinned", "post": 8}, "组织部门已指定本人到“高桥镇 镇长助理”。"),
        (
            {
                "code": "capacity_full",
                "holders": [
                    {"candidate": 1, "score": 2.298082, "pinned": False},
                    {"candidate": 3, "score": 2.1, "pinned": True},
                ],
                "cutoff": 2.1,
                "score": 2.0667,
            },
            "名额已满，由王芳（2.298分）、陈静（2.100分）获得，录取最低分 2.100，本人在该岗位得分 2.067。",
        ),
        (
            {
                "code": "dispatch_cap",
                "dispatch_unit": 10,
                "host_unit": 20,
                "limit": 2,
                "holders": [1, 3],
            },
            "同一派出单位在该接收单位最多 2 人，已由同单位的王芳、陈静占满。",
        ),
        (
            {"code": "leadership_cap", "host_unit": 20, "limit": 2, "serving": 1, "holders": [3]},
            "该接收单位领导班子挂职干部最多 2 人，往批在岗 1 人，其余名额已由陈静占用。",
        ),
        (
            {
                "code": "leadership_cap",
                "host_unit": 20,
                "limit": 2,
                "serving": 0,
                "holders": [1, 3],
            },
            "该接收单位领导班子挂职干部最多 2 人，已由王芳、陈静占满。",
        ),
        (
            {"code": "not_preferred_by_host", "host_rank": 3, "holder_host_ranks": [1]},
            "接收单位将本人排在第 3 位，录取人员均排在本人之前。",
        ),
        (
            {"code": "not_preferred_by_host", "host_rank": None, "holder_host_ranks": [1]},
            "接收单位的意向排序中没有本人，录取人员均在其排序之中。",
        ),
        (
            {"code": "lower_total", "score_here": 1.5, "score_obtained": 1.9, "delta": -0.4},
            "本人在该岗位得分 1.500，低于所获岗位得分 1.900；改为安排到该岗位会使全批总分降低。",
        ),
        (
            {"code": "lower_total", "score_here": 1.9, "score_obtained": 1.9, "delta": 0.0},
            "本人在该岗位得分 1.900，与所获岗位得分相同；改为安排到该岗位不会提高全批总分。",
        ),
        (
            {**SWAP, "holder_post": None, "holder_post_score": None},
            "王芳在该岗位得分 0.500，让出后没有其他可去岗位。"
            "本人改到该岗位须让出所获岗位（得分 1.000）。"
            "二人对调后全批总分将由 1.500 降至 1.250。",
        ),
        (
            {**SWAP, "score_obtained": None, "total_after": 1.5, "delta": 0.0},
            "王芳在该岗位得分 0.500，让出后可去的最佳岗位是“高桥镇 镇长助理”（得分 0.250）。"
            "二人对调后全批总分仍为 1.500，不会提高。",
        ),
        (
            {**SWAP, "targets": ["women"]},
            "王芳在该岗位得分 0.500，让出后可去的最佳岗位是“高桥镇 镇长助理”（得分 0.250）。"
            "本人改到该岗位须让出所获岗位（得分 1.000）。"
            "二人对调后全批总分将由 1.500 降至 1.250。对调还会使女干部人数低于批次要求。",
        ),
        (
            {
                **SWAP,
                "score_obtained": None,
                "total_after": 2.0,
                "delta": 0.5,
                "targets": ["women"],
            },
            "王芳在该岗位得分 0.500，让出后可去的最佳岗位是“高桥镇 镇长助理”（得分 0.250）。"
            "二人对调后全批总分将由 1.500 升至 2.000。"
            "但对调会使女干部人数低于批次要求，人员结构要求优先于得分。",
        ),
        (
            {**SWAP, "code": "swap_not_made", "total_after": 1.6, "delta": 0.1},
            "王芳在该岗位得分 0.500，让出后可去的最佳岗位是“高桥镇 镇长助理”（得分 0.250）。"
            "本人改到该岗位须让出所获岗位（得分 1.000）。"
            "二人对调后全批总分可由 1.500 升至 1.600，但近似求解未作此调整。",
        ),
        (
            {"code": "blocking_pair", "score": 2.25},
            "本人与该岗位互有意向（得分 2.250），但受批次规则限制未能安排。",
        ),
        ({"code": "post_unknown"}, "该岗位未参加本次匹配。"),
        ({"code": "something_new", "x": 1}, "其他原因（代码：something_new）。"),
    ],
)
def test_each_reason_reads_as_a_sentence(reason, sentence) -> None:  # type: ignore[no-untyped-def]
    assert reason_text(reason, LABELS) == sentence


@pytest.mark.parametrize(
    ("summary", "sentence"),
    [
        (
            {"code": "no_feasible_post", "reasons": {"required_tags_missing": 1, "not_chosen": 2}},
            "没有符合硬性条件的岗位（缺少必备专长 1 个岗位、本人未填报 2 个岗位）。",
        ),
        (
            {"code": "outscored", "feasible_posts": 3, "full": 2, "capped": 1},
            "符合条件的 3 个岗位中，2 个已由得分更高者占满，1 个受同单位或领导班子人数上限限制。",
        ),
        (
            {"code": "outscored", "feasible_posts": 2, "full": 0, "capped": 2},
            "符合条件的 2 个岗位均受同单位或领导班子人数上限限制。",
        ),
        (
            {"code": "not_placed", "feasible_posts": 2, "open_posts": [8]},
            "仍有空缺的可去岗位（高桥镇 镇长助理），但安排本人不会提高全批总分。",
        ),
        ({"code": "pinned", "post": 7}, "由组织部门指定。"),
    ],
)
def test_why_someone_was_left_out_or_placed_reads_as_a_sentence(summary, sentence) -> None:  # type: ignore[no-untyped-def]
    assert summary_text(summary, LABELS) == sentence


@pytest.mark.parametrize(
    ("warning", "sentence"),
    [
        (
            {
                "code": "pin_refused",
                "candidate": 2,
                "post": 7,
                "reasons": [
                    {"code": "avoid_home_unit", "unit": 20},
                    {"code": "capacity_full", "capacity": 1},
                ],
            },
            "指定“刘强—白鹿镇 党委副书记”未执行：该岗位在本人工作单位，须回避。岗位名额（1 人）已满。",
        ),
        (
            {"code": "composition_shortfall", "group": "women", "target": 3, "achieved": 1},
            "女干部要求至少 3 人，实际安排 1 人，符合条件的人选不足。",
        ),
        (
            {"code": "objective_given_up", "upper_bound": 10.5, "given_up": 0.25},
            "为遵守同单位人数、领导班子人数上限和人员结构要求，总分比不考虑这些规则时低 0.250（最高可达 10.500）。",
        ),
        (
            {"code": "not_stable", "pairs": 2},
            "受批次规则限制，稳定匹配无法完全实现：仍有 2 组人岗双方都更愿意在一起。",
        ),
        (
            {"code": "time_limit", "seconds": 60.0},
            "批次规则的精确求解超过时间上限（60.0 秒），采用近似结果；结果仍满足全部硬性条件。",
        ),
    ],
)
def test_each_warning_reads_as_a_sentence(warning, sentence) -> None:  # type: ignore[no-untyped-def]
    assert warning_text(warning, LABELS) == sentence


def test_an_explanation_names_the_post_obtained_the_components_and_the_higher_choices() -> None:
    explained = explain_candidate(
        {
            "candidate": 2,
            "post": 8,
            "rank": 2,
            "score": {
                "post": 8,
                "tags": 1.0,
                "text": 0.26,
                "preference": 0.8,
                "host_preference": 0.0,
                "recommendation": 0.5,
                "total": 2.56,
                "matched_tags": ["财务"],
                "similarity": 0.26,
                "choice_rank": 2,
                "host_rank": None,
            },
            "summary": None,
            "alternatives": [
                {
                    "post": 7,
                    "rank": 1,
                    "reasons": [
                        {
                            "code": "capacity_full",
                            "holders": [{"candidate": 1, "score": 2.3, "pinned": False}],
                            "cutoff": 2.3,
                            "score": 2.2,
                        }
                    ],
                }
            ],
        },
        LABELS,
    )
    assert explained.outcome == "安排到第2志愿岗位“高桥镇 镇长助理”，综合得分 2.560。"
    assert [(c.label, c.value) for c in explained.components] == [
        ("专长标签匹配", "1.000"),
        ("专长与岗位职责相似度", "0.260"),
        ("本人志愿", "0.800"),
        ("接收单位意向", "0.000"),
        ("单位推荐", "0.500"),
        ("匹配的专长", "财务"),
        ("文本相似度（未加权）", "0.260"),
    ]
    assert [(a.rank, a.post, a.reasons) for a in explained.alternatives] == [
        (
            1,
            "白鹿镇 党委副书记",
            ["名额已满，由王芳（2.300分）获得，录取最低分 2.300，本人在该岗位得分 2.200。"],
        )
    ]
    assert (explained.name, explained.home_unit) == ("刘强", "江州学院")


def test_an_unassigned_explanation_says_why() -> None:
    explained = explain_candidate(
        {
            "candidate": 3,
            "post": None,
            "rank": None,
            "score": None,
            "summary": {"code": "outscored", "feasible_posts": 1, "full": 1, "capped": 0},
            "alternatives": [],
        },
        LABELS,
    )
    assert explained.outcome == "未安排岗位：符合条件的 1 个岗位均已由得分更高者占满。"
    assert (explained.post, explained.total, explained.components) == ("", "", [])


def test_the_histogram_and_targets_read_in_order() -> None:
    assert histogram_rows({"1": 4, "2": 1, "3": 0, "unranked": 2, "unassigned": 1}) == [
        ("第1志愿", 4),
        ("第2志愿", 1),
        ("第3志愿", 0),
        ("非填报岗位", 2),
        ("未安排", 1),
    ]
    rows = composition_rows(
        {
            "women": {"target": 2, "achieved": 1, "met": False, "shortfall": 1},
            "minority": {"target": 0, "achieved": 0, "met": True, "shortfall": 0},
            "non_party": {"target": 1, "achieved": 1, "met": True, "shortfall": 0},
        }
    )
    assert [(r.label, r.target, r.achieved, r.met, r.shortfall) for r in rows] == [
        ("女干部", 2, 1, False, 1),
        ("党外干部", 1, 1, True, 0),
    ]


def test_a_name_missing_from_the_labels_reads_as_its_number() -> None:
    assert reason_text({"code": "avoid_relative", "unit": 99}, LABELS) == (
        "本人有亲属在（单位编号99）工作，须回避。"
    )


def test_the_swap_reads_as_separate_english_sentences() -> None:
    with translation.override("en"):
        assert reason_text(SWAP, LABELS) == (
            "王芳 scores 0.500 at this post; the best post left for them would be "
            "“高桥镇 镇长助理” (score 0.250). "
            "Moving here, this cadre would give up the post obtained (score 1.000). "
            "With the two swapped, the batch's total score would fall from 1.500 to 1.250."
        )
        assert reason_text(
            {"code": "lower_total", "score_here": 1.5, "score_obtained": 1.9, "delta": -0.4},
            LABELS,
        ) == (
            "This cadre scores 1.500 at this post, less than the 1.900 at the post obtained; "
            "assigning them here instead would lower the batch's total score."
        )
