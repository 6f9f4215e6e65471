"""The matching engine at batch scale, against plain linear_sum_assignment in the same run.

Three instances, generated (seeded) to look like real batches: expertise tags in families
(招商引资, 乡村振兴, 财务, 规划, 法律…), profile and duties texts built from the phrases people
write, county region codes in three provinces, five ranked choices leaning toward one's tags.
  pairwise    5,000 candidates × 5,000 posts (one seat each), capacity, required tags and
              avoidance only: the engine end to end (solve(), texts tokenised, explanations
              built) against plain linear_sum_assignment on the same score matrix (infeasible
              pairs as 0, dropped afterwards), timed in the same run: ratio = seconds /
              baseline_seconds, objective_ratio = engine objective / plain objective.
  batch_wide  the same instance with the batch-wide rules (2 per dispatching unit at a host,
              2 per leadership team counting those serving, women / minority / non-Party
              targets near their share): seconds and the objective given up for the rules.
  sparse      20,000 candidates × 2,000 posts of 10 seats, candidates posted only to posts
              they ranked (require_choice), so each sees at most five.
Each measurement runs in a forked child, so its peak memory (ru_maxrss, which includes the
parent's imports and the instance) is its own; with --rounds above 1 the fastest round counts.
jieba's dictionary is loaded once before timing, as in a worker process (figure reported).
Writes var/bench/matching.json.
Usage: .venv/bin/python benchmarks/matching.py [--quick] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "src"))

from guazhi.matching import Candidate, Params, Post, Rules, Weights, solve  # noqa: E402
from guazhi.matching.problem import Problem  # noqa: E402
from guazhi.matching.text import tokenize  # noqa: E402

OUTPUT = PROJECT / "var" / "bench" / "matching.json"

# Tag families: people and posts mostly draw their tags from one or two families.
FAMILIES: dict[str, dict[str, list[str]]] = {
    "经济": {
        "招商引资": ["招商引资和项目落地", "产业链招商与客商对接", "重点项目洽谈签约"],
        "工业经济": ["工业经济运行调度", "规上企业培育", "园区建设和企业服务"],
        "商务": ["商贸流通和消费促进", "外贸外资服务", "电子商务进农村"],
        "金融": ["地方金融风险防范", "政银企对接和融资服务", "普惠金融推广"],
    },
    "三农": {
        "乡村振兴": ["巩固拓展脱贫攻坚成果同乡村振兴有效衔接", "和美乡村建设", "驻村帮扶"],
        "农业农村": ["高标准农田建设", "粮食生产和农技推广", "农村集体经济发展"],
        "水利": ["水利工程建设管理", "河湖长制落实", "农村饮水安全"],
        "林业": ["林长制和森林防火", "国土绿化", "林下经济发展"],
    },
    "财经": {
        "财务": ["财务管理和预算编制", "国库集中支付", "会计核算和内控建设"],
        "审计": ["经济责任审计", "政府投资项目审计", "审计整改督查"],
        "统计": ["统计调查和数据质量", "经济普查", "统计分析报告"],
        "税务": ["税收征管服务", "减税降费政策落实", "纳税服务优化"],
    },
    "建设": {
        "规划": ["国土空间规划编制", "村庄规划", "城市更新规划"],
        "城市建设": ["城市基础设施建设", "老旧小区改造", "市政工程管理"],
        "交通运输": ["农村公路建设养护", "交通项目前期工作", "客运站场管理"],
        "生态环保": ["污染防治攻坚", "生态环境保护督察整改", "垃圾污水治理"],
    },
    "法治": {
        "法律": ["法律顾问和合同审查", "行政复议应诉", "法治政府建设"],
        "信访": ["信访积案化解", "矛盾纠纷多元化解", "群众来访接待"],
        "应急管理": ["安全生产监管", "防汛抗旱和应急救援", "自然灾害防治"],
        "社会治理": ["网格化基层治理", "平安建设", "社区治理创新"],
    },
    "社会": {
        "教育": ["义务教育均衡发展", "学校安全和教师队伍建设", "职业教育产教融合"],
        "卫生健康": ["基层医疗卫生服务", "公共卫生和疾病防控", "医共体建设"],
        "民政": ["社会救助和养老服务", "基层政权建设", "儿童关爱服务"],
        "人力资源": ["就业创业服务", "人才引进和培养", "劳动保障监察"],
    },
    "党建": {
        "党建": ["基层党组织建设", "党员教育管理", "抓党建促乡村振兴"],
        "宣传": ["新闻宣传和舆情引导", "文明实践", "意识形态工作"],
        "组织人事": ["干部选拔任用", "干部教育培训", "公务员管理"],
        "纪检监察": ["监督执纪问责", "作风建设", "廉政教育"],
    },
    "文旅科技": {
        "文化旅游": ["文旅融合和景区建设", "非遗保护传承", "乡村旅游开发"],
        "科技创新": ["科技成果转化", "高新技术企业培育", "科技特派员服务"],
        "数字政府": ["政务服务一网通办", "数字乡村建设", "信息化项目管理"],
        "体育": ["全民健身设施建设", "体育赛事组织", "青少年体育"],
    },
}
TAG_FAMILY = {tag: family for family, tags in FAMILIES.items() for tag in tags}
PHRASES = {tag: phrases for tags in FAMILIES.values() for tag, phrases in tags.items()}
LEADERSHIP_TITLES = ["党委副书记", "副镇长", "副乡长", "副县长", "副主任", "街道办事处副主任"]
OTHER_TITLES = ["办公室副主任", "科长助理", "项目专员", "驻村第一书记", "局长助理"]
POSITIONS = ["科员", "副主任科员", "主任科员", "科长", "副处长", "处长", "讲师", "副教授"]
UNIT_KINDS = [
    "发展和改革委员会",
    "财政局",
    "自然资源局",
    "农业农村局",
    "司法局",
    "党校",
    "大学",
    "商务局",
]
# A statement is three of these run together: like real prose, most statements are unique.
STATEMENT_PARTS = [
    "愿意到基层一线经受锻炼",
    "希望发挥专业所长服务地方发展",
    "能够长期驻点工作",
    "熟悉政策法规善于沟通协调",
    "有较强的文字综合和调查研究能力",
    "曾参与全市重点课题调研",
    "长期联系服务企业",
    "多次参加抗洪抢险和疫情防控",
    "熟悉农村工作和群众工作方法",
    "具有注册会计师资格",
    "具有法律职业资格",
    "参与编制过五年规划",
    "牵头完成数字化改革项目",
    "在乡镇工作过三年",
    "负责过招商推介活动的组织",
    "撰写的调研报告获领导批示",
    "擅长项目策划和资金申报",
    "对口联系过帮扶村",
    "组织过大型活动的筹备",
    "熟悉预算绩效管理",
    "具有工程师职称",
    "有驻外办事处工作经历",
    "服从组织安排",
    "身体健康能适应高强度工作",
    "家庭支持到艰苦地区工作",
]
SYLLABLES = "青山云溪石桥东西南北龙凤金银安平永丰新华长乐清河白沙马兰桂林梅竹松柏湖江泉峰岭塘"
ROLES = ["副镇长", "驻村第一书记", "副局长", "科长", "副主任", "团委书记"]
PROJECTS = [
    "产业园区扩区调规",
    "高标准农田提质",
    "老旧小区改造",
    "乡村旅游示范带",
    "城乡供水一体化",
    "数字乡村试点",
    "农产品冷链物流",
    "矛盾纠纷调处中心",
    "医共体信息化",
    "职业技能培训基地",
]


def place_name(rng: random.Random, suffixes: tuple[str, ...]) -> str:
    return rng.choice(SYLLABLES) + rng.choice(SYLLABLES) + rng.choice(suffixes)


def region_codes(rng: random.Random) -> list[str]:
    """County codes in three provinces, ten cities each."""
    return [
        f"{province}{city:02d}{county:02d}"
        for province in (36, 44, 52)
        for city in range(1, 11)
        for county in range(2, 10)
    ]


def generate(
    n_candidates: int,
    n_posts: int,
    capacity: int,
    seed: int,
    *,
    require_choice: bool = False,
) -> tuple[list[Candidate], list[Post]]:
    rng = random.Random(seed)
    counties = region_codes(rng)
    tags_all = sorted(TAG_FAMILY)
    n_hosts = max(1, n_posts // 2)  # townships and bureaus take one to a few secondees
    hosts = [(2_000_000 + h, rng.choice(counties)) for h in range(n_hosts)]
    host_names = {
        unit: place_name(rng, ("县", "区")) + place_name(rng, ("镇", "乡", "街道"))
        for unit, _ in hosts
    }
    posts: list[Post] = []
    by_tag: dict[str, list[int]] = {t: [] for t in tags_all}
    for k in range(n_posts):
        host_unit, host_region = rng.choice(hosts)
        family = rng.choice(sorted(FAMILIES))
        family_tags = sorted(FAMILIES[family])
        preferred = frozenset(rng.sample(family_tags, 2))
        required = frozenset({rng.choice(family_tags)}) if rng.random() < 0.35 else frozenset()
        leadership = rng.random() < 0.5
        title = rng.choice(LEADERSHIP_TITLES if leadership else OTHER_TITLES)
        duties = "；".join(rng.choice(PHRASES[t]) for t in sorted(preferred | required))
        text = (
            f"挂任{host_names[host_unit]}{title}，分管{'、'.join(sorted(preferred))}，"
            f"负责{duties}，重点推进{host_names[host_unit]}{rng.choice(PROJECTS)}项目"
        )
        post = Post(
            id=10_000_000 + k,
            host_unit=host_unit,
            capacity=capacity,
            host_region=host_region,
            required_tags=required,
            preferred_tags=preferred,
            text=text,
            level=rng.choice([-1, -1, 1, 2, 3]),
            leadership=leadership,
        )
        posts.append(post)
        for tag in preferred | required:
            by_tag[tag].append(k)
    n_dispatch = 50
    units = [(3_000_000 + u, rng.choice(counties)) for u in range(n_dispatch * 4)]
    candidates: list[Candidate] = []
    rankings: dict[int, list[int]] = {}
    for k in range(n_candidates):
        families = rng.sample(sorted(FAMILIES), rng.choice([1, 1, 2]))
        pool = sorted({t for f in families for t in FAMILIES[f]})
        tags = frozenset(rng.sample(pool, min(len(pool), rng.choice([2, 3, 3, 4]))))
        home_unit, home_region = units[k % len(units)]
        unit_name = rng.choice(UNIT_KINDS)
        expertise = "，".join(rng.choice(PHRASES[t]) for t in sorted(tags))
        start = rng.randrange(2008, 2022)
        history = (
            f"{start}年至{start + rng.randrange(1, 4)}年在{place_name(rng, ('县', '区'))}"
            f"{place_name(rng, ('镇', '乡'))}任{rng.choice(ROLES)}"
        )
        statement = "".join(rng.sample(STATEMENT_PARTS, 3))
        text = (
            f"现任{unit_name}{rng.choice(POSITIONS)}，长期从事{expertise}等工作。"
            f"{history}。本人{statement}。"
        )
        leaning = sorted({j for t in tags for j in by_tag[t]})
        choices: list[int] = []
        while len(choices) < 5:
            j = rng.choice(leaning) if leaning and rng.random() < 0.8 else rng.randrange(n_posts)
            if posts[j].id not in choices:
                choices.append(posts[j].id)
        candidates.append(
            Candidate(
                id=1 + k,
                home_unit=home_unit,
                dispatch_unit=home_unit % n_dispatch,
                tags=tags,
                text=text,
                home_region=home_region,
                origin_region=rng.choice(counties) if rng.random() < 0.9 else "",
                relative_units=frozenset({rng.choice(hosts)[0]})
                if rng.random() < 0.05
                else frozenset(),
                level=rng.choice([0, 1, 1, 2, 2, 3]),
                woman=rng.random() < 0.32,
                minority=rng.random() < 0.1,
                non_party=rng.random() < 0.15,
                choices=tuple(choices),
                recommended=rng.random() < 0.2,
            )
        )
        if rng.random() < 0.3:
            rankings.setdefault(rng.choice(choices), []).append(1 + k)
    posts = [Post(**{**vars(p), "host_ranking": tuple(rankings.get(p.id, [])[:3])}) for p in posts]
    return candidates, posts


WEIGHTS = Weights(
    expertise_tags=2.0, expertise_text=1.5, preference=1.0, host_preference=0.5, recommendation=0.3
)
PAIRWISE_RULES = Rules(
    max_per_dispatch_at_host=None, max_leadership_per_host=None, max_levels_above=1
)


def batch_rules(candidates: list[Candidate], hosts: list[int]) -> Rules:
    """The batch-wide rules, with each composition target at 97% of that group's applicants:
    met only if the optimiser places nearly all of them, which the caps make costly."""
    rng = random.Random(3)
    return Rules(
        max_per_dispatch_at_host=2,
        max_leadership_per_host=2,
        serving_in_leadership={h: rng.choice([0, 0, 0, 1]) for h in hosts},
        max_levels_above=1,
        min_women=round(0.97 * sum(c.woman for c in candidates)),
        min_minority=round(0.97 * sum(c.minority for c in candidates)),
        min_non_party=round(0.97 * sum(c.non_party for c in candidates)),
    )


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def in_child(task: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run a measurement in a forked child (which inherits the instance): its peak memory is
    its own, and nothing one measurement allocates weighs on the next."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            answer = {"figures": task()}
        except BaseException as error:  # reported by the parent, which fails the run
            answer = {"error": repr(error)}
        with os.fdopen(write, "w") as pipe:
            pipe.write(json.dumps(answer, ensure_ascii=False))
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        answer = json.loads(pipe.read() or '{"error": "the child died"}')
    os.waitpid(pid, 0)
    if "error" in answer:
        raise RuntimeError(answer["error"])
    return dict(answer["figures"])


# The instance lives in module globals set before forking, so children inherit it.
INSTANCE: dict[str, Any] = {}


def run_engine() -> dict[str, Any]:
    candidates, posts, rules, params = (
        INSTANCE[k] for k in ("candidates", "posts", "rules", "params")
    )
    started = time.perf_counter()
    result = solve(candidates, posts, rules, params)
    seconds = time.perf_counter() - started
    assert result.violations == [], result.violations[:5]
    return {
        "seconds": round(seconds, 3),
        "objective": result.objective,
        "upper_bound": result.upper_bound,
        "given_up": result.given_up,
        "method": result.method,
        "exact": result.exact,
        "assigned": len(result.assignments),
        "feasible_pairs": result.stats["feasible_pairs"],
        "composition": {k: t.to_dict() for k, t in result.composition.items()},
        "first_choice_share": round(result.choice_histogram.get(1, 0) / max(len(candidates), 1), 3),
        "peak_mb": peak_mb(),
    }


def run_baseline() -> dict[str, Any]:
    """Plain linear_sum_assignment on the engine's own score matrix: infeasible pairs are 0
    (which leaving a candidate out also scores) and dropped from the answer."""
    candidates, posts, rules, params = (
        INSTANCE[k] for k in ("candidates", "posts", "rules", "params")
    )
    problem = Problem(candidates, posts, rules, params)
    problem.prepare_text()
    scores = np.zeros((problem.n, problem.m))
    for rows in problem.block_rows():
        masks = problem.reason_masks(rows)
        feasible = ~np.logical_or.reduce(list(masks.values()))
        scores[rows] = np.where(feasible, problem.score_block(rows), 0.0)
    seats = np.repeat(np.arange(problem.m), problem.p_capacity)
    matrix = scores if len(seats) == problem.m else scores[:, seats]
    started = time.perf_counter()
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    seconds = time.perf_counter() - started
    values = matrix[rows, cols]
    return {
        "seconds": round(seconds, 3),
        "objective": round(float(values.sum()), 6),
        "assigned": int((values > 0).sum()),
        "peak_mb": peak_mb(),
    }


def best(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    return {**min(rounds, key=lambda r: r["seconds"]), "each_round": [r["seconds"] for r in rounds]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small instances: a smoke run")
    parser.add_argument("--rounds", type=int, default=2, help="timed rounds; the fastest counts")
    args = parser.parse_args()
    size, sparse_n, sparse_m = (300, 1200, 120) if args.quick else (5000, 20000, 2000)

    started = time.perf_counter()
    tokenize("预热分词词典")  # jieba's dictionary, loaded once per worker process
    load_seconds = round(time.perf_counter() - started, 3)
    report: dict[str, Any] = {
        "quick": args.quick,
        "cpus": os.cpu_count(),
        "tokenizer_load_seconds": load_seconds,
    }

    candidates, posts = generate(size, size, 1, seed=1)
    INSTANCE.update(
        candidates=candidates,
        posts=posts,
        rules=PAIRWISE_RULES,
        params=Params(weights=WEIGHTS, seed=1),
    )
    baseline_rounds, engine_rounds = [], []
    for _ in range(args.rounds):
        baseline_rounds.append(in_child(run_baseline))
        engine_rounds.append(in_child(run_engine))
    baseline, engine = best(baseline_rounds), best(engine_rounds)
    pairwise = {
        "candidates": size,
        "posts": size,
        **engine,
        "baseline_seconds": baseline["seconds"],
        "baseline_each_round": baseline["each_round"],
        "baseline_objective": baseline["objective"],
        "baseline_assigned": baseline["assigned"],
        "baseline_peak_mb": baseline["peak_mb"],
        "ratio": round(engine["seconds"] / baseline["seconds"], 3),
        "objective_ratio": round(engine["objective"] / baseline["objective"], 9),
    }
    report["pairwise"] = pairwise
    print(f"pairwise {size}×{size}: {json.dumps(pairwise, ensure_ascii=False)}", flush=True)

    hosts = sorted({p.host_unit for p in posts})
    INSTANCE["rules"] = batch_rules(candidates, hosts)
    batch = in_child(run_engine)
    batch["given_up_share"] = round((batch["given_up"] or 0) / (batch["upper_bound"] or 1), 6)
    report["batch_wide"] = batch
    print(f"batch-wide {size}×{size}: {json.dumps(batch, ensure_ascii=False)}", flush=True)

    INSTANCE.update(rules=PAIRWISE_RULES, params=Params(mode="stable", weights=WEIGHTS, seed=1))
    report["stable"] = in_child(run_engine)
    print(f"stable {size}×{size}: {json.dumps(report['stable'], ensure_ascii=False)}", flush=True)

    candidates, posts = generate(sparse_n, sparse_m, 10, seed=2, require_choice=True)
    INSTANCE.update(
        candidates=candidates,
        posts=posts,
        rules=Rules(
            max_per_dispatch_at_host=None,
            max_leadership_per_host=None,
            max_levels_above=1,
            require_choice=True,
        ),
        params=Params(weights=WEIGHTS, seed=2),
    )
    sparse = {
        "candidates": sparse_n,
        "posts": sparse_m,
        "seats": sparse_m * 10,
        **in_child(run_engine),
    }
    report["sparse"] = sparse
    print(f"sparse {sparse_n}×{sparse_m}×10: {json.dumps(sparse, ensure_ascii=False)}", flush=True)

    report.update(
        {
            "seconds": pairwise["seconds"],
            "baseline_seconds": pairwise["baseline_seconds"],
            "ratio": pairwise["ratio"],
            "objective_ratio": pairwise["objective_ratio"],
            "target": {"seconds_max": 10, "ratio_max": 2.0, "objective_ratio": 1.0},
        }
    )
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(
        f"matching: pairwise {pairwise['seconds']} s against plain {pairwise['baseline_seconds']} s "
        f"(ratio {pairwise['ratio']}, objective ratio {pairwise['objective_ratio']}); batch-wide "
        f"{batch['seconds']} s, gave up {batch['given_up']} ({batch['given_up_share']:.4%}); "
        f"sparse {sparse['seconds']} s"
    )
    print(f"written to {OUTPUT.relative_to(PROJECT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
