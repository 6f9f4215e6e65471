"""Reading matching runs: the batch's list, one run's report, two runs compared, pair choices.

Runs are the coordinators' work (the batch's managers): every read goes through `access_run`
or a batch the view fetched with `access_batch(manage=True)`. A report is built from the run's
frozen inputs and stored result only, never from today's tables, so it keeps showing what was
computed; the only queries are the run itself and its job.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.db.models.fields.json import KeyTransform
from django.utils.translation import gettext as _

from guazhi.core.errors import NotFound
from guazhi.core.i18n import stored_text
from guazhi.core.jobs import job_failure
from guazhi.core.models import Job
from guazhi.core.text import name_syllables, pinyin_key
from guazhi.orgs.scopes import scopes_of
from guazhi.programmes.models import (
    Application,
    ApplicationState,
    Batch,
    BatchState,
    MatchingRun,
    Post,
    RunState,
)
from guazhi.programmes.runs_explain import (
    COMPONENT_LABELS,
    CandidateExplanation,
    Labels,
    TargetRow,
    composition_rows,
    explain_candidate,
    histogram_rows,
    pair_labels,
    score_text,
    summary_text,
    warning_text,
)
from guazhi.programmes.selectors.scope import BATCH_MANAGER_ROLES

CANDIDATES_PER_PAGE = 50
# The run's weights, named like the score components they multiply.
WEIGHT_LABELS = {
    "expertise_tags": COMPONENT_LABELS["tags"],
    "expertise_text": COMPONENT_LABELS["text"],
    "preference": COMPONENT_LABELS["preference"],
    "host_preference": COMPONENT_LABELS["host_preference"],
    "recommendation": COMPONENT_LABELS["recommendation"],
}


def run_queryset(actor) -> QuerySet[MatchingRun]:  # type: ignore[no-untyped-def]
    """The runs of the batches the actor manages (coordinators over the coordinating org)."""
    condition = scopes_of(actor).batch_filter(
        BATCH_MANAGER_ROLES, path_field="batch__coordinating_org__path", batch_field="batch_id"
    )
    if condition == Q():
        return MatchingRun.objects.all()
    return MatchingRun.objects.filter(condition)


def access_run(*, actor, pk: int) -> MatchingRun:  # type: ignore[no-untyped-def]
    """The run if the actor manages its batch; NotFound alike for missing and forbidden."""
    # The frozen inputs and the result can run to megabytes: loaded when first read, so the
    # run page's polling (status only) never fetches them.
    run = (
        run_queryset(actor)
        .filter(pk=pk)
        .select_related("batch__coordinating_org", "job", "started_by", "adopted_by")
        .defer("inputs", "result")
        .first()
    )
    if run is None:
        raise NotFound()
    return run


# State -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunStatus:
    state: str  # a RunState value, FAILED too when the worker died under a running run
    label: str
    finished: bool
    percent: int
    done: int
    total: int
    error: str  # in the reader's language; "" unless failed


def run_status(run: MatchingRun) -> RunStatus:
    job: Job | None = run.job
    state = run.state
    error = stored_text(run.error) if run.error else ""
    unfinished = state in (RunState.QUEUED, RunState.RUNNING)
    # A worker that died leaves the run running; the stale-job sweep fails its job.
    if unfinished and job is not None and job.state == Job.State.FAILED:
        state, error = RunState.FAILED, job_failure(job).message
    finished = state in (RunState.DONE, RunState.FAILED)
    return RunStatus(
        state=state,
        label=str(RunState(state).label),
        finished=finished,
        percent=100 if state == RunState.DONE else (job.percent if job is not None else 0),
        done=job.done if job is not None else 0,
        total=job.total if job is not None else 0,
        error=error or (_("计算失败。") if state == RunState.FAILED else ""),
    )


def current_adoption(*, batch: Batch) -> MatchingRun | None:
    return (
        MatchingRun.objects.filter(batch=batch, adopted_at__isnull=False)
        .order_by("-adopted_at", "-id")
        .first()
    )


def can_start_runs(*, batch: Batch) -> bool:
    return batch.state == BatchState.MATCHING


# The list ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunRow:
    run: MatchingRun
    status: RunStatus
    candidates: int | None  # None until computed
    assigned: int | None
    first_choice: int | None
    objective: str
    adopted: bool  # the batch's current adoption
    fingerprint: str  # short form, the first 12 hex digits


def _count(histogram: Mapping[str, Any] | None, *, first: bool) -> int | None:
    if not isinstance(histogram, Mapping):
        return None
    if first:
        return int(histogram.get("1", 0))
    return sum(int(n) for key, n in histogram.items() if key != "unassigned")


def run_rows(*, batch: Batch) -> list[RunRow]:
    """The batch's runs, newest first, with the figures read out of the stored JSON by the
    database (the explanations stay on disk)."""
    adopted = current_adoption(batch=batch)
    runs = (
        MatchingRun.objects.filter(batch=batch)
        .select_related("job", "started_by")
        .defer("inputs", "result")
        .annotate(
            histogram=KeyTransform("choice_histogram", "result"),
            candidate_count=KeyTransform("candidates", KeyTransform("stats", "result")),
        )
        .order_by("-number")
    )
    rows = []
    for run in runs:
        histogram = run.histogram  # type: ignore[attr-defined]
        candidates = run.candidate_count  # type: ignore[attr-defined]
        rows.append(
            RunRow(
                run=run,
                status=run_status(run),
                candidates=candidates if isinstance(candidates, int) else None,
                assigned=_count(histogram, first=False),
                first_choice=_count(histogram, first=True),
                objective=score_text(run.objective) if run.objective is not None else "—",
                adopted=adopted is not None and adopted.pk == run.pk,
                fingerprint=run.fingerprint[:12],
            )
        )
    return rows


def done_runs(*, batch: Batch) -> list[MatchingRun]:
    return list(
        MatchingRun.objects.filter(batch=batch, state=RunState.DONE)
        .defer("inputs", "result")
        .order_by("-number")
    )


# One run -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    cadre_id: int
    name: str
    home_unit: str
    rank: int | None
    score: str


@dataclass(frozen=True)
class PostRow:
    post_id: int
    title: str
    host_unit: str
    capacity: int
    filled: int
    cutoff: str
    holders: list[Holder]


@dataclass(frozen=True)
class Unassigned:
    cadre_id: int
    name: str
    home_unit: str
    reason: str


@dataclass(frozen=True)
class LeftOut:
    """An applicant the run left out because they failed the batch's eligibility rules when
    it started; the reasons are as frozen then (in Chinese, the source language)."""

    cadre_id: int
    name: str
    home_unit: str
    reasons: list[str]


@dataclass
class RunReport:
    run: MatchingRun
    status: RunStatus
    candidates: int = 0
    posts_count: int = 0
    capacity: int = 0
    assigned: int = 0
    objective: str = ""
    upper_bound: str = ""
    given_up: str = ""
    exact: bool = True
    histogram: list[tuple[str, int]] = field(default_factory=list)
    composition: list[TargetRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pins: list[str] = field(default_factory=list)
    forbids: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    ineligible: list[LeftOut] = field(default_factory=list)
    weights: list[tuple[str, str]] = field(default_factory=list)
    posts: list[PostRow] = field(default_factory=list)
    unassigned: list[Unassigned] = field(default_factory=list)
    page: Page | None = None  # of CandidateExplanation
    focus: CandidateExplanation | None = None
    adopted: bool = False


def _by_name(labels: Labels, ids: Any) -> list[int]:
    return sorted(
        (int(i) for i in ids), key=lambda i: (pinyin_key(name_syllables(labels.person(i))), i)
    )


def run_report(
    *, run: MatchingRun, candidate: int | None = None, page: Any = 1, status_only: bool = False
) -> RunReport:
    """Everything the run page shows. `candidate` focuses one person's explanation;
    `status_only` (the page polling a run still computing) leaves the stored JSON unread."""
    status = run_status(run)
    if status_only and not status.finished:
        return RunReport(run=run, status=status)
    adopted = current_adoption(batch=run.batch)
    report = RunReport(run=run, status=status, adopted=adopted is not None and adopted.pk == run.pk)
    inputs = run.inputs or {}
    labels = Labels(inputs.get("labels", {}))
    engine = inputs.get("engine", {})
    report.candidates = len(engine.get("candidates", []))
    report.posts_count = len(engine.get("posts", []))
    report.capacity = sum(int(p.get("capacity", 0)) for p in engine.get("posts", []))
    report.weights = [
        (str(label), score_text(run.weights.get(key))) for key, label in WEIGHT_LABELS.items()
    ]
    report.pins = pair_labels(run.pins, labels)
    report.forbids = pair_labels(run.forbids, labels)
    # A pin or forbid naming someone left out names them too (they are not among the labels).
    left_out = {
        str(person["cadre"]): {"name": person["name"], "home_unit": None}
        for person in inputs.get("ineligible", [])
    }
    named = Labels({**inputs.get("labels", {}), "people": {**left_out, **labels.people}})
    report.dropped = pair_labels(inputs.get("dropped_pairs", []), named)
    report.ineligible = [
        LeftOut(
            cadre_id=int(person["cadre"]),
            name=str(person["name"]),
            home_unit=str(person.get("home_unit", "")),
            reasons=[str(reason) for reason in person.get("reasons", [])],
        )
        for person in inputs.get("ineligible", [])
    ]
    result = run.result
    if status.state != RunState.DONE or not result:
        return report
    scores = result.get("scores", {})
    explanations = result.get("explanations", {})
    report.assigned = len(result.get("assignments", {}))
    report.objective = score_text(result.get("objective"))
    if result.get("upper_bound") is not None:
        report.upper_bound = score_text(result["upper_bound"])
    if result.get("given_up"):
        report.given_up = score_text(result["given_up"])
    report.exact = bool(result.get("exact", True))
    report.histogram = histogram_rows(result.get("choice_histogram", {}))
    report.composition = composition_rows(result.get("composition", {}))
    report.warnings = [warning_text(w, labels) for w in result.get("warnings", [])]
    for post in engine.get("posts", []):
        outcome = result.get("posts", {}).get(str(post["id"]), {})
        holders = [
            Holder(
                cadre_id=int(c),
                name=labels.person(c),
                home_unit=labels.person_unit(c),
                rank=(explanations.get(str(c)) or {}).get("rank"),
                score=score_text((scores.get(str(c)) or {}).get("total")),
            )
            for c in outcome.get("holders", [])
        ]
        report.posts.append(
            PostRow(
                post_id=int(post["id"]),
                title=labels.post_title(post["id"]),
                host_unit=labels.post_host(post["id"]),
                capacity=int(post.get("capacity", 0)),
                filled=len(holders),
                cutoff=score_text(outcome.get("cutoff"))
                if outcome.get("cutoff") is not None
                else "—",
                holders=holders,
            )
        )
    report.posts.sort(key=lambda row: (pinyin_key(name_syllables(row.host_unit)), row.post_id))
    assigned = result.get("assignments", {})
    people = _by_name(labels, (c["id"] for c in engine.get("candidates", [])))
    for cadre_id in people:
        if str(cadre_id) in assigned:
            continue
        summary = (explanations.get(str(cadre_id)) or {}).get("summary")
        report.unassigned.append(
            Unassigned(
                cadre_id=cadre_id,
                name=labels.person(cadre_id),
                home_unit=labels.person_unit(cadre_id),
                reason=summary_text(summary, labels) if summary else _("未能安排。"),
            )
        )
    ordered = [explanations[str(c)] for c in people if str(c) in explanations]
    paginator = Paginator(ordered, CANDIDATES_PER_PAGE)
    found = paginator.get_page(page)
    found.object_list = [explain_candidate(e, labels) for e in found.object_list]
    report.page = found
    if candidate is not None and str(candidate) in explanations:
        report.focus = explain_candidate(explanations[str(candidate)], labels)
    return report


# Two runs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    cadre_id: int
    name: str
    home_unit: str
    post_a: str
    score_a: str
    post_b: str
    score_b: str


@dataclass(frozen=True)
class Comparison:
    a: MatchingRun
    b: MatchingRun
    objective: tuple[str, str]
    assigned: tuple[int, int]
    histogram: list[tuple[str, int, int]]
    differences: list[Difference]
    same: int  # people with the same post (or none) in both


def run_comparison(*, a: MatchingRun, b: MatchingRun) -> Comparison:
    """Two finished runs side by side: figures, histograms, and who is placed differently."""
    labels_a = Labels(a.inputs.get("labels", {}))
    labels_b = Labels(b.inputs.get("labels", {}))
    result_a, result_b = a.result or {}, b.result or {}
    rows_a = dict(histogram_rows(result_a.get("choice_histogram", {})))
    rows_b = dict(histogram_rows(result_b.get("choice_histogram", {})))
    keys = list(rows_a)
    keys += [key for key in rows_b if key not in rows_a]
    # Keep the unassigned row last whatever the two runs' longest choice list.
    unassigned = _("未安排")
    keys = [key for key in keys if key != unassigned] + [unassigned]
    histogram = [(key, rows_a.get(key, 0), rows_b.get(key, 0)) for key in keys]
    people = {c["id"] for c in a.inputs["engine"]["candidates"]} | {
        c["id"] for c in b.inputs["engine"]["candidates"]
    }
    assigned_a, assigned_b = result_a.get("assignments", {}), result_b.get("assignments", {})
    differences = []
    same = 0
    for cadre_id in _by_name(labels_a, people):
        key = str(cadre_id)
        post_a, post_b = assigned_a.get(key), assigned_b.get(key)
        if post_a == post_b:
            same += 1
            continue
        labels = labels_a if key in labels_a.people else labels_b
        differences.append(
            Difference(
                cadre_id=cadre_id,
                name=labels.person(cadre_id),
                home_unit=labels.person_unit(cadre_id),
                post_a=labels_a.post(post_a) if post_a is not None else _("未安排"),
                score_a=score_text(result_a["scores"][key]["total"]) if post_a is not None else "",
                post_b=labels_b.post(post_b) if post_b is not None else _("未安排"),
                score_b=score_text(result_b["scores"][key]["total"]) if post_b is not None else "",
            )
        )
    return Comparison(
        a=a,
        b=b,
        objective=(score_text(a.objective), score_text(b.objective)),
        assigned=(len(assigned_a), len(assigned_b)),
        histogram=histogram,
        differences=differences,
        same=same,
    )


def access_done_run(*, batch: Batch, pk: Any) -> MatchingRun:
    """A finished run of this batch (the batch already checked by the caller), else NotFound."""
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    run = MatchingRun.objects.filter(batch=batch, pk=number, state=RunState.DONE).first()
    if run is None:
        raise NotFound()
    return run


# Pins and forbids ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairRow:
    kind: str  # "pin" or "forbid"
    cadre_id: int
    post_id: int
    text: str


def pair_options(*, batch: Batch) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(applicants, posts) a pin or forbid may name, labelled for the select boxes."""
    applicants = [
        (cadre_id, _("%(name)s（%(unit)s）") % {"name": name, "unit": unit})
        for cadre_id, name, unit in Application.objects.filter(
            batch=batch, state=ApplicationState.SUBMITTED
        )
        .order_by("cadre__name_pinyin", "cadre_id")
        .values_list("cadre_id", "cadre__name", "cadre__home_unit__name")
    ]
    posts = [
        (post.pk, _("%(unit)s %(title)s") % {"unit": post.host_unit.name, "title": post.title})
        for post in Post.objects.filter(batch=batch)
        .select_related("host_unit")
        .order_by("host_unit__name_pinyin", "id")
    ]
    return applicants, posts


def pair_rows(
    *,
    pins: list[tuple[int, int]],
    forbids: list[tuple[int, int]],
    applicants: list[tuple[int, str]],
    posts: list[tuple[int, str]],
) -> list[PairRow]:
    people, places = dict(applicants), dict(posts)
    rows = []
    for kind, pairs in (("pin", pins), ("forbid", forbids)):
        for cadre_id, post_id in pairs:
            rows.append(
                PairRow(
                    kind=kind,
                    cadre_id=cadre_id,
                    post_id=post_id,
                    text=_("%(name)s—%(post)s")
                    % {
                        "name": people.get(cadre_id, _("（已不在报名名单中）")),
                        "post": places.get(post_id, _("（已不在本批次）")),
                    },
                )
            )
    return rows
