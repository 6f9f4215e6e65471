"""Aggregating an evaluation round and exporting its forms, on SQLite and PostgreSQL.

For each database: a fresh database in a temporary folder (PostgreSQL started here, on
127.0.0.1 and a free port), `migrate`, then this script again as a child in that database's
environment (`--child`), which fills it and measures:

  data        `orgs.demo.seed` people and units, a batch on duty over all of them (one post per
              host unit, groups of five units), a closed annual round evaluating everyone (the
              default criteria, rater weights and thresholds; schemes by staff type) and, for
              each person, 30 ratings with their 5 RatingScore rows: 3 by the host leadership,
              1 by the dispatching unit, 1 by the group leader, 25 democratic ballots. Scores
              follow each person's level with noise; a few raters lean lenient or severe and
              about 2% of ratings give every item the same score, so the flags have work. All
              of it written straight into the tables (COPY on PostgreSQL, executemany on
              SQLite, explicit ids), never through the services: what is measured is the
              aggregation, not the loading.
  aggregate   `results_compute(round=…)` inside one transaction, as the round's close runs
              it: role averages (one GROUP BY), scores, ranks, grades under the quota, flags,
              every evaluee written back. Run `--rounds` times (the fastest counts; the rest
              show the machine's noise), with its query count (no query per person).
  forms       the batch Word export's loop (evaluation/jobs.py: form_facts per chunk of 100,
              form_bytes per person, into a zip) over the first `--forms` people, as the
              round's coordinator: forms_per_second. Null, and said so, when the forms
              feature (guazhi.evaluation.documents) is missing.

Writes var/bench/evaluation.json: every figure per database, and at the top level
aggregate_seconds (the worst of the databases) and forms_per_second (the worst too, or null).
Prints figures; never asserts timings (the aim: aggregation under 10 s at 5,000 people).
Usage: .venv/bin/python benchmarks/evaluation.py [--people N] [--forms N] [--rounds N]
       [--databases sqlite postgresql]
Quick check: --people 500 --forms 50 --rounds 1
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from _common import (
    BIN,
    PG_BIN,
    PROJECT,
    add_database_argument,
    database,
    databases_of,
    postgresql_available,
    run,
    script_figures,
    write_report,
)

OUTPUT = PROJECT / "var" / "bench" / "evaluation.json"
AIM_SECONDS = 10.0
RESULT_PREFIX = "EVALUATION_BENCH"
RATINGS_PER_PERSON = 30
HOST_RATERS = 3  # host leadership ratings per person
BALLOTS = RATINGS_PER_PERSON - HOST_RATERS - 2  # the dispatching unit and the group leader
CHUNK = 50_000


# --- the parent: one database after the other -----------------------------------------------


def measure(database_name: str, args: argparse.Namespace) -> dict[str, Any]:
    with database(database_name) as (env, _var_dir):
        started = time.perf_counter()
        run([str(BIN / "guazhi"), "migrate", "--noinput", "-v0"], env)
        migrated = time.perf_counter() - started
        arguments = ["--child", "--people", str(args.people), "--forms", str(args.forms)]
        arguments += ["--rounds", str(args.rounds)]
        figures = script_figures(Path(__file__).resolve(), arguments, env, RESULT_PREFIX)
    figures["migrate_seconds"] = round(migrated, 1)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--forms", type=int, default=300, help="forms exported and timed")
    parser.add_argument("--rounds", type=int, default=3, help="aggregations; the fastest counts")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    add_database_argument(parser)
    args = parser.parse_args()
    if args.child:
        return child(args)
    results: dict[str, dict[str, Any]] = {}
    for database_name in databases_of(args.databases):
        if database_name == "postgresql" and not postgresql_available():
            print(f"PostgreSQL 15 not found under {PG_BIN}: skipped", file=sys.stderr)
            continue
        result = results[database_name] = measure(database_name, args)
        forms = result["forms"]
        print(
            f"{database_name}: {result['data']['evaluees']} people, "
            f"{result['data']['ratings']} ratings, {result['data']['scores']} item scores "
            f"loaded in {result['load_seconds']} s; aggregate {result['aggregate_seconds']} s "
            f"(runs {result['aggregate_runs']}, {result['aggregate_queries']} queries, "
            f"{result['outcome']['flags']} flags, {result['outcome']['excellent']} 优秀 of "
            f"limit {result['outcome']['excellent_limit']}); "
            + (
                f"forms {forms['forms_per_second']}/s over {forms['forms']} forms "
                f"({forms['kilobytes_per_form']} KB each)"
                if forms["forms_per_second"] is not None
                else f"forms: {forms['note']}"
            ),
            flush=True,
        )
    if not results:
        return 1
    aggregate = max(result["aggregate_seconds"] for result in results.values())
    speeds = [result["forms"]["forms_per_second"] for result in results.values()]
    forms_per_second = None if any(speed is None for speed in speeds) else min(speeds)
    report = {
        "aggregate_seconds": aggregate,
        "forms_per_second": forms_per_second,
        "aim_aggregate_seconds": AIM_SECONDS,
        "people": args.people,
        "ratings_per_person": RATINGS_PER_PERSON,
        "rounds": args.rounds,
        "forms": args.forms,
        "cpus": os.cpu_count(),
        **results,
    }
    write_report(OUTPUT, report)
    verdict = "within" if aggregate < AIM_SECONDS else "OVER"
    print(
        f"evaluation (worst of {', '.join(results)}): aggregate {aggregate} s ({verdict} the aim "
        f"of {AIM_SECONDS} s at {args.people} people), forms_per_second {forms_per_second}"
    )
    print(f"written to {OUTPUT.relative_to(PROJECT)}")
    return 0


# --- the child: fill the database it was given, then measure --------------------------------


def child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    started = time.perf_counter()
    facts = load(args.people)
    loaded = time.perf_counter() - started
    runs, queries, outcome = aggregate(facts["round_id"], args.rounds)
    forms = export_forms(facts, args.forms)
    print(
        RESULT_PREFIX
        + " "
        + json.dumps(
            {
                "aggregate_seconds": min(runs),
                "aggregate_runs": runs,
                "aggregate_queries": queries,
                "outcome": outcome,
                "forms": forms,
                "data": facts["counts"],
                "load_seconds": round(loaded, 1),
            },
            ensure_ascii=False,
        ),
        flush=True,
    )
    return 0


def columns_of(model: Any, names: list[str]) -> list[str]:
    """The table's columns for these attribute names; fails loudly when the model and this
    loader disagree (a NOT NULL column left out would fail later, less clearly)."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    missing = [
        name
        for name, field in fields.items()
        if name not in names and not field.null and not field.has_default()
    ]
    unknown = [name for name in names if name not in fields]
    if missing or unknown:
        raise RuntimeError(f"{model.__name__}: columns missing {missing}, unknown {unknown}")
    return [fields[name].column for name in names]


def insert(model: Any, names: list[str], rows: list[tuple[Any, ...]]) -> int:
    """Rows straight into the model's table: COPY on PostgreSQL, executemany on SQLite."""
    from django.db import connection, transaction

    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in columns_of(model, names))
    if connection.vendor == "postgresql":
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" * len(names))
        for start in range(0, len(rows), CHUNK):
            with transaction.atomic():
                connection.connection.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows[start : start + CHUNK]
                )
    if connection.vendor == "postgresql":  # explicit ids: move the sequence past them
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
    return len(rows)


def next_id(model: Any) -> int:
    from django.db.models import Max

    return int(model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def load(people: int) -> dict[str, Any]:
    """The people, the batch, the round and its ratings (see the module's docstring)."""
    import datetime as dt
    import random
    from decimal import Decimal

    from django.db import connection
    from django.utils import timezone

    from guazhi.evaluation.models import (
        DEFAULT_CRITERIA,
        DEFAULT_RATER_WEIGHTS,
        DEFAULT_THRESHOLDS,
        SCHEME_GRADES,
        Criterion,
        EvaluationRound,
        Evaluee,
        GradeScheme,
        GradeThreshold,
        RaterRole,
        RaterWeight,
        Rating,
        RatingScore,
        RatingSource,
        RoundKind,
        RoundState,
    )
    from guazhi.orgs.demo import seed
    from guazhi.orgs.models import CadreProfile, Organisation, Role, RoleAssignment, User
    from guazhi.programmes.models import (
        Assignment,
        AssignmentState,
        Batch,
        BatchState,
        Direction,
        Group,
        Post,
    )

    rng = random.Random(f"guazhi-evaluation-bench-{people}")
    today = timezone.localdate()
    seed(people)
    root = Organisation.objects.filter(parent=None).order_by("pk").first()
    assert root is not None
    profiles = list(
        CadreProfile.objects.order_by("pk").values_list("pk", "home_unit_id", "staff_type")
    )
    senders = sorted({home for _pk, home, _staff in profiles})
    hosts = list(
        Organisation.objects.filter(parent__isnull=False)
        .exclude(pk__in=senders)
        .exclude(kind="county")
        .exclude(level="city")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    start, end = today - dt.timedelta(days=300), today + dt.timedelta(days=65)
    batch = Batch.objects.create(
        name=f"{start.year}年江州市挂职干部（考核压测）",
        coordinating_org=root,
        direction=Direction.DOWN,
        term_start=start,
        term_end=end,
        state=BatchState.ACTIVE,
    )
    batch.dispatching_orgs.set(senders)
    posts = Post.objects.bulk_create(
        [
            Post(
                batch=batch,
                host_unit_id=host,
                title="党委副书记",
                capacity=len(profiles) // len(hosts) + 1,
            )
            for host in hosts
        ]
    )
    groups = Group.objects.bulk_create(
        [Group(batch=batch, name=f"第{index + 1}组") for index in range((len(posts) + 4) // 5)]
    )
    assignments = Assignment.objects.bulk_create(
        [
            Assignment(
                batch=batch,
                cadre_id=pk,
                post=posts[index % len(posts)],
                host_unit_id=posts[index % len(posts)].host_unit_id,
                home_unit_id=home,
                state=AssignmentState.ACTIVE,
                group=groups[(index % len(posts)) // 5],
                start_date=start,
                end_date=end,
            )
            for index, (pk, home, _staff) in enumerate(profiles)
        ],
        batch_size=2000,
    )
    coordinator = User.objects.create_user(username="bench.coordinator", full_name="压测组织部")
    RoleAssignment.objects.create(user=coordinator, role=Role.COORDINATOR, organisation=root)

    evaluation_round = EvaluationRound.objects.create(
        batch=batch,
        kind=RoundKind.ANNUAL,
        name=f"{today.year}年度考核（压测）",
        period_start=start,
        period_end=today - dt.timedelta(days=10),
        deadline=today - dt.timedelta(days=5),
        state=RoundState.CLOSED,
        opened_at=timezone.now() - dt.timedelta(days=30),
        closed_at=timezone.now(),
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(
            round=evaluation_round, position=index, name=name, description=text, weight=weight
        )
        for index, (name, text, weight) in enumerate(DEFAULT_CRITERIA, start=1)
    )
    RaterWeight.objects.bulk_create(
        RaterWeight(round=evaluation_round, role=role, weight=weight)
        for role, weight in DEFAULT_RATER_WEIGHTS
    )
    GradeThreshold.objects.bulk_create(
        GradeThreshold(round=evaluation_round, scheme=scheme, grade=grade, min_score=lowest)
        for scheme, grades in SCHEME_GRADES.items()
        for grade, lowest in zip(grades[:-1], DEFAULT_THRESHOLDS, strict=True)
    )
    civil = {"公务员", "参公"}
    stamp = f"{timezone.now():%Y-%m-%d %H:%M:%S}" + (
        "+00" if connection.vendor == "postgresql" else ""
    )
    first_evaluee = next_id(Evaluee)
    evaluee_rows = [
        (
            first_evaluee + index,
            stamp,
            stamp,
            evaluation_round.pk,
            assignment.pk,
            GradeScheme.CIVIL_SERVANT if profiles[index][2] in civil else GradeScheme.INSTITUTION,
            "本年度认真履行挂职岗位职责，积极参与中心工作。",
            "{}",
            "",
            "",
            "",
            "",
        )
        for index, assignment in enumerate(assignments)
    ]
    insert(
        Evaluee,
        [
            "id",
            "created_at",
            "updated_at",
            "round_id",
            "assignment_id",
            "scheme",
            "self_assessment",
            "role_scores",
            "proposed_grade",
            "grade",
            "decision_note",
            "acknowledgement",
        ],
        evaluee_rows,
    )

    # Raters: three host leaders per host unit, one dispatch admin per sender, one leader per
    # group; one in ten leans (a lenient or severe pattern to flag).
    def users(prefix: str, count: int) -> list[int]:
        made = User.objects.bulk_create(
            [
                User(username=f"{prefix}{index}", full_name=f"{prefix}{index}", password="!")
                for index in range(count)
            ],
            batch_size=2000,
        )
        return [user.pk for user in made]

    host_raters = {host: users(f"bench.host.{host}.", HOST_RATERS) for host in hosts}
    dispatch_raters = dict(zip(senders, users("bench.dispatch.", len(senders)), strict=True))
    group_raters = dict(
        zip([group.pk for group in groups], users("bench.group.", len(groups)), strict=True)
    )
    lean = {
        pk: rng.choice((18, -18))
        for ids in host_raters.values()
        for pk in ids
        if rng.random() < 0.1
    }

    weights = [int(weight) for _name, _text, weight in DEFAULT_CRITERIA]
    rating_rows: list[tuple[Any, ...]] = []
    score_rows: list[tuple[Any, ...]] = []
    rating_id, score_id = next_id(Rating), next_id(RatingScore)
    day = (today - dt.timedelta(days=7)).isoformat()
    comments = ("工作扎实，作风务实，群众评价较好。", "积极主动，善于协调，完成任务较好。", "")

    def add(evaluee_id: int, role: str, source: str, rater: int | None, level: float) -> None:
        nonlocal rating_id, score_id
        if rng.random() < 0.02:
            value = max(0, min(100, round(level)))
            scores = [value] * len(weights)
        else:
            scores = [max(0, min(100, round(rng.gauss(level, 4)))) for _ in weights]
        total = Decimal(sum(s * w for s, w in zip(scores, weights, strict=True))) / 100
        rating_rows.append(
            (
                rating_id,
                evaluee_id,
                role,
                source,
                rater,
                f"{total:.2f}",
                len(set(scores)) == 1,
                rng.choice(comments) if rater is not None else "",
                day,
            )
        )
        for criterion, score in zip(criteria, scores, strict=True):
            score_rows.append((score_id, rating_id, criterion.pk, score))
            score_id += 1
        rating_id += 1

    for index, assignment in enumerate(assignments):
        evaluee_id = first_evaluee + index
        # Around a quarter reach 优秀's line: more than the quota, so the cut is exercised.
        level = min(99.0, max(45.0, rng.gauss(85, 7)))
        for rater in host_raters[assignment.host_unit_id]:
            add(
                evaluee_id,
                RaterRole.HOST_LEADERSHIP,
                RatingSource.ONLINE,
                rater,
                level + lean.get(rater, 0),
            )
        add(
            evaluee_id,
            RaterRole.DISPATCH,
            RatingSource.ONLINE,
            dispatch_raters[assignment.home_unit_id],
            level,
        )
        add(
            evaluee_id,
            RaterRole.GROUP_LEADER,
            RatingSource.ONLINE,
            group_raters[assignment.group_id],
            level,
        )
        for _ballot in range(BALLOTS):
            add(evaluee_id, RaterRole.DEMOCRATIC, RatingSource.CODE, None, level)
    insert(
        Rating,
        [
            "id",
            "evaluee_id",
            "rater_role",
            "source",
            "rater_id",
            "total",
            "uniform",
            "comment",
            "submitted_on",
        ],
        rating_rows,
    )
    insert(RatingScore, ["id", "rating_id", "criterion_id", "score"], score_rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "round_id": evaluation_round.pk,
        "coordinator_id": coordinator.pk,
        "counts": {
            "evaluees": len(evaluee_rows),
            "ratings": len(rating_rows),
            "scores": len(score_rows),
            "host_units": len(hosts),
            "named_raters": sum(map(len, host_raters.values())) + len(senders) + len(groups),
        },
    }


def aggregate(round_id: int, rounds: int) -> tuple[list[float], int, dict[str, Any]]:
    """results_compute timed `rounds` times, each in its own transaction; the queries of the
    first run and what it found."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from guazhi.evaluation.models import EvaluationRound
    from guazhi.evaluation.services.results import results_compute

    runs: list[float] = []
    queries = 0
    outcome: dict[str, Any] = {}
    for index in range(max(1, rounds)):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            with transaction.atomic():
                locked = (
                    EvaluationRound.objects.select_for_update()
                    .select_related("batch")
                    .get(pk=round_id)
                )
                computed = results_compute(round=locked)
            runs.append(round_seconds(time.perf_counter() - started))
        if index == 0:
            queries = len(captured.captured_queries)
            outcome = {
                "evaluees": computed.evaluees,
                "scored": computed.scored,
                "incomplete": computed.incomplete,
                "excellent_limit": computed.excellent_limit,
                "excellent": len(computed.cut.keep),
                "tied": len(computed.cut.tied),
                "flags": computed.flags,
            }
    return runs, queries, outcome


def round_seconds(seconds: float) -> float:
    return round(seconds, 3)


def export_forms(facts: dict[str, Any], count: int) -> dict[str, Any]:
    """The batch export's loop over the first `count` people (see the module's docstring)."""
    import io
    import zipfile

    from django.db import transaction
    from django.utils import timezone

    from guazhi.evaluation.models import CommitteeDecision, EvaluationRound, Evaluee, RoundState
    from guazhi.orgs.models import User

    try:
        from guazhi.evaluation.documents import FormKind, form_bytes, form_facts
        from guazhi.evaluation.selectors.forms import form_evaluees
    except ImportError as missing:
        return {"forms_per_second": None, "forms": 0, "note": f"forms feature missing ({missing})"}
    actor = User.objects.get(pk=facts["coordinator_id"])
    decided = EvaluationRound.objects.select_related("batch__coordinating_org").get(
        pk=facts["round_id"]
    )
    # Decided, as a round is when its forms are filed: the grade and the committee are printed.
    with transaction.atomic():
        Evaluee.objects.filter(round=decided).update(grade="称职")
        CommitteeDecision.objects.create(
            round=decided, decided_on=timezone.localdate(), body="考核委员会", recorded_by=actor
        )
        EvaluationRound.objects.filter(pk=decided.pk).update(state=RoundState.DECIDED)
    decided.state = RoundState.DECIDED
    people = list(form_evaluees(actor=actor, round=decided)[:count])
    spool = io.BytesIO()
    written = 0
    started = time.perf_counter()
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for start in range(0, len(people), 100):
            chunk = people[start : start + 100]
            chunk_facts = form_facts(chunk)
            for evaluee in chunk:
                content = form_bytes(evaluee, FormKind.ANNUAL, facts=chunk_facts[evaluee.pk])
                archive.writestr(f"{evaluee.pk}.docx", content)
                written += len(content)
    seconds = time.perf_counter() - started
    return {
        "forms_per_second": round(len(people) / seconds, 1) if people else None,
        "forms": len(people),
        "seconds": round(seconds, 2),
        "kilobytes_per_form": round(written / 1024 / max(1, len(people)), 1),
        "zip_kilobytes": round(len(spool.getvalue()) / 1024, 1),
        "note": "年度考核登记表, form_facts per 100 + form_bytes, zipped in memory",
    }


if __name__ == "__main__":
    sys.exit(main())
