"""Matching runs: starting one, the coordinator's pins and forbids, adopting a result, export.

Pins and forbids (指定 / 排除) belong to the batch, not to a run: the coordinator sets them
between runs and the next run picks them up. They are kept as the timeline's "run_pairs"
events (payload {"pins": [[cadre, post]…], "forbids": […]}); the latest such event is the
current set, and the earlier ones are its history. Each run records the pairs it used on
MatchingRun.pins / .forbids and in its frozen inputs.

Adopting re-freezes the batch and refuses a run computed on candidates, posts or rules that
have changed since: the list would no longer be what the engine, under today's rules, gives
for today's applications. Nobody approved or on duty in another batch is adopted.

Batch events written here: run_start, run_pairs, run_adopt (and run_done / run_failed by
runs_job). Notes are stored in Chinese, the source language, like every stored text.
"""

import datetime as dt
import io
import math
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import load_workbook
from openpyxl.styles import Font

from guazhi.core.audit import audit_record
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.i18n import Message
from guazhi.core.jobs import job_start
from guazhi.core.spreadsheets import Column, SheetSpec, sheet_export
from guazhi.core.text import join_list
from guazhi.matching import canonical_json
from guazhi.orgs.models import CadreProfile
from guazhi.programmes.models import (
    Application,
    ApplicationState,
    Assignment,
    AssignmentState,
    Batch,
    BatchEvent,
    BatchState,
    MatchingRun,
    Post,
    RunMode,
    RunState,
)
from guazhi.programmes.runs_explain import Labels, score_text
from guazhi.programmes.runs_inputs import WEIGHT_NAMES, Pair, runs_freeze
from guazhi.programmes.runs_job import RUN_JOB
from guazhi.programmes.selectors.scope import can_manage_batch
from guazhi.programmes.selectors.selection import serving_elsewhere
from guazhi.programmes.services.events import batch_event_record
from guazhi.programmes.services.locks import locked_batch

MAX_WEIGHT = 100.0
MAX_SEED = 2**31 - 1
PAIRS_EVENT = "run_pairs"


def _require_manager(actor: Any, batch: Batch) -> None:
    if not can_manage_batch(actor=actor, batch=batch):
        raise Forbidden()


def _require_matching(batch: Batch, message: str) -> None:
    if batch.state != BatchState.MATCHING:
        raise InvalidTransition(message)


# Pins and forbids ----------------------------------------------------------------------------


def run_pairs_current(*, batch: Batch) -> tuple[list[Pair], list[Pair]]:
    """The batch's pins and forbids as the coordinator last set them (both empty at first)."""
    event = BatchEvent.objects.filter(batch=batch, kind=PAIRS_EVENT).order_by("-id").first()
    if event is None:
        return [], []
    return (
        [(int(c), int(p)) for c, p in event.payload.get("pins", [])],
        [(int(c), int(p)) for c, p in event.payload.get("forbids", [])],
    )


def run_pairs_set(
    *,
    actor: Any,
    batch: Batch,
    pins: Iterable[Pair],
    forbids: Iterable[Pair],
    note: str = "",
) -> BatchEvent:
    """Replace the batch's pins and forbids, kept for every later run until changed again."""
    pins = sorted({(int(c), int(p)) for c, p in pins})
    forbids = sorted({(int(c), int(p)) for c, p in forbids})
    with transaction.atomic():
        batch = locked_batch(batch.pk)
        _require_manager(actor, batch)
        _require_matching(batch, _("只有在匹配阶段才能指定或排除人岗组合。"))
        applicants = dict(
            Application.objects.filter(batch=batch, state=ApplicationState.SUBMITTED).values_list(
                "cadre_id", "cadre__name"
            )
        )
        posts = {post.pk: post for post in Post.objects.filter(batch=batch)}
        errors: dict[str, str] = {}
        unknown = [c for c, _p in [*pins, *forbids] if c not in applicants]
        if unknown:
            errors["candidate"] = _("所选人员没有有效报名，不能参加匹配。")
        if any(p not in posts for _c, p in [*pins, *forbids]):
            errors["post"] = _("所选岗位不属于本批次。")
        clash = sorted(set(pins) & set(forbids))
        if clash:
            errors["kind"] = _("%(name)s—%(post)s 不能既指定又排除。") % {
                "name": applicants.get(clash[0][0], ""),
                "post": posts[clash[0][1]].title if clash[0][1] in posts else "",
            }
        pinned_people: dict[int, int] = {}
        for cadre_id, post_id in pins:
            if cadre_id in pinned_people:
                errors["candidate"] = _("%(name)s 只能指定到一个岗位。") % {
                    "name": applicants.get(cadre_id, "")
                }
            pinned_people[cadre_id] = post_id
        for post_id, post in posts.items():
            count = sum(1 for _c, p in pins if p == post_id)
            if count > post.capacity:
                errors["post"] = _(
                    "岗位“%(post)s”需求 %(capacity)s 人，不能指定 %(count)s 人。"
                ) % {
                    "post": post.title,
                    "capacity": post.capacity,
                    "count": count,
                }
        if errors:
            raise ValidationFailed(next(iter(errors.values())), detail=errors)
        event = batch_event_record(
            actor=actor,
            batch=batch,
            kind=PAIRS_EVENT,
            note=note
            or Message(
                gettext_noop("调整人岗指定与排除：指定 %(pins)s 组，排除 %(forbids)s 组。"),
                pins=len(pins),
                forbids=len(forbids),
            ),
            payload={"pins": [list(p) for p in pins], "forbids": [list(p) for p in forbids]},
        )
        audit_record(
            actor=actor,
            action="run.pairs",
            obj=batch,
            detail={"pins": [list(p) for p in pins], "forbids": [list(p) for p in forbids]},
        )
    return event


# Starting a run ------------------------------------------------------------------------------


def _checked_weights(weights: Mapping[str, Any]) -> dict[str, float]:
    checked: dict[str, float] = {}
    errors: dict[str, str] = {}
    for name in WEIGHT_NAMES:
        try:
            value = float(weights[name])
        except (KeyError, TypeError, ValueError):
            errors[name] = _("请填写权重（0 到 %(max)s 之间的数）。") % {"max": int(MAX_WEIGHT)}
            continue
        if not math.isfinite(value) or not 0 <= value <= MAX_WEIGHT:
            errors[name] = _("权重应在 0 到 %(max)s 之间。") % {"max": int(MAX_WEIGHT)}
            continue
        checked[name] = value
    if not errors and not any(checked.values()):
        errors[WEIGHT_NAMES[0]] = _("至少要有一项权重大于 0。")
    if errors:
        raise ValidationFailed(next(iter(errors.values())), detail=errors)
    return checked


def run_start(
    *,
    actor: Any,
    batch: Batch,
    mode: str,
    weights: Mapping[str, Any],
    seed: int | None = None,
    note: str = "",
    require_choice: bool = True,
) -> MatchingRun:
    """Freeze the batch's inputs into a new run and compute it in a background job.

    `seed` breaks ties; a random one is drawn and recorded when none is given, so any run can
    be replayed exactly. The batch's current pins and forbids enter the run.
    """
    if mode not in RunMode.values:
        raise ValidationFailed(_("请选择匹配方式。"), detail={"mode": _("请选择匹配方式。")})
    checked = _checked_weights(weights)
    if seed is None:
        seed = secrets.randbelow(MAX_SEED + 1)
    elif not 0 <= seed <= MAX_SEED:
        message = _("随机种子应为 0 到 %(max)s 之间的整数。") % {"max": MAX_SEED}
        raise ValidationFailed(message, detail={"seed": message})
    with transaction.atomic():
        batch = locked_batch(batch.pk)
        _require_manager(actor, batch)
        _require_matching(batch, _("只有在匹配阶段才能进行人岗匹配。"))
        if not Post.objects.filter(batch=batch).exists():
            raise ValidationFailed(_("本批次还没有岗位，无法匹配。"))
        if not Application.objects.filter(batch=batch, state=ApplicationState.SUBMITTED).exists():
            raise ValidationFailed(_("本批次还没有有效报名，无法匹配。"))
        pins, forbids = run_pairs_current(batch=batch)
        inputs = runs_freeze(
            batch=batch,
            mode=mode,
            weights=checked,
            seed=seed,
            pins=pins,
            forbids=forbids,
            require_choice=require_choice,
        )
        if not inputs["engine"]["candidates"]:
            raise ValidationFailed(
                _(
                    "本批次的有效报名人员目前都不符合报名条件（共 %(n)s 人），无法匹配；"
                    "请核对批次的报名条件和人员档案。"
                )
                % {"n": len(inputs["ineligible"])}
            )
        params = inputs["engine"]["params"]
        number = (MatchingRun.objects.filter(batch=batch).aggregate(n=Max("number"))["n"] or 0) + 1
        run = MatchingRun.objects.create(
            batch=batch,
            number=number,
            mode=mode,
            weights=checked,
            seed=seed,
            pins=params["pins"],
            forbids=params["forbids"],
            inputs=inputs,
            note=note,
            started_by=actor,
        )
        run.job = job_start(actor=actor, kind=RUN_JOB, params={"run": run.pk})
        run.save(update_fields=["job", "updated_at"])
        batch_event_record(
            actor=actor,
            batch=batch,
            kind="run_start",
            note=note
            or Message(
                gettext_noop("发起第%(number)s号人岗匹配（%(candidates)s 人，%(posts)s 个岗位）。"),
                number=number,
                candidates=len(inputs["engine"]["candidates"]),
                posts=len(inputs["engine"]["posts"]),
            ),
            payload={"run": run.pk, "number": number, "mode": mode, "seed": seed},
        )
        audit_record(
            actor=actor,
            action="run.start",
            obj=run,
            detail={
                "mode": mode,
                "seed": seed,
                "weights": checked,
                "pins": params["pins"],
                "forbids": params["forbids"],
                "require_choice": require_choice,
                "dropped_pairs": inputs["dropped_pairs"],
                "ineligible": [person["cadre"] for person in inputs["ineligible"]],
            },
        )
    return run


# Adopting a run ------------------------------------------------------------------------------


def _adoption_problems(
    run: MatchingRun, pairs: Mapping[int, int], posts: Mapping[int, Post]
) -> list[str]:
    """Why the run's list can no longer become assignments: the world it was computed from
    has lost a post or an application it places (each named), or the person already holds
    an approved or active post in this batch."""
    labels = Labels(run.inputs.get("labels", {}))
    submitted = set(
        Application.objects.filter(
            batch=run.batch, state=ApplicationState.SUBMITTED, cadre_id__in=pairs
        ).values_list("cadre_id", flat=True)
    )
    problems = []
    for cadre_id, post_id in sorted(pairs.items()):
        if post_id not in posts:
            problems.append(_("岗位“%(post)s”已不在本批次。") % {"post": labels.post(post_id)})
        if cadre_id not in submitted:
            problems.append(
                _("%(name)s 的报名已撤回或不存在。") % {"name": labels.person(cadre_id)}
            )
    holding = (
        Assignment.objects.filter(
            batch=run.batch,
            cadre_id__in=pairs,
            state__in=(AssignmentState.APPROVED, AssignmentState.ACTIVE),
        )
        .select_related("cadre")
        .order_by("cadre__name_pinyin")
    )
    for assignment in holding:
        problems.append(
            _("%(name)s 在本批次已有%(state)s的岗位。")
            % {"name": assignment.cadre.name, "state": assignment.get_state_display()}
        )
    problems += [
        _("%(person)s，一人不能同时在两个批次挂职。") % {"person": person}
        for person in serving_elsewhere(batch=run.batch, cadre_ids=list(pairs))
    ]
    return problems


# The parts of a run's frozen inputs that decide who may go where; the params (weights, seed,
# pins and forbids) are the run's own choices and cannot go stale.
STALE_PARTS = ("candidates", "posts", "rules")


def _stale_parts(run: MatchingRun, batch: Batch) -> list[str]:
    """The parts of STALE_PARTS in which the batch today differs from the run's inputs."""
    frozen = run.inputs.get("engine", {})
    today = runs_freeze(
        batch=batch,
        mode=run.mode,
        weights=run.weights,
        seed=run.seed,
        require_choice=bool(frozen.get("rules", {}).get("require_choice", True)),
    )["engine"]
    return [
        part
        for part in STALE_PARTS
        if canonical_json(today[part]) != canonical_json(frozen.get(part))
    ]


def run_adoption_cancel_for_move(*, actor: Any, batch: Batch, reason: str) -> list[Assignment]:
    """For batch_transition moving matching → recruiting, which has checked the actor and the
    reason and runs in its own transaction with the batch locked: the proposed list is
    cancelled with the move's reason. The call reopens, so the list will be matched again;
    people left proposed meanwhile could withdraw and still be publicised, or be vetted for a
    list that no longer stands. The run stays on record and may be adopted again later if
    nothing it was computed from has changed."""
    proposed = list(
        Assignment.objects.select_for_update(of=("self",))
        .filter(batch=batch, state=AssignmentState.PROPOSED)
        .select_related("cadre")
        .order_by("id")
    )
    note = gettext_noop("重新开放报名，拟任人选随之取消：%(reason)s") % {"reason": reason}
    for assignment in proposed:
        assignment.state = AssignmentState.CANCELLED
        assignment.cancelled_reason = note
        assignment.save(update_fields=["state", "cancelled_reason", "updated_at"])
        audit_record(
            actor=actor,
            action="assignment.cancel",
            obj=assignment,
            detail={"from": AssignmentState.PROPOSED, "reason": note},
        )
    return proposed


def run_adopt(*, actor: Any, run: MatchingRun) -> list[Assignment]:
    """Turn a finished run's list into PROPOSED assignments, replacing an earlier adoption.

    The earlier adoption's PROPOSED assignments are cancelled with a reason naming this run.
    Refused, changing nothing, when the batch is not matching, the run is not done or already
    the adopted one (with people still proposed), a post or application it places no longer
    exists, someone it places is approved or on duty in another batch, or the candidates,
    posts or rules it was computed from have changed since (see the module docstring).
    """
    with transaction.atomic():
        batch = locked_batch(run.batch_id)
        _require_manager(actor, batch)
        _require_matching(batch, _("只有在匹配阶段才能采纳匹配方案。"))
        run = MatchingRun.objects.select_for_update(of=("self",)).get(pk=run.pk, batch=batch)
        run.batch = batch
        if run.state != RunState.DONE or run.result is None:
            raise InvalidTransition(_("该匹配方案尚未计算完成，不能采纳。"))
        current = (
            MatchingRun.objects.filter(batch=batch, adopted_at__isnull=False)
            .order_by("-adopted_at", "-id")
            .first()
        )
        if (
            current is not None
            and current.pk == run.pk
            and Assignment.objects.filter(run=run, state=AssignmentState.PROPOSED).exists()
        ):
            raise InvalidTransition(_("该匹配方案已是当前采纳的方案。"))
        pairs = {int(c): int(p) for c, p in run.result["assignments"].items()}
        if not pairs:
            raise ValidationFailed(_("该匹配方案没有安排任何人，不能采纳。"))
        posts = {
            post.pk: post
            for post in Post.objects.filter(batch=batch, pk__in=pairs.values()).select_related(
                "host_unit"
            )
        }
        problems = _adoption_problems(run, pairs, posts)
        earlier = list(
            Assignment.objects.select_for_update(of=("self",))
            .filter(batch=batch, state=AssignmentState.PROPOSED, run__isnull=False)
            .order_by("id")
        )
        replaced = {a.cadre_id for a in earlier}
        # Anyone else still proposed in this batch (not by a run) would hold two posts.
        others = (
            Assignment.objects.filter(
                batch=batch, state=AssignmentState.PROPOSED, run__isnull=True, cadre_id__in=pairs
            )
            .exclude(cadre_id__in=replaced)
            .select_related("cadre")
        )
        problems += [
            _("%(name)s 在本批次已有拟任岗位。") % {"name": assignment.cadre.name}
            for assignment in others
        ]
        if problems:
            raise ValidationFailed(
                _("匹配方案所依据的信息已发生变化，不能采纳：%(problems)s 请重新匹配。")
                % {"problems": join_list(problems)},
                detail={"problems": problems},
            )
        stale = _stale_parts(run, batch)
        if stale:
            message = (
                _("本方案计算后报名或岗位已变化，请重新匹配。")
                if "candidates" in stale or "posts" in stale
                else _("本方案计算后批次的匹配规则已变化，请重新匹配。")
            )
            raise ValidationFailed(message, detail={"stale": stale})
        reason = gettext_noop("由第%(number)s号匹配方案替代。") % {"number": run.number}
        for assignment in earlier:
            assignment.state = AssignmentState.CANCELLED
            assignment.cancelled_reason = reason
            assignment.save(update_fields=["state", "cancelled_reason", "updated_at"])
        homes = dict(CadreProfile.objects.filter(pk__in=pairs).values_list("pk", "home_unit_id"))
        created = []
        for cadre_id, post_id in sorted(pairs.items()):
            post = posts[post_id]
            created.append(
                Assignment.objects.create(
                    batch=batch,
                    cadre_id=cadre_id,
                    post=post,
                    host_unit_id=post.host_unit_id,
                    home_unit_id=homes[cadre_id],
                    run=run,
                    state=AssignmentState.PROPOSED,
                    end_date=batch.term_end,
                )
            )
        run.adopted_at = timezone.now()
        run.adopted_by = actor
        run.save(update_fields=["adopted_at", "adopted_by", "updated_at"])
        batch_event_record(
            actor=actor,
            batch=batch,
            kind="run_adopt",
            note=Message(
                gettext_noop("采纳第%(number)s号匹配方案：拟任 %(n)s 人，校验码 %(short)s。"),
                number=run.number,
                n=len(created),
                short=run.fingerprint[:12],
            ),
            payload={
                "run": run.pk,
                "number": run.number,
                "fingerprint": run.fingerprint,
                "assignments": [a.pk for a in created],
                "cancelled": [a.pk for a in earlier],
            },
        )
        audit_record(
            actor=actor,
            action="run.adopt",
            obj=run,
            detail={
                "fingerprint": run.fingerprint,
                "assignments": len(created),
                "cancelled": [a.pk for a in earlier],
            },
        )
    return created


# Export --------------------------------------------------------------------------------------


def run_sheet_spec() -> SheetSpec:
    """The columns of a run's exported list (headers are the file format: always Chinese)."""
    return SheetSpec(
        title=_("匹配结果"),
        columns=(
            Column("岗位", "post", width=20),
            Column("接收单位", "host_unit", width=20),
            Column("姓名", "name", width=10),
            Column("工作单位", "home_unit", width=20),
            Column("志愿顺序", "choice", width=10),
            Column("得分", "score", width=10),
        ),
    )


def _rounded(value: Any) -> float | None:
    return None if value is None else round(float(value), 3)


def _export_rows(run: MatchingRun) -> list[dict[str, Any]]:
    labels = Labels(run.inputs.get("labels", {}))
    result = run.result or {}
    scores = result.get("scores", {})
    explanations = result.get("explanations", {})
    rows: list[tuple[tuple[str, str, int, float], dict[str, Any]]] = []
    for cadre, post in result.get("assignments", {}).items():
        rank = (explanations.get(cadre) or {}).get("rank")
        score = _rounded(scores.get(cadre, {}).get("total"))
        # By host unit and post, the best score first: the order a list is read out in.
        order = (labels.post_host(post), labels.post_title(post), int(post), -(score or 0.0))
        rows.append(
            (
                order,
                {
                    "post": labels.post_title(post),
                    "host_unit": labels.post_host(post),
                    "name": labels.person(cadre),
                    "home_unit": labels.person_unit(cadre),
                    "choice": rank if rank else _("未填报"),
                    "score": score,
                },
            )
        )
    rows.sort(key=lambda row: row[0])
    return [row for _order, row in rows]


def run_export(*, actor: Any, run: MatchingRun, now: dt.datetime | None = None) -> bytes:
    """The run's list as .xlsx, with the run number, seed, computation time and fingerprint
    printed above the table, so a printed or forwarded list can be checked against the run."""
    if run.state != RunState.DONE:
        raise InvalidTransition(_("该匹配方案尚未计算完成，不能导出。"))
    rows = _export_rows(run)
    content = sheet_export(run_sheet_spec(), rows, total=len(rows))
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    finished = timezone.localtime(run.finished_at) if run.finished_at else None
    exported = timezone.localtime(now or timezone.now())
    # The batch's name as frozen with the run (covered by the fingerprint); runs frozen before
    # it was kept print today's name.
    batch_name = (run.inputs.get("labels") or {}).get("batch") or run.batch.name
    lines = [
        _("%(batch)s 第%(number)s号匹配方案") % {"batch": batch_name, "number": run.number},
        _("校验码（SHA-256）：%(fingerprint)s") % {"fingerprint": run.fingerprint},
        _("随机种子：%(seed)s　匹配方式：%(mode)s　总分：%(objective)s")
        % {
            "seed": run.seed,
            "mode": run.get_mode_display(),
            "objective": score_text(run.objective),
        },
        _("计算完成时间：%(finished)s　导出时间：%(exported)s")
        % {
            "finished": f"{finished:%Y-%m-%d %H:%M:%S}" if finished else "—",
            "exported": f"{exported:%Y-%m-%d %H:%M:%S}",
        },
    ]
    sheet.insert_rows(1, amount=len(lines) + 1)
    for number, text in enumerate(lines, start=1):
        cell = sheet.cell(row=number, column=1, value=text)
        cell.font = Font(bold=number == 1)
    sheet.freeze_panes = f"A{len(lines) + 3}"
    workbook.properties.title = lines[0]
    workbook.properties.keywords = run.fingerprint
    buffer = io.BytesIO()
    workbook.save(buffer)
    audit_record(
        actor=actor,
        action="export",
        obj=run,
        detail={"kind": "matching_run", "rows": len(rows), "fingerprint": run.fingerprint},
    )
    return buffer.getvalue()


def run_export_filename(run: MatchingRun) -> str:
    return _("%(batch)s_匹配方案%(number)s.xlsx") % {"batch": run.batch.name, "number": run.number}
