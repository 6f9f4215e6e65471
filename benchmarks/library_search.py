"""Experience library search on SQLite and PostgreSQL: search latency and one Word export.

For each database: a fresh database in a temporary folder (PostgreSQL started here), `migrate`,
then a worker process in that database's environment (this file with --worker) builds a library
of --documents documents (100,000) of about 2,000 characters each: words drawn with a seeded RNG
from a fixed vocabulary (jieba's dictionary, the 200,000 most frequent words of one to four Han
characters) with Zipf weights 1/rank, so a few words are in most documents and most words in
few; sentences, paragraphs and sections around them; one document in ten written in Traditional
characters. Rows go in with bulk inserts (no services, no history rows) and the index is filled
through the search backend's bulk add, as `reindex_library` does.

It then times search_documents (the application's search service: count, rank or walk newest
first, load the page of 20 documents, cut their snippets) over the whole published library, as
the library page calls it for a reader with no filter besides the query, for words of 2, 3
and 4 characters, each in three classes by how many documents hold them: common (the most
frequent words), medium (about RANK_LIMIT documents: the most a search ranks, its slowest case;
as a word, so that its pairs of characters are often in many more, and only SQLite's grams or
PostgreSQL's trigrams find it without reading those) and rare (about 0.05% of the documents); WORDS_PER_CLASS words a class, --rounds timed
runs each, interleaved so a busy neighbour weighs on every class alike. Beside them, in
the same rounds, the plain query: the raw index lookup (SQL on the FTS5 table / the tsvector)
of one rare two-character word, newest first, a page of 20, and loading those documents. Also
timed, outside the aim: one-character words, two-word queries, a Traditional query, and the
3-character medium words with a year filter (each match then checked against the filter).

Word export: one final summary of about 4,000 characters written for a small seeded programme,
exported with summaries.documents.summary_docx_bytes (median and worst of --export-runs).

Writes var/bench/library_search.json: every figure per database and at the top level `p99_ms`
(the worst p99 over the 2-, 3- and 4-character classes and databases), `ratio` (that p99 over
the same database's plain query p99) and `export_ms` (the worst export). Prints the figures;
never asserts them (the aim: p99 < 100 ms, ratio <= 1.5, export < 300 ms).
Usage: .venv/bin/python benchmarks/library_search.py [--documents N] [--rounds N]
       [--databases sqlite postgresql]
Quick check: --documents 5000 --rounds 10
"""

import argparse
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from _common import (
    PG_BIN,
    PROJECT,
    add_database_argument,
    database,
    databases_of,
    migrate,
    postgresql_available,
    script_figures,
    write_report,
)

OUTPUT = PROJECT / "var" / "bench" / "library_search.json"
TARGET = {"p99_ms_max": 100, "ratio_max": 1.5, "export_ms_max": 300}
PREFIX = "LIBRARY_SEARCH"
SEED = 20261124
VOCABULARY_SIZE = 200_000
DOCUMENT_CHARS = 2_000
TRADITIONAL_SHARE = 0.1
WORDS_PER_CLASS = 4
LENGTHS = (2, 3, 4)
CLASSES = ("common", "medium", "rare")
RARE_SHARE = 0.0005
PAGE = 20
HEADINGS = ("基本情况", "主要工作", "心得体会", "存在不足", "下一步打算")


# ---------------------------------------------------------------- the parent: one run a database


def run_worker(env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    arguments = ["--worker", "--documents", str(args.documents), "--rounds", str(args.rounds)]
    arguments += ["--export-runs", str(args.export_runs)]
    return script_figures(Path(__file__).resolve(), arguments, env, PREFIX)


def measure(database_name: str, args: argparse.Namespace) -> dict[str, Any]:
    with database(database_name) as (env, _var_dir):
        started = time.perf_counter()
        migrate(env)
        result = run_worker(env, args)
        result["total_seconds"] = round(time.perf_counter() - started, 1)
        return result


def summarise(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    worst: tuple[float, str, str] | None = None
    ratio: tuple[float, str] | None = None
    for database_name, result in results.items():
        for key, figures in result["queries"].items():
            if figures["aim"] and (worst is None or figures["p99_ms"] > worst[0]):
                worst = (figures["p99_ms"], database_name, key)
        plain = result["plain"]["p99_ms"]
        mine = max(f["p99_ms"] for f in result["queries"].values() if f["aim"])
        value = round(mine / plain, 2) if plain else float("inf")
        if ratio is None or value > ratio[0]:
            ratio = (value, database_name)
    exports = [r["export"]["worst_ms"] for r in results.values() if r["export"].get("worst_ms")]
    return {
        "p99_ms": worst[0] if worst else None,
        "worst_p99_at": f"{worst[1]} {worst[2]}" if worst else None,
        "ratio": ratio[0] if ratio else None,
        "worst_ratio_at": ratio[1] if ratio else None,
        "export_ms": max(exports) if exports else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=25, help="timed runs of each query")
    parser.add_argument("--export-runs", type=int, default=10)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    add_database_argument(parser)
    args = parser.parse_args()
    if args.worker:
        return worker(args)
    results: dict[str, dict[str, Any]] = {}
    for database_name in databases_of(args.databases):
        if database_name == "postgresql" and not postgresql_available():
            print(f"PostgreSQL 15 not found under {PG_BIN}: skipped", file=sys.stderr)
            continue
        results[database_name] = measure(database_name, args)
        print_database(database_name, results[database_name])
    report = {
        **summarise(results),
        "target": TARGET,
        "documents": args.documents,
        "rounds": args.rounds,
        "databases": results,
    }
    write_report(OUTPUT, report)
    print(json.dumps({k: v for k, v in report.items() if k != "databases"}, ensure_ascii=False))
    print(f"written: {OUTPUT.relative_to(PROJECT)}")
    return 0


def print_database(name: str, result: dict[str, Any]) -> None:
    print(f"== {name}: {result['data']}")
    rows = [("plain", result["plain"]), ("plain_ids", result["plain_ids"])]
    rows += list(result["queries"].items())
    for key, figures in rows:
        words = " ".join(figures.get("words", [])) or figures.get("word", "")
        print(
            f"{key:24} p50 {figures['p50_ms']:7.1f}  p99 {figures['p99_ms']:7.1f} ms"
            f"  {figures.get('ordered_by', ''):9} total {figures.get('totals', '')}  {words}"
        )
    print(f"export: {result['export']}")


# ------------------------------------------------------------- the worker: inside one database


def worker(args: argparse.Namespace) -> int:
    import django

    django.setup()
    started = time.perf_counter()
    facts = load(args.documents)
    facts["load_seconds"] = round(time.perf_counter() - started, 1)
    figures = {
        "data": facts["data"],
        "load_seconds": facts["load_seconds"],
        **time_queries(facts["words"], facts["data"]["documents"], args.rounds),
        "export": time_export(args.export_runs),
    }
    print(PREFIX + " " + json.dumps(figures, ensure_ascii=False))
    return 0


def vocabulary() -> list[str]:
    """The VOCABULARY_SIZE most frequent words of 1 to 4 Han characters in jieba's dictionary,
    most frequent first (ties by the word: the same list every run)."""
    import re

    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    han = re.compile("[\u4e00-\u9fff]{1,4}")
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word, frequency, *_ = line.split(" ")
        if han.fullmatch(word):
            rows.append((-int(frequency), word))
    rows.sort()
    return [word for _, word in rows[:VOCABULARY_SIZE]]


def simplified_to_traditional() -> dict[int, str]:
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "STCharacters.txt"
    table: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        simplified, _, traditional = line.partition("\t")
        if len(simplified) == 1 and traditional.split():
            table[ord(simplified)] = traditional.split()[0]
    return table


def load(documents: int) -> dict[str, Any]:
    """The library, in bulk; returns the chosen query words and the data's counts."""
    import datetime as dt
    import itertools
    import random
    from collections import Counter

    from django.db import connection, transaction

    from guazhi.orgs.demo import seed
    from guazhi.orgs.models import Organisation, OrgKind
    from guazhi.summaries.models import LibraryDocument, LibraryKeyword, LibrarySource, LibraryState
    from guazhi.summaries.search import backend
    from guazhi.summaries.search.entries import entry_of

    rng = random.Random(SEED)
    words = vocabulary()
    weights = list(itertools.accumulate(1 / rank for rank in range(1, len(words) + 1)))
    to_traditional = simplified_to_traditional()
    seed(40)
    owner = Organisation.objects.filter(parent=None).order_by("pk").first()
    assert owner is not None
    kinds = [kind.value for kind in OrgKind]
    document_frequency: Counter[int] = Counter()
    first_published = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
    step = dt.timedelta(days=7 * 365) / documents
    index = backend()
    made = 0
    batch_size = 500

    def text_of(length: int) -> tuple[str, set[int]]:
        out: list[str] = []
        used: set[int] = set()
        size = 0
        while size < length:
            picks = rng.choices(range(len(words)), cum_weights=weights, k=rng.randint(4, 14))
            used.update(picks)
            sentence = "".join(words[p] for p in picks) + rng.choice("，，，。。；")
            if rng.random() < 0.15:
                sentence += "\n"
            out.append(sentence)
            size += len(sentence)
        return "".join(out), used

    def batch() -> tuple[list[LibraryDocument], list[tuple[int, list[str]]]]:
        nonlocal made
        rows: list[LibraryDocument] = []
        keyword_rows: list[tuple[int, list[str]]] = []
        for _ in range(min(batch_size, documents - made)):
            sections = []
            used: set[int] = set()
            for heading in HEADINGS[: rng.randint(3, 5)]:
                body, found = text_of(DOCUMENT_CHARS // 4)
                sections.append({"heading": heading, "body": body})
                used |= found
            title, found = text_of(8)
            used |= found
            title = title.strip("，。；\n")[:30] + "的实践与思考"
            traditional = rng.random() < TRADITIONAL_SHARE
            if traditional:
                title = title.translate(to_traditional)
                for section in sections:
                    section["body"] = section["body"].translate(to_traditional)
            document_frequency.update(used)
            keywords = [words[p] for p in rng.sample(sorted(used), 3)]
            published = first_published + step * made
            rows.append(
                LibraryDocument(
                    title=title,
                    sections=sections,
                    source=LibrarySource.IMPORT,
                    owner_org=owner,
                    year=published.year,
                    host_unit_kind=rng.choice(kinds),
                    author_label="",
                    state=LibraryState.PUBLISHED,
                    published_at=published,
                )
            )
            keyword_rows.append((len(rows) - 1, keywords))
            made += 1
        return rows, keyword_rows

    with index.rebuilding():  # PostgreSQL: GIN indexes built once after the load
        while made < documents:
            rows, keyword_rows = batch()
            with transaction.atomic():
                created = LibraryDocument.objects.bulk_create(rows)
                LibraryKeyword.objects.bulk_create(
                    LibraryKeyword(document=created[i], position=n, keyword=keyword)
                    for i, keywords in keyword_rows
                    for n, keyword in enumerate(keywords)
                )
                index.add_many(
                    entry_of(created[i], keywords=keywords) for i, keywords in keyword_rows
                )
            if made % 10_000 == 0 or made == documents:
                print(f"loaded {made} documents", file=sys.stderr, flush=True)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
    return {
        "words": choose_words(words, document_frequency, documents),
        "data": {
            "documents": documents,
            "vocabulary": len(words),
            "database_mb": database_mb(),
        },
    }


def choose_words(words: list[str], frequency: Any, documents: int) -> dict[str, Any]:
    """WORDS_PER_CLASS words per length and class, by how many documents hold each as a word
    (a substring may be in more: the search's totals say how many)."""
    from guazhi.summaries.search import RANK_LIMIT

    targets = {
        "common": documents,
        "medium": min(RANK_LIMIT, documents // 10),
        "rare": max(1, round(documents * RARE_SHARE)),
    }
    chosen: dict[str, Any] = {}
    for length in (1, *LENGTHS):
        candidates = [(frequency[i], word) for i, word in enumerate(words) if len(word) == length]
        for name, target in targets.items():
            ranked = sorted(candidates, key=lambda item: (abs(item[0] - target), item[1]))
            chosen[f"{length}_{name}"] = [
                {"word": word, "documents": count} for count, word in ranked[:WORDS_PER_CLASS]
            ]
    return chosen


def database_mb() -> float:
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            return round(cursor.fetchone()[0] / 1e6, 1)
    name = str(settings.DATABASES["default"]["NAME"])
    return round(
        sum(os.path.getsize(p) for p in Path(name).parent.glob(Path(name).name + "*")) / 1e6, 1
    )


def percentile(samples: list[float], share: float) -> float:
    """Nearest rank: of 100 samples, the 99th percentile is the 99th smallest."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def figures_of(samples: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p90_ms": round(percentile(samples, 0.90), 2),
        "p99_ms": round(percentile(samples, 0.99), 2),
        "max_ms": round(max(samples), 2),
        "samples": len(samples),
    }


def plain_lookup(word: str) -> list[int]:
    """The raw index lookup of one word, newest first, a page: no counting, ranking, snippets.
    On PostgreSQL under the planner settings the search's GIN queries run under
    (summaries/search/planner.py): left alone, the planner walks the newest-first b-tree and
    reads the terms of row after row (about 200 ms a lookup at 100,000 documents, not 3)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        from guazhi.summaries.search.planner import steered

        with steered(), connection.cursor() as cursor:
            cursor.execute(
                'SELECT "document_id" FROM "summaries_library_search" '
                'WHERE "parts" = 1 AND "terms" @@ %s::tsquery '
                'ORDER BY "sort_key" DESC LIMIT %s',
                [f"'{word}'", PAGE],
            )
            return [row[0] for row in cursor.fetchall()]
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT e."document_id" FROM "summaries_library_search_fts" f '
            'CROSS JOIN "summaries_library_search" e ON e."id" = f.rowid '
            'WHERE f."summaries_library_search_fts" MATCH %s '
            "ORDER BY f.rowid DESC LIMIT %s",
            [f'"{word}"', PAGE],
        )
        return [row[0] for row in cursor.fetchall()]


def time_queries(chosen: dict[str, Any], documents: int, rounds: int) -> dict[str, Any]:
    from opencc import OpenCC

    from guazhi.summaries.models import LibraryDocument
    from guazhi.summaries.search import search_documents

    published = LibraryDocument.objects.published()
    queries: dict[str, list[str]] = {}
    aims: dict[str, bool] = {}
    for key, picks in chosen.items():
        queries[key] = [pick["word"] for pick in picks]
        aims[key] = not key.startswith("1_")
    queries["two_words"] = [
        f"{a['word']} {b['word']}"
        for a, b in zip(chosen["2_common"], chosen["2_rare"], strict=True)
    ]
    aims["two_words"] = False
    to_traditional = OpenCC("s2t")
    queries["traditional"] = [to_traditional.convert(word) for word in queries["3_medium"]]
    aims["traditional"] = False
    year = published.order_by("-published_at").values_list("year", flat=True).first()
    queries["filtered_year"] = queries["3_medium"]
    aims["filtered_year"] = False
    filtered = published.filter(year=year)
    plain_word = queries["2_rare"][0]

    def plain() -> None:
        ids = plain_lookup(plain_word)
        list(published.filter(pk__in=ids))

    samples: dict[str, list[float]] = {key: [] for key in queries}
    samples["plain"], samples["plain_ids"] = [], []
    outcome: dict[str, dict[str, Any]] = {}
    for round_number in range(rounds + 2):  # two rounds of warm-up
        for key, texts in queries.items():
            for text in texts:
                started = time.perf_counter()
                within = filtered if key == "filtered_year" else None
                results = search_documents(text, documents=within, limit=PAGE)
                elapsed = (time.perf_counter() - started) * 1000
                if round_number >= 2:
                    samples[key].append(elapsed)
                seen = outcome.setdefault(key, {"totals": {}, "ordered_by": set()})
                seen["totals"][text] = (
                    "not counted"
                    if results.total is None
                    else f"{results.total}+"
                    if results.capped
                    else results.total
                )
                seen["ordered_by"].add(results.ordered_by)
            for name, call in (("plain", plain), ("plain_ids", lambda: plain_lookup(plain_word))):
                started = time.perf_counter()
                call()
                if round_number >= 2:
                    samples[name].append((time.perf_counter() - started) * 1000)
    figures: dict[str, Any] = {}
    for key in queries:
        figures[key] = {
            **figures_of(samples[key]),
            "aim": aims[key],
            "words": queries[key],
            "totals": outcome[key]["totals"],
            "ordered_by": "/".join(sorted(outcome[key]["ordered_by"])),
            "word_documents": [pick["documents"] for pick in chosen.get(key, [])],
        }
    return {
        "queries": figures,
        "plain": {**figures_of(samples["plain"]), "word": plain_word},
        "plain_ids": {**figures_of(samples["plain_ids"]), "word": plain_word},
    }


def time_export(runs: int) -> dict[str, Any]:
    """One final summary of a small seeded programme, exported `runs` times after a warm-up."""
    import datetime as dt
    import random

    from guazhi.orgs.models import CadreProfile, Organisation
    from guazhi.programmes.models import (
        Assignment,
        AssignmentState,
        Batch,
        BatchState,
        Direction,
        Post,
    )
    from guazhi.summaries.models import (
        DEFAULT_SECTIONS,
        Summary,
        SummaryKind,
        SummarySection,
        SummaryState,
    )

    try:
        from guazhi.summaries.documents import summary_docx_bytes
    except ImportError:
        return {"missing": "guazhi.summaries.documents.summary_docx_bytes"}
    rng = random.Random(SEED)
    words = vocabulary()[:5000]
    root = Organisation.objects.filter(parent=None).order_by("pk").first()
    profile = CadreProfile.objects.order_by("pk").first()
    host = Organisation.objects.filter(kind="township").order_by("pk").first() or root
    assert root is not None and profile is not None and host is not None
    batch = Batch.objects.create(
        name="2026年挂职干部（压测）",
        coordinating_org=root,
        direction=Direction.DOWN,
        term_start=dt.date(2025, 3, 1),
        term_end=dt.date(2026, 2, 28),
        state=BatchState.ACTIVE,
    )
    post = Post.objects.create(
        batch=batch, host_unit=host, title="党委副书记", capacity=1, location=host.name
    )
    assignment = Assignment.objects.create(
        batch=batch,
        cadre=profile,
        post=post,
        host_unit=host,
        home_unit_id=profile.home_unit_id,
        state=AssignmentState.ACTIVE,
        start_date=batch.term_start,
        end_date=batch.term_end,
    )
    summary = Summary.objects.create(
        assignment=assignment,
        kind=SummaryKind.FINAL,
        title=f"{profile.name}同志挂职锻炼期满总结",
        state=SummaryState.ARCHIVED,
        appraisal="该同志挂职期间工作认真负责，作风扎实，群众评价好，圆满完成挂职任务。",
    )

    def paragraph(size: int) -> str:
        text = ""
        while len(text) < size:
            text += "".join(rng.choices(words, k=rng.randint(5, 12))) + rng.choice("，。")
        return text

    SummarySection.objects.bulk_create(
        SummarySection(
            summary=summary,
            position=position,
            key=key,
            heading=heading,
            body="\n".join(f"（{'一二三四'[n]}）{paragraph(200)}" for n in range(4)),
        )
        for position, (key, heading) in enumerate(DEFAULT_SECTIONS, start=1)
    )
    chars = sum(len(s.body) for s in SummarySection.objects.filter(summary=summary))
    loaded = Summary.objects.select_related(
        "assignment__cadre", "assignment__host_unit", "assignment__post"
    ).get(pk=summary.pk)
    summary_docx_bytes(loaded)  # warm-up: imports, fonts, templates
    samples = []
    size = 0
    for _ in range(runs):
        loaded = Summary.objects.select_related(
            "assignment__cadre", "assignment__host_unit", "assignment__post"
        ).get(pk=summary.pk)
        started = time.perf_counter()
        size = len(summary_docx_bytes(loaded))
        samples.append((time.perf_counter() - started) * 1000)
    return {
        "median_ms": round(statistics.median(samples), 1),
        "worst_ms": round(max(samples), 1),
        "runs": runs,
        "characters": chars,
        "bytes": size,
    }


if __name__ == "__main__":
    sys.exit(main())
