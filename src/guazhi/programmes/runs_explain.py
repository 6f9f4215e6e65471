"""Turning the engine's explanations (reason codes, ids, numbers) into sentences people read.

The engine stores data, never prose, so a run computed once reads in Chinese for one reader
and in English for another: every sentence is a gettext msgid with named parameters, filled
here at display time from the run's frozen labels (the names as they were when it started).
An unknown code still reads as a sentence naming the code, so a newer engine never breaks a
page.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from guazhi.core.text import join_list
from guazhi.orgs import vocab

COMPONENT_LABELS: dict[str, Promise] = {
    "tags": gettext_lazy("专长标签匹配"),
    "text": gettext_lazy("专长与岗位职责相似度"),
    "preference": gettext_lazy("本人志愿"),
    "host_preference": gettext_lazy("接收单位意向"),
    "recommendation": gettext_lazy("单位推荐"),
}
TARGET_LABELS: dict[str, Promise] = {
    "women": gettext_lazy("女干部"),
    "minority": gettext_lazy("少数民族干部"),
    "non_party": gettext_lazy("党外干部"),
}


def score_text(value: Any) -> str:
    """Scores with three decimals: two runs often differ only in the third."""
    try:
        return f"{float(value):.3f}"
    except (TypeError, ValueError):
        return "—"


def level_text(level: Any) -> str:
    labels = vocab.Rank.labels
    if isinstance(level, int) and 0 <= level < len(labels):
        return str(labels[level])
    return _("未定级")


class Labels:
    """Names of the people, posts and units a run's inputs mention, as frozen at its start."""

    def __init__(self, labels: Mapping[str, Any]) -> None:
        self.people: Mapping[str, Any] = labels.get("people", {})
        self.posts: Mapping[str, Any] = labels.get("posts", {})
        self.units: Mapping[str, str] = labels.get("units", {})

    def person(self, cadre_id: Any) -> str:
        found = self.people.get(str(cadre_id))
        return str(found["name"]) if found else _("（编号%(id)s）") % {"id": cadre_id}

    def person_unit(self, cadre_id: Any) -> str:
        found = self.people.get(str(cadre_id))
        return self.unit(found["home_unit"]) if found else ""

    def unit(self, unit_id: Any) -> str:
        return self.units.get(str(unit_id)) or _("（单位编号%(id)s）") % {"id": unit_id}

    def post(self, post_id: Any) -> str:
        """ "白鹿镇 党委副书记": host unit and title, how people name a post."""
        found = self.posts.get(str(post_id))
        if not found:
            return _("（岗位编号%(id)s）") % {"id": post_id}
        return _("%(unit)s %(title)s") % {
            "unit": self.unit(found["host_unit"]),
            "title": found["title"],
        }

    def post_host(self, post_id: Any) -> str:
        found = self.posts.get(str(post_id))
        return self.unit(found["host_unit"]) if found else ""

    def post_title(self, post_id: Any) -> str:
        found = self.posts.get(str(post_id))
        return str(found["title"]) if found else ""


# Reasons -----------------------------------------------------------------------------------


def _holders(detail: Mapping[str, Any], labels: Labels) -> str:
    """ "李四（2.310分）、王五（2.100分）": who holds the post and with what score.

    Accepts holders as ids with a separate {id: score} map, or as {candidate, score} rows."""
    holders = detail.get("holders") or []
    scores = detail.get("scores") or detail.get("holder_scores") or {}
    parts = []
    for holder in holders:
        if isinstance(holder, Mapping):
            cadre_id = holder.get("candidate", holder.get("id"))
            score = holder.get("score", holder.get("total"))
        else:
            cadre_id, score = holder, scores.get(str(holder), scores.get(holder))
        if score is None:
            parts.append(labels.person(cadre_id))
        else:
            parts.append(
                _("%(name)s（%(score)s分）")
                % {"name": labels.person(cadre_id), "score": score_text(score)}
            )
    return join_list(parts)


Worder = Callable[[Mapping[str, Any], Labels], str]


def _capacity_full(detail: Mapping[str, Any], labels: Labels) -> str:
    holders = _holders(detail, labels)
    if not holders:  # a refused pin: the post was already filled by other pins
        return _("岗位名额（%(capacity)s 人）已满。") % {"capacity": detail.get("capacity", "—")}
    if detail.get("score") is None:
        return _("名额已满，由%(holders)s获得，录取最低分 %(cutoff)s。") % {
            "holders": holders,
            "cutoff": score_text(detail.get("cutoff")),
        }
    return _("名额已满，由%(holders)s获得，录取最低分 %(cutoff)s，本人在该岗位得分 %(score)s。") % {
        "holders": holders,
        "cutoff": score_text(detail.get("cutoff")),
        "score": score_text(detail.get("score")),
    }


def _required_tags(detail: Mapping[str, Any], labels: Labels) -> str:
    return _("不具备该岗位的必备专长：%(tags)s。") % {
        "tags": join_list(str(tag) for tag in detail.get("missing", []))
    }


def _level_too_high(detail: Mapping[str, Any], labels: Labels) -> str:
    allowed = detail.get("max_levels_above", 0)
    values = {
        "post": level_text(detail.get("post_level")),
        "own": level_text(detail.get("candidate_level")),
        "n": allowed,
    }
    if not allowed:
        return _("岗位职级（%(post)s）高于本人职级（%(own)s），本批次不允许高挂。") % values
    return _("岗位职级（%(post)s）比本人职级（%(own)s）高出超过本批次允许的 %(n)s 级。") % values


def _dispatch_cap(detail: Mapping[str, Any], labels: Labels) -> str:
    holders = _holders(detail, labels)
    if not holders:
        return _("同一派出单位在同一接收单位最多 %(limit)s 人，已达上限。") % {
            "limit": detail.get("limit", "—")
        }
    return _("同一派出单位在该接收单位最多 %(limit)s 人，已由同单位的%(holders)s占满。") % {
        "limit": detail.get("limit", "—"),
        "holders": holders,
    }


def _leadership_cap(detail: Mapping[str, Any], labels: Labels) -> str:
    holders = _holders(detail, labels)
    values = {
        "limit": detail.get("limit", "—"),
        "serving": detail.get("serving", 0),
        "holders": holders,
    }
    if not holders:
        return _("该接收单位领导班子挂职干部最多 %(limit)s 人，已达上限。") % values
    if values["serving"]:
        return (
            _(
                "该接收单位领导班子挂职干部最多 %(limit)s 人，"
                "往批在岗 %(serving)s 人，其余名额已由%(holders)s占用。"
            )
            % values
        )
    return _("该接收单位领导班子挂职干部最多 %(limit)s 人，已由%(holders)s占满。") % values


def _lower_total(detail: Mapping[str, Any], labels: Labels) -> str:
    # The post has a free seat: moving there changes the total by the person's own two scores.
    values = {
        "here": score_text(detail.get("score_here")),
        "obtained": score_text(detail.get("score_obtained")),
    }
    if values["here"] == values["obtained"]:
        return (
            _("本人在该岗位得分 %(here)s，与所获岗位得分相同；改为安排到该岗位不会提高全批总分。")
            % values
        )
    return (
        _(
            "本人在该岗位得分 %(here)s，低于所获岗位得分 %(obtained)s；"
            "改为安排到该岗位会使全批总分降低。"
        )
        % values
    )


def sentences(parts: Iterable[str]) -> str:
    """Whole sentences in a row: run together in Chinese, a space between in other languages."""
    separator = "" if (get_language() or "").startswith("zh") else " "
    return separator.join(part for part in parts if part)


def _swap(detail: Mapping[str, Any], labels: Labels) -> str:
    """Why a higher score than a holder's did not win the post: the swap and what it costs."""
    holder = labels.person(detail.get("holder"))
    values = {
        "holder": holder,
        "held": score_text(detail.get("holder_score")),
        "post": labels.post(detail.get("holder_post")),
        "moved": score_text(detail.get("holder_post_score")),
        "here": score_text(detail.get("score_here")),
        "obtained": score_text(detail.get("score_obtained")),
        "before": score_text(detail.get("total_before")),
        "after": score_text(detail.get("total_after")),
        "groups": join_list(
            str(TARGET_LABELS.get(str(flag), flag)) for flag in detail.get("targets") or []
        ),
    }
    parts = []
    if detail.get("holder_post") is None:
        parts.append(_("%(holder)s在该岗位得分 %(held)s，让出后没有其他可去岗位。") % values)
    else:
        parts.append(
            _(
                "%(holder)s在该岗位得分 %(held)s，让出后可去的最佳岗位是“%(post)s”（得分 %(moved)s）。"
            )
            % values
        )
    if detail.get("score_obtained") is not None:
        parts.append(_("本人改到该岗位须让出所获岗位（得分 %(obtained)s）。") % values)
    rises = detail.get("code") == "swap_not_made" or float(detail.get("delta") or 0) > 0
    if values["before"] == values["after"]:
        parts.append(_("二人对调后全批总分仍为 %(before)s，不会提高。") % values)
    elif not rises:
        parts.append(_("二人对调后全批总分将由 %(before)s 降至 %(after)s。") % values)
    elif not values["groups"]:
        parts.append(
            _("二人对调后全批总分可由 %(before)s 升至 %(after)s，但近似求解未作此调整。") % values
        )
    else:  # a higher total, but the composition targets come first
        parts.append(_("二人对调后全批总分将由 %(before)s 升至 %(after)s。") % values)
    if values["groups"]:
        parts.append(
            _("但对调会使%(groups)s人数低于批次要求，人员结构要求优先于得分。") % values
            if rises
            else _("对调还会使%(groups)s人数低于批次要求。") % values
        )
    return sentences(parts)


def _not_improved(detail: Mapping[str, Any], labels: Labels) -> str:
    return _(
        "本人在该岗位得分 %(here)s，高于所获岗位的 %(obtained)s；"
        "受批次规则限制，近似求解未作此调整。"
    ) % {
        "here": score_text(detail.get("score_here")),
        "obtained": score_text(detail.get("score_obtained")),
    }


def _not_preferred(detail: Mapping[str, Any], labels: Labels) -> str:
    mine = detail.get("host_rank")
    if mine is None:
        return _("接收单位的意向排序中没有本人，录取人员均在其排序之中。")
    return _("接收单位将本人排在第 %(rank)s 位，录取人员均排在本人之前。") % {"rank": mine}


def _no_feasible(detail: Mapping[str, Any], labels: Labels) -> str:
    counts = detail.get("reasons") or {}
    # In the order of RULE_NAMES, not of the stored dict: the engine counts posts in id order,
    # which differs between databases, and the sentence must not.
    parts = [
        _("%(reason)s %(n)s 个岗位") % {"reason": str(label), "n": counts[code]}
        for code, label in RULE_NAMES.items()
        if counts.get(code)
    ]
    if not parts:
        return _("没有符合硬性条件的岗位。")
    return _("没有符合硬性条件的岗位（%(parts)s）。") % {"parts": join_list(parts)}


def _outscored(detail: Mapping[str, Any], labels: Labels) -> str:
    values = {
        "feasible": detail.get("feasible_posts", 0),
        "full": detail.get("full", 0),
        "capped": detail.get("capped", 0),
    }
    if not values["capped"]:
        return _("符合条件的 %(feasible)s 个岗位均已由得分更高者占满。") % values
    if not values["full"]:
        return _("符合条件的 %(feasible)s 个岗位均受同单位或领导班子人数上限限制。") % values
    return (
        _(
            "符合条件的 %(feasible)s 个岗位中，%(full)s 个已由得分更高者占满，"
            "%(capped)s 个受同单位或领导班子人数上限限制。"
        )
        % values
    )


def _not_placed(detail: Mapping[str, Any], labels: Labels) -> str:
    posts = [labels.post(p) for p in detail.get("open_posts", [])]
    return _("仍有空缺的可去岗位（%(posts)s），但安排本人不会提高全批总分。") % {
        "posts": join_list(posts) or "—"
    }


# Names of the pairwise rules, for the count of posts each one rules out.
RULE_NAMES: dict[str, Promise] = {
    "forbidden": gettext_lazy("被组织部门排除"),
    "required_tags_missing": gettext_lazy("缺少必备专长"),
    "avoid_home_unit": gettext_lazy("回避本人工作单位"),
    "avoid_home_region": gettext_lazy("回避工作单位所在地区"),
    "avoid_origin": gettext_lazy("回避籍贯所在地区"),
    "avoid_relative": gettext_lazy("回避亲属工作单位"),
    "level_too_high": gettext_lazy("职级高挂"),
    "not_chosen": gettext_lazy("本人未填报"),
}

REASONS: dict[str, Worder] = {
    "forbidden": lambda d, labels: _("组织部门已排除该人岗组合。"),
    "required_tags_missing": _required_tags,
    "avoid_home_unit": lambda d, labels: _("该岗位在本人工作单位，须回避。"),
    "avoid_home_region": lambda d, labels: _("该岗位在本人工作单位所在地区，须回避。"),
    "avoid_origin": lambda d, labels: _("该岗位在本人籍贯所在地区，须回避。"),
    "avoid_relative": lambda d, labels: (
        _("本人有亲属在%(unit)s工作，须回避。") % {"unit": labels.unit(d.get("unit"))}
    ),
    "level_too_high": _level_too_high,
    "not_chosen": lambda d, labels: _("本人未填报该岗位，本次只在填报的岗位中安排。"),
    "post_unknown": lambda d, labels: _("该岗位未参加本次匹配。"),
    "unknown_candidate": lambda d, labels: _("该人员未参加本次匹配。"),
    "pin_conflict": lambda d, labels: _("同一人被指定到 %(n)s 个岗位。") % {"n": d.get("pins")},
    "pinned": lambda d, labels: (
        _("组织部门已指定本人到“%(post)s”。") % {"post": labels.post(d.get("post"))}
    ),
    "dispatch_cap": _dispatch_cap,
    "leadership_cap": _leadership_cap,
    "capacity_full": _capacity_full,
    "not_preferred_by_host": _not_preferred,
    "lower_total": _lower_total,
    "swap_lowers_total": _swap,
    "swap_not_made": _swap,
    "not_improved": _not_improved,
    "blocking_pair": lambda d, labels: (
        _("本人与该岗位互有意向（得分 %(score)s），但受批次规则限制未能安排。")
        % {"score": score_text(d.get("score"))}
    ),
}

SUMMARIES: dict[str, Worder] = {
    "pinned": lambda d, labels: _("由组织部门指定。"),
    "no_feasible_post": _no_feasible,
    "outscored": _outscored,
    "not_placed": _not_placed,
}


def reason_text(reason: Mapping[str, Any], labels: Labels) -> str:
    """One reason as a sentence in the reader's language."""
    code = str(reason.get("code", ""))
    worder = REASONS.get(code) or SUMMARIES.get(code)
    if worder is None:
        return _("其他原因（代码：%(code)s）。") % {"code": code}
    return worder(reason, labels)


def summary_text(reason: Mapping[str, Any], labels: Labels) -> str:
    code = str(reason.get("code", ""))
    worder = SUMMARIES.get(code) or REASONS.get(code)
    if worder is None:
        return _("其他原因（代码：%(code)s）。") % {"code": code}
    return worder(reason, labels)


# A candidate -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    label: str
    value: str


@dataclass(frozen=True)
class Alternative:
    rank: int
    post: str
    reasons: list[str]


@dataclass(frozen=True)
class CandidateExplanation:
    cadre_id: int
    name: str
    home_unit: str
    post_id: int | None
    post: str  # "" when unassigned
    rank: int | None  # the choice obtained, None when unranked or unassigned
    total: str  # the pair's total score, "" when unassigned
    outcome: str  # one sentence: what the person got and how
    components: list[Component] = field(default_factory=list)
    alternatives: list[Alternative] = field(default_factory=list)


def components_of(score: Mapping[str, Any]) -> list[Component]:
    rows = [
        Component(str(label), score_text(score.get(key, 0)))
        for key, label in COMPONENT_LABELS.items()
    ]
    matched = score.get("matched_tags") or []
    if matched:
        rows.append(Component(_("匹配的专长"), join_list(str(tag) for tag in matched)))
    if score.get("similarity") is not None:
        rows.append(Component(_("文本相似度（未加权）"), score_text(score.get("similarity"))))
    if score.get("host_rank"):
        rows.append(Component(_("接收单位意向排序"), str(score["host_rank"])))
    return rows


def _outcome(explanation: Mapping[str, Any], labels: Labels) -> str:
    post = explanation.get("post")
    summary = explanation.get("summary")
    if post is None:
        reason = summary_text(summary, labels) if summary else _("未能安排。")
        return _("未安排岗位：%(reason)s") % {"reason": reason}
    score = explanation.get("score") or {}
    rank = explanation.get("rank")
    values = {"post": labels.post(post), "total": score_text(score.get("total"))}
    if summary and summary.get("code") == "pinned":
        return _("由组织部门指定到“%(post)s”，综合得分 %(total)s。") % values
    if rank:
        return _("安排到第%(rank)s志愿岗位“%(post)s”，综合得分 %(total)s。") % {
            **values,
            "rank": rank,
        }
    return _("安排到未填报的岗位“%(post)s”，综合得分 %(total)s。") % values


def explain_candidate(explanation: Mapping[str, Any], labels: Labels) -> CandidateExplanation:
    """Everything the page says about one person, from the engine's explanation of them."""
    cadre_id = int(explanation["candidate"])
    post = explanation.get("post")
    score = explanation.get("score") or {}
    alternatives = [
        Alternative(
            rank=int(alternative.get("rank", 0)),
            post=labels.post(alternative.get("post")),
            reasons=[reason_text(r, labels) for r in alternative.get("reasons", [])]
            or [_("未说明原因。")],
        )
        for alternative in explanation.get("alternatives", [])
    ]
    return CandidateExplanation(
        cadre_id=cadre_id,
        name=labels.person(cadre_id),
        home_unit=labels.person_unit(cadre_id),
        post_id=None if post is None else int(post),
        post="" if post is None else labels.post(post),
        rank=explanation.get("rank"),
        total="" if post is None else score_text(score.get("total")),
        outcome=_outcome(explanation, labels),
        components=components_of(score) if post is not None else [],
        alternatives=alternatives,
    )


# The batch ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRow:
    label: str
    target: int
    achieved: int
    met: bool
    shortfall: int


def composition_rows(composition: Mapping[str, Any]) -> list[TargetRow]:
    """Composition targets set for the batch (a target of 0 is no target and is left out)."""
    rows = []
    for key, label in TARGET_LABELS.items():
        found = composition.get(key)
        if not found or not found.get("target"):
            continue
        rows.append(
            TargetRow(
                str(label),
                int(found["target"]),
                int(found.get("achieved", 0)),
                bool(found.get("met")),
                int(found.get("shortfall", 0)),
            )
        )
    return rows


def _pin_refused(detail: Mapping[str, Any], labels: Labels) -> str:
    reasons = [reason_text(r, labels) for r in detail.get("reasons", [])]
    return _("指定“%(name)s—%(post)s”未执行：%(reasons)s") % {
        "name": labels.person(detail.get("candidate")),
        "post": labels.post(detail.get("post")),
        "reasons": sentences(reasons) or "—",
    }


WARNINGS: dict[str, Worder] = {
    "pin_refused": _pin_refused,
    "composition_shortfall": lambda d, labels: (
        _("%(group)s要求至少 %(target)s 人，实际安排 %(achieved)s 人，符合条件的人选不足。")
        % {
            "group": str(TARGET_LABELS.get(str(d.get("group")), d.get("group", ""))),
            "target": d.get("target", 0),
            "achieved": d.get("achieved", 0),
        }
    ),
    "objective_given_up": lambda d, labels: (
        _(
            "为遵守同单位人数、领导班子人数上限和人员结构要求，总分比不考虑这些规则时低 %(given_up)s（最高可达 %(bound)s）。"
        )
        % {"given_up": score_text(d.get("given_up")), "bound": score_text(d.get("upper_bound"))}
    ),
    "not_stable": lambda d, labels: (
        _("受批次规则限制，稳定匹配无法完全实现：仍有 %(n)s 组人岗双方都更愿意在一起。")
        % {"n": d.get("pairs", 0)}
    ),
    "time_limit": lambda d, labels: (
        _(
            "批次规则的精确求解超过时间上限（%(seconds)s 秒），采用近似结果；结果仍满足全部硬性条件。"
        )
        % {"seconds": d.get("seconds", "—")}
    ),
}


def warning_text(reason: Mapping[str, Any], labels: Labels) -> str:
    code = str(reason.get("code", ""))
    worder = WARNINGS.get(code)
    if worder is None:
        return reason_text(reason, labels)
    return worder(reason, labels)


def histogram_rows(histogram: Mapping[str, Any]) -> list[tuple[str, int]]:
    """("第1志愿", n), ("第2志愿", n), …, then unranked posts and the unassigned."""
    ranked = sorted((int(key), int(n)) for key, n in histogram.items() if str(key).isdigit())
    rows = [(_("第%(rank)s志愿") % {"rank": rank}, n) for rank, n in ranked]
    if histogram.get("unranked"):
        rows.append((_("非填报岗位"), int(histogram["unranked"])))
    rows.append((_("未安排"), int(histogram.get("unassigned", 0))))
    return rows


def pair_labels(pairs: Iterable[Sequence[int]], labels: Labels) -> list[str]:
    return [
        _("%(name)s—%(post)s") % {"name": labels.person(c), "post": labels.post(p)}
        for c, p in pairs
    ]
