"""The background job that computes a matching run: the engine on the frozen inputs, stored.

`run_compute` is the whole computation (also called directly by demo data and tests); the job
kind wraps it so a run started from a page executes in a task worker and the page shows its
progress. A run is computed at most once: a task delivered twice finds it no longer queued.

Workers find this kind through `guazhi.programmes.jobs` (core.jobs autodiscovers a `jobs`
module per app), which imports this module.

The fingerprint printed on a run's page and export covers what the export prints: the engine's
inputs, the names (labels) the list is printed with, the run's number, and the result, so a
list whose names were altered after the fact no longer matches its fingerprint. Runs frozen
before the labels were covered (no "fingerprint_version" in their inputs) keep their
fingerprint over the engine's inputs and the result, and `run_fingerprint_matches` checks
each run the way it was fingerprinted.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from guazhi.core.audit import audit_record
from guazhi.core.errors import GuazhiError
from guazhi.core.i18n import Message
from guazhi.core.jobs import Progress, job_kind
from guazhi.core.models import Job
from guazhi.matching import MatchingInputError, fingerprint, inputs_from_dict, solve
from guazhi.programmes.models import MatchingRun, RunState
from guazhi.programmes.runs_inputs import FINGERPRINT_VERSION
from guazhi.programmes.services.events import batch_event_record

logger = logging.getLogger(__name__)

RUN_JOB = "matching_run"
# Stored as msgids (Chinese, no parameters) and translated when shown: see core.i18n.
INPUT_INVALID = gettext_noop("匹配输入数据无法计算，请检查岗位和报名信息后重新匹配。")
RESULT_BROKEN = gettext_noop("计算结果未通过硬性条件校验，未予保存，请联系系统管理员。")
FAILED = gettext_noop("匹配计算失败，请稍后重新匹配；如仍失败，请联系系统管理员。")


class RunFailed(GuazhiError):
    code = "run_failed"


def run_fingerprint(*, inputs: dict[str, Any], result: dict[str, Any], number: int) -> str:
    """The fingerprint of a run's frozen `inputs` and `result` (see the module docstring)."""
    if inputs.get("fingerprint_version") == FINGERPRINT_VERSION:
        covered = {"engine": inputs["engine"], "labels": inputs.get("labels", {}), "number": number}
        return fingerprint(covered, result)
    return fingerprint(inputs["engine"], result)


def run_fingerprint_matches(run: MatchingRun) -> bool:
    """Whether a computed run's stored fingerprint still matches its inputs and result: False
    when either was altered after the computation (or the run is not computed)."""
    if run.state != RunState.DONE or run.result is None or not run.fingerprint:
        return False
    return run.fingerprint == run_fingerprint(
        inputs=run.inputs, result=run.result, number=run.number
    )


def _fail(run_pk: int, actor: Any, message: str, detail: dict[str, Any]) -> None:
    with transaction.atomic():
        run = (
            MatchingRun.objects.select_for_update(of=("self",))
            .select_related("batch")
            .get(pk=run_pk)
        )
        run.state = RunState.FAILED
        run.error = message
        run.finished_at = timezone.now()
        run.save(update_fields=["state", "error", "finished_at", "updated_at"])
        batch_event_record(
            actor=actor,
            batch=run.batch,
            kind="run_failed",
            note=Message(gettext_noop("第%(number)s号匹配方案计算失败。"), number=run.number),
            payload={"run": run.pk, "number": run.number},
        )
        audit_record(actor=actor, action="run.fail", obj=run, detail=detail)


def run_compute(
    *, run_pk: int, actor: Any, progress: Callable[[int, int], None] | None = None
) -> MatchingRun:
    """Solve a queued run on its frozen inputs and store the result with its fingerprint.

    A run not queued (already computed, or being computed) is returned as it is. On failure
    the run is marked failed with a Chinese message and the error is raised again.
    """
    claimed = MatchingRun.objects.filter(pk=run_pk, state=RunState.QUEUED).update(
        state=RunState.RUNNING, updated_at=timezone.now()
    )
    if not claimed:
        return MatchingRun.objects.get(pk=run_pk)
    run = MatchingRun.objects.only("pk", "number", "inputs").get(pk=run_pk)
    try:
        result = solve(*inputs_from_dict(run.inputs["engine"]), progress=progress)
    except MatchingInputError as error:
        # Inputs are built by runs_inputs, so this is a profile or post the engine cannot read
        # (a malformed region code, say); the code tells an administrator which.
        _fail(run_pk, actor, INPUT_INVALID, {"code": error.code, "detail": str(error.detail)})
        raise RunFailed(INPUT_INVALID, detail={"code": error.code}) from error
    except Exception:
        logger.exception("matching run %s failed", run_pk)
        _fail(run_pk, actor, FAILED, {})
        raise
    if result.violations:
        # The engine checks its own result; a broken rule is a bug, never a list to publish.
        logger.error("matching run %s broke hard rules: %s", run_pk, result.violations)
        _fail(run_pk, actor, RESULT_BROKEN, {"violations": len(result.violations)})
        raise RunFailed(RESULT_BROKEN)
    data = result.to_dict()
    with transaction.atomic():
        run = (
            MatchingRun.objects.select_for_update(of=("self",))
            .select_related("batch")
            .get(pk=run_pk)
        )
        run.result = data
        run.objective = float(result.objective)
        run.fingerprint = run_fingerprint(inputs=run.inputs, result=data, number=run.number)
        run.state = RunState.DONE
        run.finished_at = timezone.now()
        run.save(
            update_fields=[
                "result",
                "objective",
                "fingerprint",
                "state",
                "finished_at",
                "updated_at",
            ]
        )
        assigned = len(result.assignments)
        batch_event_record(
            actor=actor,
            batch=run.batch,
            kind="run_done",
            note=Message(
                gettext_noop(
                    "第%(number)s号匹配方案计算完成：安排 %(assigned)s 人，总分 %(objective).3f。"
                ),
                number=run.number,
                assigned=assigned,
                objective=run.objective,
            ),
            payload={"run": run.pk, "number": run.number, "fingerprint": run.fingerprint},
        )
        audit_record(
            actor=actor,
            action="run.finish",
            obj=run,
            detail={
                "fingerprint": run.fingerprint,
                "objective": run.objective,
                "assigned": assigned,
            },
        )
    return run


@job_kind(RUN_JOB, label=gettext_lazy("人岗匹配计算"))
def run_job(job: Job, progress: Progress) -> dict[str, Any]:
    run = run_compute(run_pk=int(job.params["run"]), actor=job.owner, progress=progress)
    return {"run": run.pk, "objective": run.objective}
