"""The matching pages as a coordinator uses them: start a run, watch it, read it, compare,
pin and forbid, adopt, export."""

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from guazhi.core.models import Job
from guazhi.core.spreadsheets import sheet_read
from guazhi.programmes.models import Assignment, BatchEvent, MatchingRun, RunState
from guazhi.programmes.runs_inputs import default_weights
from guazhi.programmes.services.runs import run_pairs_current, run_sheet_spec, run_start
from tests.programmes.test_run_inputs import Scenario, computed_run, matching_scenario


@pytest.fixture
def scenario(world) -> Scenario:  # type: ignore[no-untyped-def]
    return matching_scenario(world)


@pytest.fixture
def coordinator(client, world):  # type: ignore[no-untyped-def]
    client.force_login(world.users["coordinator"])
    return client


@pytest.fixture
def done_run(world, scenario) -> Callable[..., MatchingRun]:  # type: ignore[no-untyped-def]
    def make(**options: Any) -> MatchingRun:
        return computed_run(scenario.batch, world.users["coordinator"], **options)

    return make


def _run_url(run: MatchingRun, **query: Any) -> str:
    url = reverse("programmes:run_detail", kwargs={"run_pk": run.pk})
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def test_the_start_form_shows_the_default_weights_and_the_pins_in_force(  # type: ignore[no-untyped-def]
    coordinator, scenario
) -> None:
    response = coordinator.get(
        reverse("programmes:run_create", kwargs={"batch_pk": scenario.batch.pk})
    )
    body = response.content.decode()
    assert response.status_code == 200
    for name, value in default_weights().items():
        assert f'name="weight_{name}" value="{value}"' in body
    assert 'id="id_require_choice" checked>' in body
    assert "当前指定 0 组、排除 0 组人岗组合，将在本次匹配中执行。" in body
    assert "开始匹配" in body


def test_starting_a_run_computes_it_and_the_page_shows_the_result(  # type: ignore[no-untyped-def]
    coordinator, scenario, django_capture_on_commit_callbacks
) -> None:
    form = {f"weight_{name}": value for name, value in default_weights().items()}
    form.update(mode="optimal", seed="9", require_choice="on", note="首轮")
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            reverse("programmes:run_create", kwargs={"batch_pk": scenario.batch.pk}), form
        )
    run = MatchingRun.objects.get(batch=scenario.batch)
    assert response.status_code == 302
    assert response["Location"] == _run_url(run)
    assert (run.state, run.seed, run.note) == (RunState.DONE, 9, "首轮")
    body = coordinator.get(_run_url(run)).content.decode()
    assert "hx-trigger" not in body  # finished: the page no longer polls
    assert f"<code>{run.fingerprint}</code>" in body
    assert "各岗位录取情况" in body
    assert "未安排人员（1 人）" in body
    assert "没有符合硬性条件的岗位（缺少必备专长 1 个岗位、本人未填报 2 个岗位）。" in body
    assert "采纳本方案" in body


def test_a_form_with_a_bad_weight_is_shown_again_with_the_message(coordinator, scenario) -> None:  # type: ignore[no-untyped-def]
    form = {f"weight_{name}": value for name, value in default_weights().items()}
    form.update(mode="optimal", weight_preference="-2")
    response = coordinator.post(
        reverse("programmes:run_create", kwargs={"batch_pk": scenario.batch.pk}), form
    )
    assert response.status_code == 400
    assert "确保该值大于或等于0" in response.content.decode()
    assert not MatchingRun.objects.exists()


def test_outside_matching_the_form_says_runs_cannot_start(coordinator, scenario) -> None:  # type: ignore[no-untyped-def]
    from guazhi.programmes.models import Batch

    Batch.objects.filter(pk=scenario.batch.pk).update(state="recruiting")
    form = {f"weight_{name}": value for name, value in default_weights().items()}
    form.update(mode="optimal")
    response = coordinator.post(
        reverse("programmes:run_create", kwargs={"batch_pk": scenario.batch.pk}), form
    )
    assert response.status_code == 409
    assert "只有在匹配阶段才能进行人岗匹配。" in response.content.decode()
    assert not MatchingRun.objects.exists()


def test_a_run_being_computed_shows_a_progress_bar_that_polls_itself(  # type: ignore[no-untyped-def]
    coordinator, world, scenario, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        run = run_start(
            actor=world.users["coordinator"],
            batch=scenario.batch,
            mode="optimal",
            weights=default_weights(),
        )
    Job.objects.filter(pk=run.job_id).update(state=Job.State.RUNNING, done=40, total=100)
    body = coordinator.get(_run_url(run)).content.decode()
    assert f'hx-get="{_run_url(run)}" hx-trigger="every 1s"' in body
    assert '<progress value="40" max="100"' in body
    with CaptureQueriesContext(connection) as queries:
        fragment = coordinator.get(_run_url(run), headers={"HX-Request": "true"}).content.decode()
    # Polling reads the run's state, never its (possibly megabytes of) frozen inputs.
    assert not [q["sql"] for q in queries.captured_queries if '"inputs"' in q["sql"]]
    assert fragment.lstrip().startswith('<div id="run-body"')
    assert "<html" not in fragment
    assert "（40 / 100）" in fragment


def test_the_page_explains_one_person_in_chinese_when_asked(
    coordinator, scenario, done_run
) -> None:  # type: ignore[no-untyped-def]
    run = done_run()
    liu, wang = scenario.people["刘强"], scenario.people["王芳"]
    scores = run.result["scores"]
    liu_at_a = run.result["explanations"][str(liu.pk)]["alternatives"][0]["reasons"][0]["score"]
    body = coordinator.get(_run_url(run, candidate=liu.pk)).content.decode()
    assert "刘强 的匹配说明" in body
    liu_total = scores[str(liu.pk)]["total"]
    assert f"安排到第2志愿岗位“白鹿镇 党政办副主任”，综合得分 {liu_total:.3f}。" in body
    wang_total = scores[str(wang.pk)]["total"]
    assert (
        f"第1志愿“白鹿镇 党委副书记”：名额已满，由王芳（{wang_total:.3f}分）获得，"
        f"录取最低分 {wang_total:.3f}，本人在该岗位得分 {liu_at_a:.3f}。"
    ) in body


def test_the_run_list_shows_each_run_with_its_figures_and_the_adopted_one(  # type: ignore[no-untyped-def]
    coordinator, world, scenario, done_run, django_assert_max_num_queries
) -> None:
    from guazhi.programmes.services.runs import run_adopt

    first = done_run()
    done_run(mode="stable", seed=3)
    run_adopt(actor=world.users["coordinator"], run=first)
    for _ in range(3):
        done_run()
    url = reverse("programmes:run_list", kwargs={"batch_pk": scenario.batch.pk})
    with django_assert_max_num_queries(12):
        response = coordinator.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('<td data-label="安排人数" class="num">3</td>') == 5
    assert body.count('<td data-label="第1志愿" class="num">2</td>') == 5
    assert body.count('<td data-label="参加人数" class="num">4</td>') == 5
    assert body.count("已采纳") == 1
    assert f"<code>{first.fingerprint[:12]}</code>" in body
    assert "稳定匹配" in body
    assert "方案对比" in body


def test_two_runs_compared_show_who_is_placed_differently(  # type: ignore[no-untyped-def]
    coordinator, world, scenario, done_run
) -> None:
    first = done_run()
    liu = scenario.people["刘强"]
    second = done_run(pins=[(liu.pk, scenario.post_a.pk)])
    response = coordinator.get(
        reverse("programmes:run_compare", kwargs={"batch_pk": scenario.batch.pk}),
        {"a": first.pk, "b": second.pk},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "岗位不同的人员（2 人，另有 2 人相同）" in body
    assert "白鹿镇 党政办副主任" in body and "白鹿镇 党委副书记" in body
    assert body.index("刘强") < body.index("王芳")  # by pinyin: liu before wang
    # The same run twice is refused on the form.
    again = coordinator.get(
        reverse("programmes:run_compare", kwargs={"batch_pk": scenario.batch.pk}),
        {"a": first.pk, "b": first.pk},
    )
    assert again.status_code == 400
    assert "请选择两个不同的方案。" in again.content.decode()


def test_comparing_from_a_run_page_preselects_that_run(coordinator, scenario, done_run) -> None:  # type: ignore[no-untyped-def]
    first = done_run()
    done_run(seed=2)
    response = coordinator.get(
        reverse("programmes:run_compare", kwargs={"batch_pk": scenario.batch.pk}), {"a": first.pk}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{first.pk}" selected>第1号（总分最优）</option>' in body
    assert "岗位不同的人员" not in body


def test_a_run_of_another_batch_cannot_be_compared(coordinator, world, scenario, done_run) -> None:  # type: ignore[no-untyped-def]
    from tests.programmes.world import programme_world

    first = done_run()
    elsewhere = computed_run(programme_world(world).batch_b, world.users["admin"])
    response = coordinator.get(
        reverse("programmes:run_compare", kwargs={"batch_pk": scenario.batch.pk}),
        {"a": first.pk, "b": elsewhere.pk},
    )
    assert response.status_code == 400  # not among the choices: the form refuses it


def test_pins_and_forbids_are_added_and_removed_on_their_page(coordinator, scenario) -> None:  # type: ignore[no-untyped-def]
    url = reverse("programmes:run_pairs", kwargs={"batch_pk": scenario.batch.pk})
    liu = scenario.people["刘强"]
    body = coordinator.get(url).content.decode()
    assert "尚未指定或排除任何人岗组合。" in body
    assert f'<option value="{liu.pk}">刘强（江州学院）</option>' in body
    response = coordinator.post(
        url, {"candidate": liu.pk, "post": scenario.post_a.pk, "kind": "pin"}
    )
    assert response.status_code == 302
    response = coordinator.post(
        url, {"candidate": liu.pk, "post": scenario.post_2.pk, "kind": "forbid"}
    )
    assert run_pairs_current(batch=scenario.batch) == (
        [(liu.pk, scenario.post_a.pk)],
        [(liu.pk, scenario.post_2.pk)],
    )
    body = coordinator.get(url).content.decode()
    assert "刘强（江州学院）—白鹿镇 党委副书记" in body
    assert "已保存，下一次匹配将按此执行。" in body
    coordinator.post(url, {"remove": f"pin:{liu.pk}-{scenario.post_a.pk}"})
    assert run_pairs_current(batch=scenario.batch) == ([], [(liu.pk, scenario.post_2.pk)])
    assert BatchEvent.objects.filter(batch=scenario.batch, kind="run_pairs").count() == 3


def test_a_refused_pin_is_shown_on_the_form(coordinator, scenario) -> None:  # type: ignore[no-untyped-def]
    url = reverse("programmes:run_pairs", kwargs={"batch_pk": scenario.batch.pk})
    coordinator.post(
        url, {"candidate": scenario.people["刘强"].pk, "post": scenario.post_a.pk, "kind": "pin"}
    )
    response = coordinator.post(
        url, {"candidate": scenario.people["王芳"].pk, "post": scenario.post_a.pk, "kind": "pin"}
    )
    assert response.status_code == 400
    assert "岗位“党委副书记”需求 1 人，不能指定 2 人。" in response.content.decode()
    assert len(run_pairs_current(batch=scenario.batch)[0]) == 1


def test_adopting_from_the_page_proposes_the_list(coordinator, scenario, done_run) -> None:  # type: ignore[no-untyped-def]
    run = done_run()
    response = coordinator.post(reverse("programmes:run_adopt", kwargs={"run_pk": run.pk}))
    assert response.status_code == 302
    assert response["Location"] == _run_url(run)
    assert Assignment.objects.filter(run=run, state="proposed").count() == 3
    body = coordinator.get(_run_url(run)).content.decode()
    assert "已采纳第1号匹配方案，拟任 3 人。" in body
    assert "采纳本方案" not in body  # the current adoption offers no second adoption


def test_a_refused_adoption_says_why_and_changes_nothing(coordinator, scenario, done_run) -> None:  # type: ignore[no-untyped-def]
    from guazhi.programmes.models import Batch

    run = done_run()
    Batch.objects.filter(pk=scenario.batch.pk).update(state="publicity")
    response = coordinator.post(reverse("programmes:run_adopt", kwargs={"run_pk": run.pk}))
    assert response.status_code == 302
    assert not Assignment.objects.filter(run=run).exists()
    body = coordinator.get(_run_url(run)).content.decode()
    assert "只有在匹配阶段才能采纳匹配方案。" in body


def test_the_export_downloads_the_list_with_its_fingerprint(coordinator, done_run) -> None:  # type: ignore[no-untyped-def]
    run = done_run()
    response = coordinator.get(reverse("programmes:run_export", kwargs={"run_pk": run.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename=\"2027_1.xlsx\"; filename*=UTF-8''"
        "2027%E5%B9%B4%E6%B5%94%E9%98%B3%E5%8C%BA%E6%8C%82%E8%81%8C%E5%B9%B2%E9%83%A8"
        "_%E5%8C%B9%E9%85%8D%E6%96%B9%E6%A1%881.xlsx"
    )
    content = response.content
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.cell(row=2, column=1).value == f"校验码（SHA-256）：{run.fingerprint}"
    rows = sheet_read(io.BytesIO(content), run_sheet_spec()).rows
    assert [row.values["name"] for row in rows] == ["王芳", "刘强", "陈静"]


def test_avoidance_and_caps_are_explained_on_the_page(coordinator, scenario, done_run) -> None:  # type: ignore[no-untyped-def]
    from tests.programmes.test_run_inputs import relative_at

    chen = scenario.people["陈静"]
    relative_at(chen, scenario.gaoqiao)
    run = done_run()
    body = coordinator.get(_run_url(run, candidate=chen.pk)).content.decode()
    assert "第1志愿“高桥镇 镇长助理”：本人有亲属在高桥镇工作，须回避。" in body
    # Her second choice is held, and 江州学院 already has two people at 白鹿镇: both reasons.
    assert "<li>同一派出单位在该接收单位最多 2 人，已由同单位的王芳、刘强占满。</li>" in body
    assert "未安排岗位：符合条件的 1 个岗位均已由得分更高者占满。" in body


def test_composition_targets_are_shown_met_or_short_with_numbers(  # type: ignore[no-untyped-def]
    coordinator, scenario, done_run
) -> None:
    from guazhi.programmes.models import Batch

    # Two women apply (王芳, 陈静); the batch asks for three, and for one non-Party cadre.
    Batch.objects.filter(pk=scenario.batch.pk).update(min_women=3, min_non_party=1)
    scenario.people["赵磊"].political_status = "无党派人士"
    scenario.people["赵磊"].save(update_fields=["political_status"])
    scenario.batch.refresh_from_db()
    run = done_run()
    body = coordinator.get(_run_url(run)).content.decode()
    assert "人员结构要求" in body
    assert (
        '<td data-label="类别">女干部</td>\n      <td data-label="要求至少" class="num">3</td>\n'
        '      <td data-label="实际" class="num">2</td>\n'
        '      <td data-label="结果"><span class="badge bad">差 1 人</span></td>'
    ) in body
    # 赵磊 cannot take any post he chose (he lacks 财务): the shortfall is reported, not forced.
    assert "党外干部要求至少 1 人，实际安排 0 人，符合条件的人选不足。" in body
    assert "女干部要求至少 3 人，实际安排 2 人，符合条件的人选不足。" in body
