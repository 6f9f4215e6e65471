"""Matching run services: starting a run through its job, pins and forbids, adopting, export."""

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.models import AuditEvent, Job
from guazhi.core.spreadsheets import sheet_read
from guazhi.matching import MatchingInputError, fingerprint
from guazhi.programmes.models import (
    Application,
    Assignment,
    Batch,
    BatchEvent,
    MatchingRun,
    Post,
    RunState,
)
from guazhi.programmes.runs_inputs import default_weights
from guazhi.programmes.runs_job import run_fingerprint
from guazhi.programmes.selectors.runs import run_status
from guazhi.programmes.services.runs import (
    run_adopt,
    run_export,
    run_pairs_current,
    run_pairs_set,
    run_sheet_spec,
    run_start,
)
from tests.factories import UserFactory, grant
from tests.programmes.test_run_inputs import Scenario, matching_scenario, relative_at


@pytest.fixture
def scenario(world) -> Scenario:  # type: ignore[no-untyped-def]
    return matching_scenario(world)


@pytest.fixture
def start(world, django_capture_on_commit_callbacks) -> Callable[..., MatchingRun]:  # type: ignore[no-untyped-def]
    """run_start as the coordinator, its job run at once (the test settings' immediate
    backend, once the transaction commits); returns the run as the job left it."""

    def start(batch: Batch, **options: Any) -> MatchingRun:
        options.setdefault("mode", "optimal")
        options.setdefault("weights", default_weights())
        options.setdefault("seed", 5)
        with django_capture_on_commit_callbacks(execute=True):
            run = run_start(actor=world.users["coordinator"], batch=batch, **options)
        run.refresh_from_db()
        return run

    return start


def _posts(run: MatchingRun, scenario: Scenario) -> dict[str, int | None]:
    """name -> post id the run gives them (None: unassigned)."""
    assigned = run.result["assignments"]
    return {
        name: assigned.get(str(profile.pk)) for name, profile in sorted(scenario.people.items())
    }


def _explanation(run: MatchingRun, profile: Any) -> dict:
    return run.result["explanations"][str(profile.pk)]


# Starting ----------------------------------------------------------------------------------


def test_a_run_is_computed_by_its_job_and_stored_with_its_fingerprint(  # type: ignore[no-untyped-def]
    world, scenario, start
) -> None:
    run = start(scenario.batch, note="首轮")
    assert run.state == RunState.DONE
    assert run.number == 1
    assert run.seed == 5
    assert run.weights == default_weights()
    assert run.note == "首轮"
    # Over what the export prints: the engine's inputs, the names, the run's number, the result.
    assert run.inputs["fingerprint_version"] == 2
    assert run.fingerprint == fingerprint(
        {"engine": run.inputs["engine"], "labels": run.inputs["labels"], "number": 1}, run.result
    )
    assert run.objective == run.result["objective"]
    assert run.finished_at is not None
    assert run.job is not None and run.job.state == Job.State.SUCCEEDED
    assert run.job.result == {"run": run.pk, "objective": run.objective}
    assert _posts(run, scenario) == {
        "刘强": scenario.post_3.pk,
        "王芳": scenario.post_a.pk,
        "赵磊": None,
        "陈静": scenario.post_2.pk,
    }
    assert list(
        BatchEvent.objects.filter(batch=scenario.batch).order_by("id").values_list("kind", "note")
    ) == [
        ("run_start", "首轮"),
        (
            "run_done",
            f"第1号匹配方案计算完成：安排 3 人，总分 {run.objective:.3f}。",
        ),
    ]
    actions = list(
        AuditEvent.objects.filter(object_type="programmes.matchingrun").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["run.finish", "run.start"]
    finish = AuditEvent.objects.get(action="run.finish")
    assert finish.detail["fingerprint"] == run.fingerprint


def test_runs_are_numbered_per_batch_and_a_seed_is_drawn_and_kept_when_none_is_given(  # type: ignore[no-untyped-def]
    scenario, start
) -> None:
    first = start(scenario.batch, seed=None)
    second = start(scenario.batch, seed=first.seed)
    assert (first.number, second.number) == (1, 2)
    assert 0 <= first.seed < 2**31
    # Same inputs and seed: the same list, and anyone can recompute a published list's
    # fingerprint from the inputs, the result and the run's number (which it covers).
    assert second.result == first.result
    assert second.fingerprint != first.fingerprint
    assert second.fingerprint == run_fingerprint(inputs=first.inputs, result=first.result, number=2)


def test_the_stable_mode_is_recorded_and_used(scenario, start) -> None:  # type: ignore[no-untyped-def]
    run = start(scenario.batch, mode="stable")
    assert run.mode == "stable"
    assert run.result["mode"] == "stable"
    assert run.inputs["engine"]["params"]["mode"] == "stable"


def _nothing_started(batch: Batch) -> None:
    assert MatchingRun.objects.filter(batch=batch).count() == 0
    assert Job.objects.count() == 0
    assert BatchEvent.objects.filter(batch=batch).count() == 0


def test_runs_start_only_while_the_batch_is_matching(world, scenario) -> None:  # type: ignore[no-untyped-def]
    Batch.objects.filter(pk=scenario.batch.pk).update(state="recruiting")
    with pytest.raises(InvalidTransition) as refused:
        run_start(
            actor=world.users["coordinator"],
            batch=scenario.batch,
            mode="optimal",
            weights=default_weights(),
        )
    assert refused.value.message == "只有在匹配阶段才能进行人岗匹配。"
    _nothing_started(scenario.batch)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"preference": -1}, "preference", "权重应在 0 到 100 之间。"),
        ({"recommendation": 101}, "recommendation", "权重应在 0 到 100 之间。"),
        ({"expertise_text": "多"}, "expertise_text", "请填写权重（0 到 100 之间的数）。"),
        (
            dict.fromkeys(default_weights(), 0),
            "expertise_tags",
            "至少要有一项权重大于 0。",
        ),
    ],
)
def test_weights_outside_the_allowed_range_are_refused(  # type: ignore[no-untyped-def]
    world, scenario, changes, field, message
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        run_start(
            actor=world.users["coordinator"],
            batch=scenario.batch,
            mode="optimal",
            weights={**default_weights(), **changes},
        )
    assert refused.value.detail == {field: message}
    _nothing_started(scenario.batch)


def test_a_batch_without_applications_cannot_be_matched(world, scenario) -> None:  # type: ignore[no-untyped-def]
    Application.objects.filter(batch=scenario.batch).update(
        state="withdrawn", withdrawn_at=timezone.now()
    )
    with pytest.raises(ValidationFailed) as refused:
        run_start(
            actor=world.users["coordinator"],
            batch=scenario.batch,
            mode="optimal",
            weights=default_weights(),
        )
    assert refused.value.message == "本批次还没有有效报名，无法匹配。"
    _nothing_started(scenario.batch)


def test_a_coordinator_of_another_district_cannot_start_a_run(world, scenario) -> None:  # type: ignore[no-untyped-def]
    other = grant(UserFactory(username="coordinator-b"), "coordinator", world.district_b)
    with pytest.raises(Forbidden):
        run_start(actor=other, batch=scenario.batch, mode="optimal", weights=default_weights())
    _nothing_started(scenario.batch)


def test_a_run_the_engine_refuses_fails_with_a_chinese_message(  # type: ignore[no-untyped-def]
    world, scenario, start, monkeypatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise MatchingInputError("bad_region", candidate=1, region="36")

    monkeypatch.setattr("guazhi.programmes.runs_job.solve", refuse)
    run = start(scenario.batch)
    assert run.state == RunState.FAILED
    assert run.result is None and run.fingerprint == "" and run.objective is None
    assert run.error == "匹配输入数据无法计算，请检查岗位和报名信息后重新匹配。"
    assert run.job is not None and run.job.state == Job.State.FAILED
    assert run.job.message == run.error
    assert run_status(run).error == run.error
    assert BatchEvent.objects.filter(batch=scenario.batch, kind="run_failed").get().note == (
        "第1号匹配方案计算失败。"
    )
    assert AuditEvent.objects.get(action="run.fail").detail["code"] == "bad_region"


def test_a_run_whose_worker_died_reads_as_failed(world, scenario, start) -> None:  # type: ignore[no-untyped-def]
    run = start(scenario.batch)
    MatchingRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING)
    Job.objects.filter(pk=run.job_id).update(
        state=Job.State.FAILED, message="任务已中断（处理进程长时间没有进展），请重新提交。"
    )
    run = MatchingRun.objects.select_related("job").get(pk=run.pk)
    status = run_status(run)
    assert (status.state, status.finished) == ("failed", True)
    assert status.error == "任务已中断（处理进程长时间没有进展），请重新提交。"


def test_a_relative_at_a_host_keeps_the_cadre_away_and_the_run_says_why(  # type: ignore[no-untyped-def]
    scenario, start
) -> None:
    relative_at(scenario.people["陈静"], scenario.gaoqiao)
    run = start(scenario.batch)
    chen = _explanation(run, scenario.people["陈静"])
    assert chen["post"] != scenario.post_2.pk
    assert chen["alternatives"][0] == {
        "post": scenario.post_2.pk,
        "rank": 1,
        "reasons": [{"code": "avoid_relative", "unit": scenario.gaoqiao.pk}],
    }


# Pins and forbids --------------------------------------------------------------------------


def test_pins_and_forbids_are_kept_on_the_batch_and_honoured_by_the_next_run(  # type: ignore[no-untyped-def]
    world, scenario, start
) -> None:
    liu, chen = scenario.people["刘强"], scenario.people["陈静"]
    event = run_pairs_set(
        actor=world.users["coordinator"],
        batch=scenario.batch,
        pins=[(liu.pk, scenario.post_a.pk)],
        forbids=[(chen.pk, scenario.post_2.pk)],
    )
    assert event.kind == "run_pairs"
    assert event.note == "调整人岗指定与排除：指定 1 组，排除 1 组。"
    assert run_pairs_current(batch=scenario.batch) == (
        [(liu.pk, scenario.post_a.pk)],
        [(chen.pk, scenario.post_2.pk)],
    )
    run = start(scenario.batch)
    assert run.pins == [[liu.pk, scenario.post_a.pk]]
    assert run.forbids == [[chen.pk, scenario.post_2.pk]]
    assert run.result["assignments"][str(liu.pk)] == scenario.post_a.pk
    assert _explanation(run, liu)["summary"] == {"code": "pinned", "post": scenario.post_a.pk}
    assert run.result["assignments"].get(str(chen.pk)) != scenario.post_2.pk
    assert _explanation(run, chen)["alternatives"][0]["reasons"] == [{"code": "forbidden"}]
    # Kept for later runs until changed.
    assert start(scenario.batch).pins == [[liu.pk, scenario.post_a.pk]]


def test_a_pin_that_breaks_a_hard_rule_is_refused_by_the_run_with_a_warning(  # type: ignore[no-untyped-def]
    world, scenario, start
) -> None:
    zhao = scenario.people["赵磊"]  # lacks 财务, which post_3 requires
    run_pairs_set(
        actor=world.users["coordinator"],
        batch=scenario.batch,
        pins=[(zhao.pk, scenario.post_3.pk)],
        forbids=[],
    )
    run = start(scenario.batch)
    assert str(zhao.pk) not in run.result["assignments"]
    assert run.result["warnings"] == [
        {
            "code": "pin_refused",
            "candidate": zhao.pk,
            "post": scenario.post_3.pk,
            "reasons": [{"code": "required_tags_missing", "missing": ["财务"]}],
        }
    ]


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("both", "kind", "刘强—党委副书记 不能既指定又排除。"),
        ("twice", "candidate", "刘强 只能指定到一个岗位。"),
        ("over", "post", "岗位“党委副书记”需求 1 人，不能指定 2 人。"),
        ("stranger", "candidate", "所选人员没有有效报名，不能参加匹配。"),
        ("foreign_post", "post", "所选岗位不属于本批次。"),
    ],
)
def test_pairs_that_cannot_hold_are_refused_and_nothing_changes(  # type: ignore[no-untyped-def]
    world, scenario, case, field, message
) -> None:
    from tests.programmes.world import programme_world

    liu, wang = scenario.people["刘强"], scenario.people["王芳"]
    a, three = scenario.post_a.pk, scenario.post_3.pk
    pins, forbids = {
        "both": ([(liu.pk, a)], [(liu.pk, a)]),
        "twice": ([(liu.pk, a), (liu.pk, three)], []),
        "over": ([(liu.pk, a), (wang.pk, a)], []),
        "stranger": ([(world.cadre_b.pk, a)], []),
        "foreign_post": ([(liu.pk, programme_world(world).post_b.pk)], []),
    }[case]
    with pytest.raises(ValidationFailed) as refused:
        run_pairs_set(
            actor=world.users["coordinator"], batch=scenario.batch, pins=pins, forbids=forbids
        )
    assert refused.value.detail == {field: message}
    assert run_pairs_current(batch=scenario.batch) == ([], [])
    assert not AuditEvent.objects.filter(action="run.pairs").exists()


def test_pairs_change_only_while_the_batch_is_matching(world, scenario) -> None:  # type: ignore[no-untyped-def]
    Batch.objects.filter(pk=scenario.batch.pk).update(state="publicity")
    with pytest.raises(InvalidTransition):
        run_pairs_set(
            actor=world.users["coordinator"],
            batch=scenario.batch,
            pins=[],
            forbids=[(scenario.people["刘强"].pk, scenario.post_a.pk)],
        )
    assert run_pairs_current(batch=scenario.batch) == ([], [])


# Adopting ----------------------------------------------------------------------------------


def _live(batch: Batch) -> list[tuple[str, str, str]]:
    return sorted(
        Assignment.objects.filter(batch=batch, run__isnull=False).values_list(
            "cadre__name", "post__title", "state"
        )
    )


def test_adopting_a_run_proposes_its_list(world, scenario, start) -> None:  # type: ignore[no-untyped-def]
    run = start(scenario.batch)
    created = run_adopt(actor=world.users["coordinator"], run=run)
    assert len(created) == 3
    wang = Assignment.objects.get(cadre=scenario.people["王芳"], batch=scenario.batch)
    assert (wang.state, wang.post, wang.run) == ("proposed", scenario.post_a, run)
    assert (wang.host_unit, wang.home_unit) == (world.township_a, scenario.college)
    assert wang.end_date == scenario.batch.term_end
    assert _live(scenario.batch) == [
        ("刘强", "党政办副主任", "proposed"),
        ("王芳", "党委副书记", "proposed"),
        ("陈静", "镇长助理", "proposed"),
    ]
    run.refresh_from_db()
    assert run.adopted_by == world.users["coordinator"] and run.adopted_at is not None
    event = BatchEvent.objects.get(batch=scenario.batch, kind="run_adopt")
    assert event.note == f"采纳第1号匹配方案：拟任 3 人，校验码 {run.fingerprint[:12]}。"
    audit = AuditEvent.objects.get(action="run.adopt")
    assert audit.detail == {"fingerprint": run.fingerprint, "assignments": 3, "cancelled": []}
    # The programme world's proposal made without a run is not this adoption's business.
    assert Assignment.objects.get(cadre__name="陈明").state == "proposed"


def test_adopting_another_run_cancels_the_earlier_proposals_naming_the_new_run(  # type: ignore[no-untyped-def]
    world, scenario, start
) -> None:
    first = start(scenario.batch)
    run_adopt(actor=world.users["coordinator"], run=first)
    run_pairs_set(
        actor=world.users["coordinator"],
        batch=scenario.batch,
        pins=[(scenario.people["刘强"].pk, scenario.post_a.pk)],
        forbids=[],
    )
    second = start(scenario.batch)
    run_adopt(actor=world.users["coordinator"], run=second)
    cancelled = Assignment.objects.filter(run=first)
    assert set(cancelled.values_list("state", "cancelled_reason")) == {
        ("cancelled", "由第2号匹配方案替代。")
    }
    assert sorted(
        Assignment.objects.filter(run=second).values_list("cadre__name", "post__title", "state")
    ) == [("刘强", "党委副书记", "proposed"), ("陈静", "镇长助理", "proposed")]
    assert AuditEvent.objects.filter(action="run.adopt").latest("id").detail["cancelled"] == sorted(
        cancelled.values_list("pk", flat=True)
    )


def _nothing_adopted(run: MatchingRun) -> None:
    run.refresh_from_db()
    assert run.adopted_at is None
    assert not Assignment.objects.filter(run=run).exists()
    assert not BatchEvent.objects.filter(kind="run_adopt").exists()
    assert not AuditEvent.objects.filter(action="run.adopt").exists()


def test_a_run_whose_post_or_application_is_gone_is_not_adopted(  # type: ignore[no-untyped-def]
    world, scenario, start
) -> None:
    run = start(scenario.batch)
    Application.objects.filter(cadre=scenario.people["王芳"]).update(
        state="withdrawn", withdrawn_at=timezone.now()
    )
    Post.objects.filter(pk=scenario.post_3.pk).delete()
    with pytest.raises(ValidationFailed) as refused:
        run_adopt(actor=world.users["coordinator"], run=run)
    assert refused.value.detail == {
        "problems": ["王芳 的报名已撤回或不存在。", "岗位“白鹿镇 党政办副主任”已不在本批次。"]
    }
    assert refused.value.message == (
        "匹配方案所依据的信息已发生变化，不能采纳："
        "王芳 的报名已撤回或不存在。、岗位“白鹿镇 党政办副主任”已不在本批次。 请重新匹配。"
    )
    _nothing_adopted(run)


def test_a_run_is_adopted_only_while_matching_once_done_and_not_twice(  # type: ignore[no-untyped-def]
    world, scenario, start
) -> None:
    run = start(scenario.batch)
    coordinator = world.users["coordinator"]
    Batch.objects.filter(pk=scenario.batch.pk).update(state="publicity")
    with pytest.raises(InvalidTransition):
        run_adopt(actor=coordinator, run=run)
    _nothing_adopted(run)
    Batch.objects.filter(pk=scenario.batch.pk).update(state="matching")
    MatchingRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING)
    with pytest.raises(InvalidTransition):
        run_adopt(actor=coordinator, run=run)
    _nothing_adopted(run)
    MatchingRun.objects.filter(pk=run.pk).update(state=RunState.DONE)
    run_adopt(actor=coordinator, run=run)
    with pytest.raises(InvalidTransition) as again:
        run_adopt(actor=coordinator, run=run)
    assert again.value.message == "该匹配方案已是当前采纳的方案。"
    assert Assignment.objects.filter(run=run, state="proposed").count() == 3


def test_someone_already_approved_in_the_batch_blocks_the_adoption(  # type: ignore[no-untyped-def]
    world, scenario, start
) -> None:
    from tests.programmes.factories import assign

    run = start(scenario.batch)
    assign(scenario.post_2, scenario.people["陈静"], state="approved")
    with pytest.raises(ValidationFailed) as refused:
        run_adopt(actor=world.users["coordinator"], run=run)
    assert refused.value.detail == {"problems": ["陈静 在本批次已有已批准的岗位。"]}
    _nothing_adopted(run)


# Export ------------------------------------------------------------------------------------


def test_the_export_lists_the_run_with_its_fingerprint_and_reads_back(  # type: ignore[no-untyped-def]
    world, scenario, start
) -> None:
    run = start(scenario.batch, seed=42)
    content = run_export(actor=world.users["coordinator"], run=run)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    head = [sheet.cell(row=n, column=1).value for n in range(1, 5)]
    assert head[0] == "2027年浔阳区挂职干部 第1号匹配方案"
    assert head[1] == f"校验码（SHA-256）：{run.fingerprint}"
    assert head[2] == f"随机种子：42　匹配方式：总分最优　总分：{run.objective:.3f}"
    assert head[3].startswith("计算完成时间：")
    rows = sheet_read(io.BytesIO(content), run_sheet_spec()).rows
    scores = run.result["scores"]
    assert [row.values for row in rows] == [
        {
            "post": "党委副书记",
            "host_unit": "白鹿镇",
            "name": "王芳",
            "home_unit": "江州学院",
            "choice": "1",
            "score": f"{round(scores[str(scenario.people['王芳'].pk)]['total'], 3)}",
        },
        {
            "post": "党政办副主任",
            "host_unit": "白鹿镇",
            "name": "刘强",
            "home_unit": "江州学院",
            "choice": "2",
            "score": f"{round(scores[str(scenario.people['刘强'].pk)]['total'], 3)}",
        },
        {
            "post": "镇长助理",
            "host_unit": "高桥镇",
            "name": "陈静",
            "home_unit": "江州学院",
            "choice": "1",
            "score": f"{round(scores[str(scenario.people['陈静'].pk)]['total'], 3)}",
        },
    ]
    audit = AuditEvent.objects.get(action="export")
    assert audit.detail == {"kind": "matching_run", "rows": 3, "fingerprint": run.fingerprint}


def test_a_run_computed_already_is_left_alone_when_its_job_arrives(  # type: ignore[no-untyped-def]
    world, scenario, django_capture_on_commit_callbacks
) -> None:
    """Demo data computes a run at once; the job delivered later (or twice) does nothing."""
    from guazhi.programmes.runs_job import run_compute

    with django_capture_on_commit_callbacks() as callbacks:
        run = run_start(
            actor=world.users["coordinator"],
            batch=scenario.batch,
            mode="optimal",
            weights=default_weights(),
            seed=1,
        )
    computed = run_compute(run_pk=run.pk, actor=world.users["coordinator"])
    for callback in callbacks:
        callback()
    run.refresh_from_db()
    assert run.state == RunState.DONE
    assert (run.fingerprint, run.finished_at) == (computed.fingerprint, computed.finished_at)
    assert run.job is not None and run.job.state == Job.State.SUCCEEDED
    assert BatchEvent.objects.filter(batch=scenario.batch, kind="run_done").count() == 1
