"""Freezing a batch into a run's inputs; and the run data the other runs tests share:
`computed_run` and `matching_scenario`."""

from dataclasses import dataclass
from typing import Any

from guazhi.orgs.models import CadreRelative, Organisation
from guazhi.programmes.models import Batch, MatchingRun, Post
from guazhi.programmes.runs_inputs import default_weights, runs_freeze
from guazhi.programmes.runs_job import run_compute
from tests.factories import CadreFactory, UnitFactory
from tests.programmes.factories import PostFactory, apply
from tests.programmes.world import programme_world


def computed_run(
    batch: Batch, actor: Any, *, mode: str = "optimal", seed: int = 7, **options: Any
) -> MatchingRun:
    """A run of `batch` frozen and computed at once, whatever the batch's state (no job)."""
    number = MatchingRun.objects.filter(batch=batch).count() + 1
    weights = options.pop("weights", default_weights())
    run = MatchingRun.objects.create(
        batch=batch,
        number=number,
        mode=mode,
        weights=weights,
        seed=seed,
        inputs=runs_freeze(batch=batch, mode=mode, weights=weights, seed=seed, **options),
        started_by=actor,
    )
    return run_compute(run_pk=run.pk, actor=actor)


@dataclass
class Scenario:
    """batch_a of the programme world, moved to matching, dispatching also from 江州学院 (in
    another region, so its people may serve in district A), with three posts:

    post_a   白鹿镇 党委副书记 (preferred 招商引资), capacity 1
    post_2   高桥镇 镇长助理 (preferred 乡村振兴), capacity 1
    post_3   白鹿镇 党政办副主任 (required 财务), capacity 1, not in the leadership team

    and four applicants of 江州学院: 王芳 (招商引资; post_a, post_2), 刘强 (招商引资, 财务;
    post_a, post_3), 陈静 (乡村振兴; post_2, post_a), 赵磊 (法律; post_3 only: lacks 财务).
    """

    batch: Batch
    college: Organisation
    gaoqiao: Organisation
    post_a: Post
    post_2: Post
    post_3: Post
    people: dict[str, Any]


def matching_scenario(world) -> Scenario:  # type: ignore[no-untyped-def]
    programmes = programme_world(world)
    batch = programmes.batch_a
    Batch.objects.filter(pk=batch.pk).update(state="matching")
    batch.refresh_from_db()
    college = UnitFactory(
        name="江州学院", kind="university", level="city", parent=None, region_code="360100"
    )
    batch.dispatching_orgs.add(college)
    gaoqiao = UnitFactory(name="高桥镇", kind="township", level="township", parent=world.district_a)
    post_a = programmes.post_a
    post_2 = PostFactory(
        batch=batch,
        host_unit=gaoqiao,
        title="镇长助理",
        portfolio="乡村振兴",
        duties="协助抓好乡村振兴、农业产业发展和人居环境整治",
        preferred_tags=["乡村振兴"],
    )
    post_3 = PostFactory(
        batch=batch,
        host_unit=world.township_a,
        title="党政办副主任",
        portfolio="财务",
        duties="负责镇财政预算、财务管理和审计整改",
        required_tags=["财务"],
        preferred_tags=[],
        leadership=False,
        rank="",
    )
    people = {
        "王芳": CadreFactory(name="王芳", gender="女", home_unit=college, expertise=["招商引资"]),
        "刘强": CadreFactory(name="刘强", home_unit=college, expertise=["招商引资", "财务"]),
        "陈静": CadreFactory(name="陈静", gender="女", home_unit=college, expertise=["乡村振兴"]),
        "赵磊": CadreFactory(name="赵磊", home_unit=college, expertise=["法律"]),
    }
    apply(batch, people["王芳"], [post_a, post_2], statement="长期从事招商引资工作")
    apply(batch, people["刘强"], [post_a, post_3], statement="熟悉财务管理和招商")
    apply(batch, people["陈静"], [post_2, post_a], statement="研究乡村振兴和农业产业")
    apply(batch, people["赵磊"], [post_3], statement="法学教师")
    return Scenario(batch, college, gaoqiao, post_a, post_2, post_3, people)


def relative_at(profile: Any, unit: Organisation) -> CadreRelative:
    return CadreRelative.objects.create(
        profile=profile, name="亲属", relation="配偶", unit_name=unit.name, unit=unit
    )


# Freezing ----------------------------------------------------------------------------------


def _engine_candidate(run_inputs: dict, profile: Any) -> dict:
    return next(c for c in run_inputs["engine"]["candidates"] if c["id"] == profile.pk)


def _engine_post(run_inputs: dict, post: Post) -> dict:
    return next(p for p in run_inputs["engine"]["posts"] if p["id"] == post.pk)


def _freeze(batch: Batch, **options: Any) -> dict:
    return runs_freeze(batch=batch, mode="optimal", weights=default_weights(), seed=3, **options)


def test_a_candidate_is_frozen_with_profile_choices_regions_and_avoidance(world) -> None:  # type: ignore[no-untyped-def]
    scenario = matching_scenario(world)
    wang = scenario.people["王芳"]
    wang.native_region_code = "360403"
    wang.position = "招商处副处长"
    wang.professional_title = "经济师"
    wang.save(update_fields=["native_region_code", "position", "professional_title"])
    relative_at(wang, scenario.gaoqiao)
    inputs = _freeze(scenario.batch)
    assert _engine_candidate(inputs, wang) == {
        "id": wang.pk,
        "home_unit": scenario.college.pk,
        "dispatch_unit": scenario.college.pk,
        "tags": ["招商引资"],
        "text": "招商引资\n招商处副处长\n经济师\n长期从事招商引资工作",
        "home_region": "",  # the college's code names a city: no county to avoid
        "origin_region": "360403",
        "relative_units": [scenario.gaoqiao.pk],
        "level": 2,  # 正科级 on the ladder 科员级 = 0 … 正厅级 = 6
        "woman": True,
        "minority": False,
        "non_party": False,
        "choices": [scenario.post_a.pk, scenario.post_2.pk],
        "recommended": False,
    }
    assert inputs["labels"]["people"][str(wang.pk)]["name"] == "王芳"
    assert inputs["labels"]["units"][str(scenario.gaoqiao.pk)] == "高桥镇"


def test_a_post_is_frozen_with_its_host_region_level_and_host_ranking(world) -> None:  # type: ignore[no-untyped-def]
    from guazhi.programmes.models import HostPreference

    scenario = matching_scenario(world)
    outsider = CadreFactory(name="未报名", home_unit=scenario.college)
    for rank, profile in enumerate(
        [scenario.people["陈静"], outsider, scenario.people["王芳"]], start=1
    ):
        HostPreference.objects.create(post=scenario.post_2, cadre=profile, rank=rank)
    inputs = _freeze(scenario.batch)
    assert _engine_post(inputs, scenario.post_2) == {
        "id": scenario.post_2.pk,
        "host_unit": scenario.gaoqiao.pk,
        "capacity": 1,
        # 高桥镇 has no code of its own: its district's (浔阳区 360403) is used.
        "host_region": "360403",
        "required_tags": [],
        "preferred_tags": ["乡村振兴"],
        "text": "镇长助理\n乡村振兴\n协助抓好乡村振兴、农业产业发展和人居环境整治",
        "level": 1,  # 副科级
        "leadership": True,
        # Only applicants are ranked: the host's choice of someone who did not apply is left out.
        "host_ranking": [scenario.people["陈静"].pk, scenario.people["王芳"].pk],
    }
    assert _engine_post(inputs, scenario.post_3)["level"] == -1  # no rank set: unspecified


def test_only_submitted_applications_enter_and_recommended_means_not_declined(world) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from guazhi.programmes.models import Application, Recommendation

    scenario = matching_scenario(world)
    Application.objects.filter(cadre=scenario.people["赵磊"]).update(
        state="withdrawn", withdrawn_at=timezone.now()
    )
    for name, declined in (("王芳", None), ("刘强", timezone.now() - dt.timedelta(days=1))):
        Recommendation.objects.create(
            batch=scenario.batch,
            cadre=scenario.people[name],
            recommender=world.users["dispatch_admin"],
            recommending_unit=scenario.college,
            comment="表现突出",
            declined_at=declined,
        )
    inputs = _freeze(scenario.batch)
    recommended = {c["id"]: c["recommended"] for c in inputs["engine"]["candidates"]}
    people = scenario.people
    assert recommended == {
        people["王芳"].pk: True,
        people["刘强"].pk: False,
        people["陈静"].pk: False,
    }


def test_the_dispatch_unit_is_the_nearest_dispatching_ancestor(world) -> None:  # type: ignore[no-untyped-def]
    scenario = matching_scenario(world)
    faculty = UnitFactory(name="经济学院", kind="university", level="city", parent=scenario.college)
    lecturer = CadreFactory(name="孙悦", home_unit=faculty)
    apply(scenario.batch, lecturer, [scenario.post_2])
    candidate = _engine_candidate(_freeze(scenario.batch), lecturer)
    assert candidate["dispatch_unit"] == scenario.college.pk
    assert candidate["home_unit"] == faculty.pk
    # The faculty has no code of its own and the college's names a city: no county to avoid.
    assert candidate["home_region"] == ""


def test_a_home_unit_in_a_county_avoids_that_county_by_its_nearest_code(world) -> None:  # type: ignore[no-untyped-def]
    scenario = matching_scenario(world)
    # 浔阳区委党校 has no code; its district 浔阳区 has 360403, so hosts in 浔阳区 are avoided.
    scenario.batch.dispatching_orgs.add(world.school_a)
    teacher = CadreFactory(name="钱进", home_unit=world.school_a, native_region_code="360400")
    apply(scenario.batch, teacher, [scenario.post_2])
    inputs = _freeze(scenario.batch)
    candidate = _engine_candidate(inputs, teacher)
    assert candidate["home_region"] == "360403"
    assert candidate["origin_region"] == ""  # 籍贯 given as a whole city: no county
    assert _engine_post(inputs, scenario.post_2)["host_region"] == "360403"


def test_cadres_serving_in_a_hosts_leadership_team_from_other_batches_are_counted(world) -> None:  # type: ignore[no-untyped-def]
    from tests.programmes.factories import BatchFactory, assign

    scenario = matching_scenario(world)
    earlier = BatchFactory(name="2026年挂职", coordinating_org=world.district_a, state="active")
    serving = PostFactory(batch=earlier, host_unit=world.township_a)
    clerk = PostFactory(batch=earlier, host_unit=world.township_a, leadership=False)
    assign(serving, CadreFactory(name="在岗甲", home_unit=world.school_a), state="active")
    assign(
        serving, CadreFactory(name="拟任乙", home_unit=world.school_a), state="proposed"
    )  # not serving yet
    assign(
        clerk, CadreFactory(name="在岗丙", home_unit=world.school_a), state="active"
    )  # not in the leadership team
    inputs = _freeze(scenario.batch)
    assert inputs["engine"]["rules"] == {
        "max_per_dispatch_at_host": 2,
        "max_leadership_per_host": 2,
        "serving_in_leadership": {str(world.township_a.pk): 1},
        "max_levels_above": 0,
        "min_women": 0,
        "min_minority": 0,
        "min_non_party": 0,
        "require_choice": True,
    }


def test_pairs_naming_someone_no_longer_applying_are_dropped_and_recorded(world) -> None:  # type: ignore[no-untyped-def]
    scenario = matching_scenario(world)
    liu, stranger = scenario.people["刘强"], CadreFactory(name="路人", home_unit=scenario.college)
    inputs = _freeze(
        scenario.batch,
        pins=[(liu.pk, scenario.post_a.pk), (stranger.pk, scenario.post_2.pk)],
        forbids=[(liu.pk, 999_999)],
    )
    assert inputs["engine"]["params"]["pins"] == [[liu.pk, scenario.post_a.pk]]
    assert inputs["engine"]["params"]["forbids"] == []
    assert inputs["dropped_pairs"] == [[stranger.pk, scenario.post_2.pk], [liu.pk, 999_999]]


def test_an_edit_after_the_run_starts_does_not_change_its_inputs_or_result(  # type: ignore[no-untyped-def]
    world, django_capture_on_commit_callbacks
) -> None:
    from django.utils import timezone

    from guazhi.programmes.models import Application, RunState
    from guazhi.programmes.services.runs import run_start

    scenario = matching_scenario(world)
    with django_capture_on_commit_callbacks() as callbacks:
        run = run_start(
            actor=world.users["coordinator"],
            batch=scenario.batch,
            mode="optimal",
            weights=default_weights(),
            seed=11,
        )
    frozen = run.inputs
    # Between the start and the worker picking the job up, the batch changes.
    Post.objects.filter(pk=scenario.post_a.pk).update(title="党委书记", capacity=3)
    scenario.people["王芳"].expertise = ["法律"]
    scenario.people["王芳"].save(update_fields=["expertise"])
    Application.objects.filter(cadre=scenario.people["陈静"]).update(
        state="withdrawn", withdrawn_at=timezone.now()
    )
    for callback in callbacks:
        callback()
    run.refresh_from_db()
    assert run.state == RunState.DONE
    assert run.inputs == frozen
    wang = _engine_candidate(run.inputs, scenario.people["王芳"])
    assert wang["tags"] == ["招商引资"]
    assert _engine_post(run.inputs, scenario.post_a)["capacity"] == 1
    assert run.inputs["labels"]["posts"][str(scenario.post_a.pk)]["title"] == "党委副书记"
    assert str(scenario.people["陈静"].pk) in run.result["assignments"]
