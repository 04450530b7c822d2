"""Class analytics for the instructor, from a grades folder (``<out>/<submission>/results.json``).

Per exercise the score distribution and statuses; per test the pass rate across the class, hardest first,
with its most common failure message; submissions that look alike (winnowed fingerprints of normalised
Python tokens, minus the stub's), listed for a person to review and never penalised; grading time per
submission. :func:`write_report` writes ``report.html`` (plots embedded as base64 PNG) and CSVs.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import keyword
import tokenize
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exercises.grader.reports import write_atomic

__all__ = [
    "STATUSES",
    "ClassReport",
    "ExerciseSummary",
    "SimilarPair",
    "TestSummary",
    "class_report",
    "exercise_status",
    "figures",
    "fingerprints",
    "groups",
    "report_html",
    "similar_pairs",
    "write_report",
]

# an exercise of one submission is exactly one of these
STATUSES = ("passed", "failed", "timeout", "crashed", "error", "missing", "ambiguous")
NGRAM = 5  # tokens per fingerprinted n-gram
WINDOW = 4  # winnowing window: any shared run of NGRAM + WINDOW - 1 tokens is found
MAX_PAIRS_SHOWN = 20
MAX_TESTS_PLOTTED = 40
SIMILARITY_THRESHOLD = 0.8  # the share of fingerprints two submissions have in common (Jaccard)


@dataclass(frozen=True)
class ExerciseSummary:
    slug: str
    max_score: float
    scores: list[float]
    statuses: dict[str, int]


@dataclass(frozen=True)
class TestSummary:
    exercise: str
    name: str
    hidden: bool
    runs: int
    passed: int
    common_failure: str
    common_failure_count: int

    @property
    def pass_rate(self) -> float:
        return self.passed / self.runs if self.runs else 0.0


@dataclass(frozen=True)
class SimilarPair:
    exercise: str
    first: str
    second: str
    similarity: float


def groups(pairs: Sequence[SimilarPair]) -> list[tuple[str, list[str]]]:
    """The alike pairs joined into groups (connected components) per exercise, largest first: twelve
    identical submissions are one group to review, not 66 pairs."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def root(node: tuple[str, str]) -> tuple[str, str]:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for pair in pairs:
        parent[root((pair.exercise, pair.first))] = root((pair.exercise, pair.second))
    found: dict[tuple[str, str], list[str]] = {}
    for node in list(parent):
        found.setdefault(root(node), []).append(node[1])
    return sorted(
        ((key[0], sorted(names)) for key, names in found.items()), key=lambda g: (-len(g[1]), g[0], g[1])
    )


@dataclass
class ClassReport:
    submissions: int
    exercises: list[ExerciseSummary]
    tests: list[TestSummary]
    seconds: dict[str, float]
    similar: list[SimilarPair] = field(default_factory=list)
    similarity_checked: bool = False

    def handed_in(self) -> list[ExerciseSummary]:
        """The exercises at least one submission holds (the others: :meth:`nobody`)."""
        return [e for e in self.exercises if e.statuses["missing"] < len(e.scores)]

    def nobody(self) -> list[str]:
        return [e.slug for e in self.exercises if e.statuses["missing"] == len(e.scores)]

    def slowest(self, count: int = 5) -> list[tuple[str, float]]:
        return sorted(self.seconds.items(), key=lambda item: (-item[1], item[0]))[:count]


def exercise_status(record: Mapping[str, Any], tests: Sequence[Mapping[str, Any]]) -> str:
    """One of :data:`STATUSES` for one exercise of one submission, from its results.json records."""
    status = str(record.get("status", ""))
    if status in ("passed", "missing", "ambiguous", "error"):
        return status
    kinds = {str(t.get("status")) for t in tests}
    for worst in ("crashed", "timeout"):
        if worst in kinds:
            return worst
    return "failed" if kinds - {"passed"} or not tests else "passed"


def class_report(results: Sequence[Mapping[str, Any]]) -> ClassReport:
    """The analytics of a class, from each submission's results.json (as :func:`read_results` gives)."""
    scores: dict[str, list[float]] = {}
    maxima: dict[str, float] = {}
    statuses: dict[str, Counter[str]] = {}
    runs: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    seconds: dict[str, float] = {}
    for data in results:
        extra = data["extra_data"]
        name = str(extra["submission"])
        seconds[name] = float(extra.get("seconds", 0.0))
        tests = [t for t in extra.get("tests", []) if isinstance(t, dict)]
        for slug, record in extra.get("exercises", {}).items():
            own = [t for t in tests if t.get("exercise") == slug]
            scores.setdefault(slug, []).append(float(record.get("score", 0.0)))
            maxima[slug] = max(maxima.get(slug, 0.0), float(record.get("max_score", 0.0)))
            statuses.setdefault(slug, Counter())[exercise_status(record, own)] += 1
            if record.get("status") in ("missing", "ambiguous", "error"):
                continue  # its tests did not run on the learner's code: they say nothing of a concept
            for test in own:
                runs.setdefault((slug, str(test["name"])), []).append(test)
    exercises = [
        ExerciseSummary(slug, maxima[slug], scores[slug], {s: statuses[slug][s] for s in STATUSES})
        for slug in sorted(scores)
    ]
    summaries = []
    for (slug, name), records in runs.items():
        failures = Counter(
            _failure_key(str(r.get("message", ""))) for r in records if r.get("status") != "passed"
        )
        common, count = failures.most_common(1)[0] if failures else ("", 0)
        summaries.append(
            TestSummary(
                slug,
                name,
                bool(records[0].get("hidden")),
                len(records),
                sum(r.get("status") == "passed" for r in records),
                common,
                count,
            )
        )
    summaries.sort(key=lambda t: (t.pass_rate, t.exercise, t.name))
    return ClassReport(len(results), exercises, summaries, seconds)


def _failure_key(message: str, limit: int = 200) -> str:
    """What a failure says the code did: its ``got``/``expected`` lines (the call is the same for the
    whole class), else its first line; whitespace collapsed, cut at ``limit``."""
    lines = [" ".join(part.split()) for part in message.splitlines() if part.strip()]
    if len(lines) > 1 and lines[0].startswith("called "):
        lines = lines[1:]
    line = "; ".join(lines[:2])
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _tokens(source: str) -> list[str]:
    """Python tokens with names, strings and numbers normalised (renaming a variable changes nothing);
    comments, docstrings, blank lines and layout dropped. Text that does not tokenise: its words."""
    out: list[str] = []
    statement_start = True
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            kind = token.type
            if kind in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
                statement_start = True
                continue
            if kind == tokenize.STRING and statement_start:
                continue  # a docstring (or a string standing alone): prose, not code
            if kind == tokenize.NAME:
                out.append(token.string if keyword.iskeyword(token.string) else "N")
            elif kind == tokenize.STRING:
                out.append("S")
            elif kind == tokenize.NUMBER:
                out.append("0")
            elif kind == tokenize.OP:
                out.append(token.string)
            else:
                continue
            statement_start = False
    except (tokenize.TokenError, SyntaxError, IndentationError):
        out = source.split()
    return out


def fingerprints(source: str) -> set[int]:
    """Winnowing (Schleimer, Wilkerson and Aiken, 2003): hash every ``NGRAM`` of normalised tokens and
    keep the smallest hash of each window of ``WINDOW`` hashes."""
    tokens = _tokens(source)
    hashes = [
        int.from_bytes(hashlib.blake2b(" ".join(tokens[i : i + NGRAM]).encode(), digest_size=8).digest())
        for i in range(len(tokens) - NGRAM + 1)
    ]
    if len(hashes) <= WINDOW:
        return set(hashes)
    return {min(hashes[i : i + WINDOW]) for i in range(len(hashes) - WINDOW + 1)}


def similar_pairs(
    exercise: str,
    sources: Mapping[str, str],
    template: str = "",
    threshold: float = SIMILARITY_THRESHOLD,
) -> list[SimilarPair]:
    """Pairs of submissions whose fingerprints (minus the ``template``'s: the stub everyone starts from)
    overlap by ``threshold`` or more (Jaccard), most alike first. For a person to review: identical
    answers to a small exercise are often honest."""
    common = fingerprints(template) if template else set()
    prints = {name: fingerprints(text) - common for name, text in sorted(sources.items())}
    names = [name for name, found in prints.items() if found]
    pairs = []
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            a, b = prints[first], prints[second]
            similarity = len(a & b) / len(a | b)
            if similarity >= threshold:
                pairs.append(SimilarPair(exercise, first, second, round(similarity, 3)))
    return sorted(pairs, key=lambda p: (-p.similarity, p.first, p.second))


def _png(figure: Any) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def figures(report: ClassReport) -> dict[str, Any]:
    """The report's matplotlib figures: a score histogram and a status bar chart per exercise, the
    pass rate per test, the grading time per submission."""
    from matplotlib.figure import Figure  # no pyplot: no global state, any backend, any thread
    from matplotlib.ticker import MaxNLocator

    found: dict[str, Any] = {}
    for summary in report.handed_in():
        figure = Figure(figsize=(9, 3), layout="constrained")
        left, right = figure.subplots(1, 2)
        top = max(summary.max_score, 1.0)
        left.hist(summary.scores, bins=[x - 0.5 for x in range(int(top) + 2)], color="#0969da")
        left.set(title=f"{summary.slug}: scores", xlabel=f"points (of {top:g})", ylabel="submissions")
        left.yaxis.set_major_locator(MaxNLocator(integer=True))
        left.xaxis.set_major_locator(MaxNLocator(integer=True))
        shown = [s for s in STATUSES if summary.statuses[s] or s != "ambiguous"]
        right.bar(shown, [summary.statuses[s] for s in shown], color="#8250df")
        right.set(title=f"{summary.slug}: statuses", ylabel="submissions")
        right.yaxis.set_major_locator(MaxNLocator(integer=True))
        right.tick_params(axis="x", labelrotation=30)
        found[f"exercise-{summary.slug}"] = figure
    if report.tests:
        hardest = report.tests[:MAX_TESTS_PLOTTED]
        figure = Figure(figsize=(9, 0.3 * len(hardest) + 1.2), layout="constrained")
        axes = figure.subplots()
        labels = [f"{t.exercise}: {t.name}" + (" (hidden)" if t.hidden else "") for t in hardest]
        axes.barh(labels[::-1], [100 * t.pass_rate for t in hardest][::-1], color="#1a7f37")
        title = "Pass rate per test, hardest at top"
        if len(hardest) < len(report.tests):
            title += f" (the {len(hardest)} hardest of {len(report.tests)})"
        axes.set(xlim=(0, 100), xlabel="% of submissions passing", title=title)
        axes.tick_params(axis="y", labelsize=7)
        found["tests"] = figure
    if report.seconds:
        figure = Figure(figsize=(9, 3), layout="constrained")
        axes = figure.subplots()
        axes.hist(list(report.seconds.values()), bins=15, color="#9a6700")
        axes.set(title="Grading time per submission", xlabel="seconds", ylabel="submissions")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        found["timing"] = figure
    return found


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cell = "border:1px solid #d0d7de;padding:3px 6px;text-align:left;vertical-align:top"
    head = "".join(f'<th style="{cell}">{html.escape(str(h))}</th>' for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td style="{cell}">{html.escape(str(v))}</td>' for v in row) + "</tr>"
        for row in rows
    )
    return (
        f'<table style="border-collapse:collapse"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


def report_html(report: ClassReport, images: Mapping[str, str] | None = None) -> str:
    """A self-contained HTML page: tables, and the figures as base64 PNG (``images``: name -> base64)."""
    images = images or {}

    def image(name: str) -> str:
        return f'<img alt="{name}" src="data:image/png;base64,{images[name]}">' if name in images else ""

    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>Class report</title></head>",
        "<body style='font-family:sans-serif'>",
        f"<h1>Class report</h1><p>{report.submissions} submissions.</p>",
        "<h2>Exercises</h2>",
    ]
    if report.nobody():
        parts.append(f"<p>No submission holds: {html.escape(', '.join(report.nobody()))}.</p>")
    for summary in report.handed_in():
        mean = sum(summary.scores) / len(summary.scores) if summary.scores else 0.0
        parts.append(
            f"<h3>{html.escape(summary.slug)}</h3><p>mean {mean:.2f} of {summary.max_score:g} points</p>"
        )
        parts.append(_table(list(STATUSES), [[summary.statuses[s] for s in STATUSES]]))
        parts.append(image(f"exercise-{summary.slug}"))
    parts.append("<h2>Tests, hardest first</h2>")
    parts.append(
        _table(
            ["exercise", "test", "hidden", "passed", "runs", "pass rate", "most common failure", "times"],
            [
                [
                    t.exercise,
                    t.name,
                    "yes" if t.hidden else "",
                    t.passed,
                    t.runs,
                    f"{100 * t.pass_rate:.0f}%",
                    t.common_failure,
                    t.common_failure_count or "",
                ]
                for t in report.tests
            ],
        )
    )
    parts.append(image("tests"))
    parts.append("<h2>Submissions that look alike (for a person to review; never penalised)</h2>")
    if not report.similarity_checked:
        parts.append("<p>Not checked: pass <code>--submissions</code> (the folder that was graded).</p>")
    elif not report.similar:
        parts.append(f"<p>No pair at or above {SIMILARITY_THRESHOLD:.0%} similarity.</p>")
    else:
        found = groups(report.similar)
        parts.append(
            f"<p>{len(report.similar)} pairs at or above {SIMILARITY_THRESHOLD:.0%} similarity of normalised "
            f"code (the stub's own code left out), in {len(found)} groups. Identical answers to a small "
            "exercise are often honest: read them before concluding anything.</p>"
        )
        parts.append(
            _table(
                ["exercise", "submissions", "how many"],
                [[exercise, ", ".join(names), len(names)] for exercise, names in found],
            )
        )
        parts.append("<p>The most alike pairs (all are in similar.csv):</p>")
        parts.append(
            _table(
                ["exercise", "submission", "submission", "similarity"],
                [
                    [p.exercise, p.first, p.second, f"{100 * p.similarity:.0f}%"]
                    for p in report.similar[:MAX_PAIRS_SHOWN]
                ],
            )
        )
    parts.append("<h2>Grading time</h2>")
    total = sum(report.seconds.values())
    parts.append(f"<p>{total:.1f} s in all; the slowest submissions:</p>")
    parts.append(_table(["submission", "seconds"], [[n, f"{s:.1f}"] for n, s in report.slowest()]))
    parts.append(image("timing"))
    parts.append("</body></html>")
    return "\n".join(parts)


def _csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write_report(report: ClassReport, out: Path) -> list[Path]:
    """``report.html`` and ``exercises.csv``, ``tests.csv``, ``similar.csv``, ``timing.csv`` in ``out``."""
    images = {name: _png(figure) for name, figure in figures(report).items()}
    files = {
        "report.html": report_html(report, images),
        "exercises.csv": _csv(
            ["exercise", "max_score", "submissions", "mean", *STATUSES],
            [
                [
                    e.slug,
                    f"{e.max_score:g}",
                    len(e.scores),
                    f"{sum(e.scores) / len(e.scores):.2f}" if e.scores else "",
                    *(e.statuses[s] for s in STATUSES),
                ]
                for e in report.exercises
            ],
        ),
        "tests.csv": _csv(
            ["exercise", "test", "hidden", "runs", "passed", "pass_rate", "most_common_failure", "times"],
            [
                [
                    t.exercise,
                    t.name,
                    t.hidden,
                    t.runs,
                    t.passed,
                    f"{t.pass_rate:.3f}",
                    t.common_failure,
                    t.common_failure_count,
                ]
                for t in report.tests
            ],
        ),
        "similar.csv": _csv(
            ["exercise", "first", "second", "similarity"],
            [[p.exercise, p.first, p.second, p.similarity] for p in report.similar],
        ),
        "timing.csv": _csv(
            ["submission", "seconds"],
            [[n, f"{s:.3f}"] for n, s in sorted(report.seconds.items(), key=lambda i: (-i[1], i[0]))],
        ),
    }
    written = []
    for name, text in files.items():
        write_atomic(out / name, text)
        written.append(out / name)
    return written
