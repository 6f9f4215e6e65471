"""The pieces of a score: region rule, tokens, TF-IDF cosine, and the components of a pair."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guazhi.matching import Candidate, Params, Post, Rules, Weights, region_contains, solve
from guazhi.matching.text import tfidf, tokenize, tokenize_all


@pytest.mark.parametrize(
    ("region", "host", "inside"),
    [
        ("360000", "360102", True),  # a province holds its counties
        ("360100", "360102", True),  # a city holds its districts
        ("360100", "360100", True),  # equal codes count
        ("360102", "360102", True),
        ("360102", "360103", False),
        ("360102", "360100", False),  # a county does not hold its city's own code
        ("360100", "360200", False),
        ("360000", "440100", False),
        ("", "360102", False),  # empty codes never match
        ("360102", "", False),
        ("000000", "000000", False),
    ],
)
def test_region_rule(region: str, host: str, inside: bool) -> None:
    assert region_contains(region, host) is inside


def test_tokens_are_jieba_words_without_stop_words_or_single_characters() -> None:
    assert tokenize("负责招商引资和乡村振兴工作，熟悉财务审计。") == [
        "招商引资",
        "乡村",
        "振兴",
        "熟悉",
        "财务",
        "审计",
    ]


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(
        st.lists(
            st.sampled_from(
                ["招商引资", "乡村振兴", "财务", "规划", "，", "。", " ", "2024年", "AI", "-", "的"]
            ),
            max_size=12,
        ).map("".join),
        max_size=6,
    )
)
def test_tokenising_many_texts_run_by_run_gives_each_text_its_own_tokens(texts: list[str]) -> None:
    assert tokenize_all(texts) == [tokenize(text) for text in texts]


def test_tfidf_follows_the_stated_formula() -> None:
    docs = [["招商", "招商", "规划"], ["规划"], []]
    matrix = tfidf(docs).toarray()
    idf_zhaoshang = math.log(4 / 2) + 1
    idf_guihua = math.log(4 / 3) + 1
    first = np.array([(1 + math.log(2)) * idf_zhaoshang, idf_guihua])
    assert matrix[0] == pytest.approx(first / np.linalg.norm(first))
    assert matrix[1] == pytest.approx([0.0, 1.0])
    assert matrix[2] == pytest.approx([0.0, 0.0])


def text_score(profile: str, duties: str, others: list[str]) -> float:
    people = [Candidate(id=1, home_unit=1, dispatch_unit=1, text=profile)] + [
        Candidate(id=2 + k, home_unit=1, dispatch_unit=1, text=t) for k, t in enumerate(others)
    ]
    post = Post(id=10, host_unit=5, text=duties)
    weights = Weights(
        expertise_tags=0, expertise_text=1, preference=0, host_preference=0, recommendation=0
    )
    result = solve(people, [post], Rules(), Params(weights=weights, pins=frozenset({(1, 10)})))
    return result.scores[1].similarity


def test_text_similarity_is_one_for_the_same_words_and_zero_for_none_shared() -> None:
    others = ["法律事务合同审查", "教育卫生健康"]
    assert text_score("招商引资项目服务", "招商引资项目服务", others) == 1.0
    assert text_score("招商引资项目服务", "法律事务合同审查", others) == 0.0
    shared = text_score("招商引资项目服务", "招商引资与财务管理", others)
    assert 0.0 < shared < 1.0


def test_the_closer_profile_scores_higher_on_text() -> None:
    duties = "分管工业经济和招商引资，推进重点项目建设"
    close = text_score("长期从事招商引资和重点项目建设", duties, ["从事法律事务"])
    far = text_score("长期从事法律事务和合同审查", duties, ["招商引资和重点项目建设"])
    assert close > far


def test_scores_of_every_component_for_one_pair() -> None:
    post = Post(
        id=10,
        host_unit=5,
        required_tags=frozenset({"财务"}),
        preferred_tags=frozenset({"审计", "规划"}),
        host_ranking=(3, 1),
    )
    person = Candidate(
        id=1,
        home_unit=1,
        dispatch_unit=1,
        tags=frozenset({"财务", "审计", "法律"}),
        choices=(11, 10),
        recommended=True,
    )
    weights = Weights(
        expertise_tags=3.0,
        expertise_text=0.0,
        preference=1.0,
        host_preference=2.0,
        recommendation=0.5,
    )
    result = solve([person], [post, Post(id=11, host_unit=1)], Rules(), Params(weights=weights))
    score = result.scores[1]
    # tags 2 of 3 wanted; 2nd of 5 choices; host's 2nd of 2; recommended.
    assert (score.tags, score.preference, score.host_preference, score.recommendation) == (
        2.0,
        0.8,
        1.0,
        0.5,
    )
    assert score.total == 4.3
    assert result.objective == 4.3
    assert result.choice_histogram[2] == 1
