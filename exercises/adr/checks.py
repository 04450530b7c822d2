"""Checks of the adr exercise, run in the grader on the text the probe returned: a small reader for
decision records in markdown (:func:`parse_record`) and one check per criterion of the published
rubric in README.md. Failure messages quote what was found and say what was expected."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache

from exercises.grader.model import Outcome
from patterns.lab.pricing import price_table

__all__ = [
    "DOWNSIDE_WORDS",
    "SECTION_TITLES",
    "STATUSES",
    "TEMPLATE_DATE",
    "TEMPLATE_HINTS",
    "TEMPLATE_STATUS",
    "TEMPLATE_TITLE",
    "Check",
    "Heading",
    "Line",
    "Option",
    "Record",
    "Section",
    "consequences_are_quantified",
    "consequences_name_a_downside",
    "context_states_the_forces",
    "date_is_iso",
    "decision_names_an_option",
    "every_option_has_a_downside",
    "has_consequences",
    "has_context",
    "has_date",
    "has_decision",
    "has_options",
    "has_status",
    "has_title",
    "no_template_text",
    "parse_record",
    "quotes_a_unit_price",
    "shows_a_calculation",
    "status_is_valid",
    "unit_prices",
]

Check = Callable[[Outcome], None]

STATUSES = ("proposed", "accepted", "rejected", "deprecated", "superseded")
SECTION_TITLES = {
    "context": "Context",
    "options": "Considered options",
    "decision": "Decision",
    "consequences": "Consequences",
}

# The hint text of adr/template.md (a unit test keeps the two in step).
TEMPLATE_TITLE = "N. Imperative title"
TEMPLATE_STATUS = "_proposed | accepted | rejected | deprecated | superseded_"
TEMPLATE_DATE = "_YYYY-MM-DD_"
TEMPLATE_HINTS: dict[str, tuple[str, ...]] = {
    "context": (
        "_The situation and the forces that constrain the decision: volumes, limits, deadlines, costs._",
    ),
    "options": (
        "_An option: what it is, and at least one downside._",
        "_Another option: what it is, and at least one downside._",
    ),
    "decision": ("_The option chosen, named as in the list above, and why it beats the others._",),
    "consequences": ("_What becomes easier and what becomes harder, with numbers: cost, time, limits._",),
}

DOWNSIDE_WORDS = (
    "but", "however", "although", "downside", "downsides", "drawback", "drawbacks", "con", "cons",
    "cost", "costs", "costly", "expensive", "pricier", "slow", "slower", "risk", "risks", "risky",
    "hard", "harder", "complex", "complexity", "cannot", "can't", "limit", "limits", "limited",
    "lose", "loses", "worse", "fragile", "lock-in", "overhead", "fail", "fails", "failure",
)  # fmt: skip

_SECTION_ALIASES = {
    "context": "context",
    "context and problem statement": "context",
    "problem statement": "context",
    "background": "context",
    "considered options": "options",
    "options considered": "options",
    "options": "options",
    "alternatives": "options",
    "considered alternatives": "options",
    "alternatives considered": "options",
    "decision": "decision",
    "decision outcome": "decision",
    "consequences": "consequences",
}
_FIELD_HEADINGS = {"status": "status", "date": "date"}

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_HEADING_MARKER = re.compile(r"^\s*#{1,6}\s*")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_FIELD = re.compile(r"^\s*(?:[-*+]\s+)?[*_]*(status|date)[*_]*\s*:(.*)$", re.IGNORECASE)
_TITLE = re.compile(r"^(?:adr[-\s]*)?(\d+)(?:\s*[.):—–-]\s*|\s+)(\S.*)$", re.IGNORECASE)
_NUMBERED = re.compile(r"^(\s*)(\d+)[.)]\s+(.*)$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_OPTION_REFERENCE = re.compile(r"\boption\s*#?\s*(\d+)\b", re.IGNORECASE)
_DOWNSIDE = re.compile(
    r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in DOWNSIDE_WORDS) + r")(?![\w-])", re.I
)
_TIMEOUT = re.compile(
    r"\b900\s*-?\s*(?:s|secs?|seconds?)\b|\b15\s*-?\s*(?:min|mins|minutes?)\b|\bfifteen\s+minutes\b", re.I
)
_VOLUME = re.compile(
    r"\b(?:2|two)\s*(?:million|mio|m)\b|\b2[, _.\u00a0\u202f]?000[, _.\u00a0\u202f]?000\b", re.I
)
_QUANTITY = re.compile(
    r"\$\s*\d|\d(?:[\d,]*\d)?(?:\.\d+)?\s*(?:%|(?:GB-s|ms|secs?|seconds?|s|mins?|minutes?|hrs?|hours?|h|days?"
    r"|KB|MB|GB|TB|USD|cents?)(?![A-Za-z]))",
    re.IGNORECASE,
)
_CALCULATION = re.compile(
    r"\d[^=≈\n]*?(?:[×÷·]|\s[x*/+−-]\s|(?<=\d)[x*](?=\d))[^=≈\n]*?\d[^=≈\n]*?[=≈]\s*[~$]*\s*\d"
)
_UNIT_PRICE = re.compile(
    r"\$\s*(\d[\d,]*(?:\.\d+)?)\s*(?:per\b|/)|(\d[\d,]*(?:\.\d+)?)\s*(?:USD|\$)\s*(?:per\b|/)", re.IGNORECASE
)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?!\d)")


# --- Reading markdown ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Line:
    """One line of the document (1-based ``number``); ``fenced`` lines are inside a code block."""

    number: int
    text: str
    fenced: bool = False


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int

    def __str__(self) -> str:
        return f"{'#' * self.level} {self.text}"


@dataclass(frozen=True)
class Section:
    """A known section (``key`` is context, options, decision or consequences) and its lines."""

    key: str
    heading: Heading
    lines: tuple[Line, ...]

    @property
    def body(self) -> str:
        return "\n".join(line.text for line in self.lines).strip()

    def content(self) -> list[str]:
        """The non-blank lines, stripped."""
        return [line.text.strip() for line in self.lines if line.text.strip()]


@dataclass(frozen=True)
class Option:
    """One considered option: its number and its whole text (continuation lines included)."""

    number: int
    text: str

    @property
    def name(self) -> str:
        """The bold words at its start, or its words before the first ':', ' - ', '(', ',' or '.'."""
        first = self.text.splitlines()[0].strip() if self.text.strip() else ""
        bold = re.match(r"^(\*\*|__)(.+?)\1", first)
        name = bold.group(2) if bold else re.split(r"\s[—–-]\s|[:(,]|\.(?:\s|$)", first, maxsplit=1)[0]
        return name.strip(" *_`.")[:80]

    def __str__(self) -> str:
        return f"{self.number}. {self.name!r}"


@dataclass(frozen=True)
class Record:
    """What :func:`parse_record` found in a decision record."""

    lines: tuple[Line, ...]
    headings: tuple[Heading, ...]
    title: Heading | None
    fields: dict[str, tuple[str, int]]  # "status"/"date" -> (value as written, line number)
    sections: dict[str, Section]

    def options(self) -> list[Option]:
        """The learner's considered options (template hints left in the list are not counted)."""
        section = self.sections.get("options")
        return [o for o in _options(section) if not _is_hint(o.text)] if section else []


def _normal(text: str) -> str:
    """Lower case, without markdown emphasis, heading or list markers, hyphens or extra whitespace."""
    text = _LIST_MARKER.sub("", _HEADING_MARKER.sub("", text))
    text = re.sub(r"[*_`]", "", text).lower()
    return " ".join(re.sub(r"[-‐–—]", " ", text).split())


def _hint_lines() -> set[str]:
    hints = {_normal(line) for lines in TEMPLATE_HINTS.values() for line in lines}
    return hints | {_normal(TEMPLATE_TITLE), _normal(TEMPLATE_STATUS), _normal(TEMPLATE_DATE)}


def _template_lines() -> set[str]:
    """The template's placeholder lines as they stand in the template (fields with their names)."""
    fields = {_normal(f"Status: {TEMPLATE_STATUS}"), _normal(f"Date: {TEMPLATE_DATE}")}
    return _hint_lines() | fields


def _has_downside(text: str) -> bool:
    return _DOWNSIDE.search(text.replace("\u2019", "'")) is not None


def _is_hint(text: str) -> bool:
    lines = [_normal(line) for line in text.splitlines() if line.strip()]
    return bool(lines) and all(line in _hint_lines() for line in lines)


def _read_lines(text: str) -> tuple[Line, ...]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = _COMMENT.sub(lambda comment: "\n" * comment.group().count("\n"), text)
    lines, fence = [], ""
    for number, raw in enumerate(text.split("\n"), start=1):
        marker = _FENCE.match(raw)
        if fence:
            lines.append(Line(number, raw, fenced=True))
            if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                fence = ""
            continue
        if marker:
            fence = marker.group(1)
            lines.append(Line(number, raw, fenced=True))
            continue
        lines.append(Line(number, raw))
    return tuple(lines)


def _headings(lines: tuple[Line, ...]) -> tuple[dict[int, Heading], set[int]]:
    """ATX and setext headings by line index, and the indexes of setext underlines."""
    found: dict[int, Heading] = {}
    underlines: set[int] = set()
    for index, line in enumerate(lines):
        if line.fenced:
            continue
        atx = _ATX.match(line.text)
        if atx:
            found[index] = Heading(len(atx.group(1)), (atx.group(2) or "").strip(), line.number)
            continue
        setext = _SETEXT.match(line.text)
        if setext and index > 0 and index - 1 not in found and index - 1 not in underlines:
            previous = lines[index - 1]
            is_paragraph = (
                previous.text.strip() and not previous.fenced and not _LIST_MARKER.match(previous.text)
            )
            if is_paragraph:
                level = 1 if setext.group(1).startswith("=") else 2
                found[index - 1] = Heading(level, previous.text.strip(), previous.number)
                underlines.add(index)
    return found, underlines


def _key(heading: Heading) -> str | None:
    text = re.sub(r"^\d+[.)]?\s*", "", _normal(heading.text)).rstrip(":").strip()
    return _SECTION_ALIASES.get(text) or _FIELD_HEADINGS.get(text)


def _clean(value: str) -> str:
    return value.strip().strip("*_`").strip()


def parse_record(text: str) -> Record:
    """Read a decision record: its title, Status and Date fields, and its four sections.

    Robust to heading levels (ATX or setext), case, extra whitespace, emphasis, HTML comments and
    code blocks. A section runs to the next heading of the same or a higher level, or to the next
    heading that starts another known section. Status and Date are read from ``Status: ...`` lines
    outside the sections (bulleted or not) or from ``## Status`` / ``## Date`` sections.
    """
    lines = _read_lines(text)
    headings, underlines = _headings(lines)
    indexes = sorted(headings)
    title = headings[indexes[0]] if indexes and _key(headings[indexes[0]]) is None else None
    sections: dict[str, Section] = {}
    fields: dict[str, tuple[str, int]] = {}
    inside: set[int] = set()
    for position, index in enumerate(indexes):
        heading = headings[index]
        key = _key(heading)
        if key is None:
            continue
        end = len(lines)
        for later in indexes[position + 1 :]:
            if headings[later].level <= heading.level or _key(headings[later]) is not None:
                end = later
                break
        body = tuple(lines[i] for i in range(index + 1, end) if i not in underlines)
        if key in _FIELD_HEADINGS.values():
            value = next((line for line in body if line.text.strip()), None)
            if value is not None:
                fields.setdefault(key, (_clean(value.text), value.number))
            continue
        sections.setdefault(key, Section(key, heading, body))
        inside.update(range(index + 1, end))
    for index, line in enumerate(lines):
        field = None if line.fenced or index in inside else _FIELD.match(line.text)
        if field:
            fields.setdefault(field.group(1).lower(), (_clean(field.group(2)), line.number))
    return Record(lines, tuple(headings[i] for i in indexes), title, fields, sections)


def _list_starts(lines: tuple[Line, ...]) -> tuple[dict[int, str], dict[int, int]]:
    """The top-level items of the first numbered list (else bulleted list) in ``lines``: their text
    by line index, and their written numbers."""
    for pattern in (_NUMBERED, _BULLET):
        found = {i: m for i, line in enumerate(lines) if not line.fenced and (m := pattern.match(line.text))}
        if found:
            top = min(len(m.group(1)) for m in found.values())
            items = {i: m for i, m in found.items() if len(m.group(1)) <= top + 1}
            numbers = {i: int(m.group(2)) for i, m in items.items()} if pattern is _NUMBERED else {}
            return {i: m.group(m.lastindex or 0) for i, m in items.items()}, numbers
    return {}, {}


def _options(section: Section) -> list[Option]:
    """The options of a section: a list of two or more items before any sub-heading, else two or more
    sub-headings, else the section's list (numbered before bulleted); nested lines stay with their item."""
    lines = section.lines
    subheadings, _ = _headings(lines)
    limit = min(subheadings, default=len(lines))
    starts, numbers = _list_starts(lines[:limit])
    if len(starts) < 2:
        limit = len(lines)
        if len(subheadings) >= 2:
            starts, numbers = {i: heading.text for i, heading in subheadings.items()}, {}
        else:
            starts, numbers = _list_starts(lines)
    order = sorted(starts)
    written = [numbers[i] for i in order] if numbers else []
    use_written = bool(written) and len(set(written)) == len(written)
    options = []
    for position, index in enumerate(order):
        end = order[position + 1] if position + 1 < len(order) else limit
        text = "\n".join([starts[index], *(line.text.strip() for line in lines[index + 1 : end])]).strip()
        options.append(Option(written[position] if use_written else position + 1, text))
    return options


# --- Failure messages ---------------------------------------------------------------------------
def _fail(outcome: Outcome, found: str, expected: str) -> AssertionError:
    return AssertionError(f"called {outcome.call}\n  got:      {found:.400}\n  expected: {expected}")


def _quote(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return f'"{text[:limit]}..."' if len(text) > limit else f'"{text}"'


def _record(outcome: Outcome) -> Record:
    value = outcome.value
    if not isinstance(value, dict) or not isinstance(value.get("text"), str):
        raise _fail(outcome, repr(value)[:400], "the text of the document (the probe's result was not read)")
    return parse_record(value["text"])


def _section(outcome: Outcome, record: Record, key: str) -> Section:
    """The section ``key`` with the learner's own text in it, or the failure that says why not."""
    title = SECTION_TITLES[key]
    section = record.sections.get(key)
    if section is None:
        shown = ", ".join(f'"{h}"' for h in record.headings) or "no headings at all"
        raise _fail(outcome, f'no section "## {title}"; the headings are: {shown}', f'a section "## {title}"')
    content = section.content()
    if not content:
        raise _fail(
            outcome, f'section "{section.heading}" is empty', f'your own text under "{section.heading}"'
        )
    if _is_hint(section.body):
        raise _fail(
            outcome,
            f'section "{section.heading}" is still the template\'s hint: {_quote(content[0])}',
            f'your own text under "{section.heading}" in place of the hint',
        )
    return section


def _field(outcome: Outcome, record: Record, name: str, example: str) -> str:
    label = name.capitalize()
    found = record.fields.get(name)
    if found is None:
        raise _fail(outcome, f'no "{label}:" line', f'a line "- {label}: {example}" below the title')
    value, line = found
    if not value:
        raise _fail(outcome, f'"{label}:" on line {line} has no value', f'"- {label}: {example}"')
    if _is_hint(value):
        raise _fail(
            outcome,
            f"the {label} line (line {line}) is still the template's hint: {_quote(value)}",
            f'your own value, e.g. "- {label}: {example}"',
        )
    return value


# --- Task 1: structure --------------------------------------------------------------------------
def has_title(outcome: Outcome) -> None:
    """The first heading is ``# <number>. <title>``, not the template's."""
    record = _record(outcome)
    expected = (
        'a first heading "# <number>. <imperative title>", e.g. "# 3. Fan the nightly export out over SQS"'
    )
    if record.title is None:
        first = f'the first heading is "{record.headings[0]}"' if record.headings else "no heading at all"
        raise _fail(outcome, first, expected)
    if _normal(record.title.text) == _normal(TEMPLATE_TITLE):
        raise _fail(outcome, f'the title is still the template\'s: "{record.title}"', expected)
    if not _TITLE.match(_clean(record.title.text)):
        raise _fail(outcome, f'the title "{record.title}" has no number', expected)


def has_status(outcome: Outcome) -> None:
    """A ``Status:`` line with a value of the learner's own."""
    _field(outcome, _record(outcome), "status", "accepted")


def has_date(outcome: Outcome) -> None:
    """A ``Date:`` line with a value of the learner's own."""
    _field(outcome, _record(outcome), "date", "2026-11-22")


def has_context(outcome: Outcome) -> None:
    _section(outcome, _record(outcome), "context")


def has_options(outcome: Outcome) -> None:
    """A Considered options section listing at least two options of the learner's own."""
    record = _record(outcome)
    section = _section(outcome, record, "options")
    options = record.options()
    if len(options) < 2:
        listed = "; ".join(str(o) for o in options) or "none"
        raise _fail(
            outcome,
            f'{len(options)} option(s) under "{section.heading}": {listed}',
            "at least two options, as a numbered list (1. ..., 2. ...)",
        )


def has_decision(outcome: Outcome) -> None:
    _section(outcome, _record(outcome), "decision")


def has_consequences(outcome: Outcome) -> None:
    _section(outcome, _record(outcome), "consequences")


# --- Task 2: the rubric -------------------------------------------------------------------------
def status_is_valid(outcome: Outcome) -> None:
    """The status (its first word) is one of :data:`STATUSES`."""
    status = _field(outcome, _record(outcome), "status", "accepted")
    word = re.match(r"[a-z]+", _normal(status))
    if word is None or word.group() not in STATUSES:
        raise _fail(outcome, f'"Status: {status}"', f"a status that is one of {', '.join(STATUSES)}")


def date_is_iso(outcome: Outcome) -> None:
    """The date is a real calendar date written ``YYYY-MM-DD``."""
    value = _field(outcome, _record(outcome), "date", "2026-11-22")
    expected = "an ISO date YYYY-MM-DD that exists, e.g. 2026-11-22"
    match = _ISO_DATE.match(value)
    if match is None:
        raise _fail(outcome, f'"Date: {value}"', expected)
    try:
        date(*(int(part) for part in match.groups()))
    except ValueError as error:
        raise _fail(outcome, f'"Date: {value}" ({error})', expected) from None


def context_states_the_forces(outcome: Outcome) -> None:
    """The context mentions Lambda's 900 s limit or the data volume (2 million records)."""
    section = _section(outcome, _record(outcome), "context")
    if not (_TIMEOUT.search(section.body) or _VOLUME.search(section.body)):
        raise _fail(
            outcome,
            f'"{section.heading}" says {_quote(section.body, 200)}',
            'the context to state a force with its number: Lambda\'s "900 s" timeout (or "15 minutes"), '
            'or the volume, "2 million" (or "2,000,000") records',
        )


def every_option_has_a_downside(outcome: Outcome) -> None:
    """Each considered option states at least one downside (a word of :data:`DOWNSIDE_WORDS`)."""
    has_options(outcome)
    record = _record(outcome)
    section = record.sections["options"]
    silent = [option for option in record.options() if not _has_downside(option.text)]
    if silent:
        shown = "; ".join(f"option {o.number} {_quote(o.text, 80)}" for o in silent)
        raise _fail(
            outcome,
            f'under "{section.heading}", no downside stated for: {shown}',
            "every option to state what is worse about it, with a word such as "
            '"but", "however", "downside", "cost", "slower", "risk", "harder", "limit" or "cannot"',
        )


def decision_names_an_option(outcome: Outcome) -> None:
    """The decision names a considered option: ``Option <number>`` or the option's name."""
    has_options(outcome)
    record = _record(outcome)
    decision = _section(outcome, record, "decision")
    options = record.options()
    numbers = {option.number for option in options}
    if any(int(m.group(1)) in numbers for m in _OPTION_REFERENCE.finditer(decision.body)):
        return
    text = _normal(decision.body)
    if any(len(_normal(o.name)) >= 3 and _normal(o.name) in text for o in options):
        return
    listed = "; ".join(str(o) for o in options)
    raise _fail(
        outcome,
        f'"{decision.heading}" says {_quote(decision.body, 160)}, which names none of the options ({listed})',
        'the decision to name the chosen option, as "Option <number>" or by its name as written in the list',
    )


def consequences_name_a_downside(outcome: Outcome) -> None:
    """The consequences include at least one negative consequence (a word of :data:`DOWNSIDE_WORDS`)."""
    section = _section(outcome, _record(outcome), "consequences")
    if not _has_downside(section.body):
        raise _fail(
            outcome,
            f'"{section.heading}" says {_quote(section.body, 200)}',
            "at least one negative consequence, with a word such as "
            '"cost", "slower", "risk", "harder", "downside", "but" or "limit"',
        )


def consequences_are_quantified(outcome: Outcome) -> None:
    """The consequences hold at least one number with a unit ($, ms, s, minutes, GB, % ...)."""
    section = _section(outcome, _record(outcome), "consequences")
    if not _QUANTITY.search(section.body):
        raise _fail(
            outcome,
            f'"{section.heading}" says {_quote(section.body, 200)}',
            'at least one number with a unit, e.g. "$2.09 a month", "80 s", "15 minutes", "1 GB", "18%"',
        )


@cache
def unit_prices() -> frozenset[Decimal]:
    """Every price (USD per something) in ``patterns.lab.pricing.price_table()``."""
    return frozenset(row.price for row in price_table() if row.unit.startswith("USD") and row.price > 0)


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def quotes_a_unit_price(outcome: Outcome) -> None:
    """The document quotes a price of the course's price table as ``$<price> per <unit>``."""
    record = _record(outcome)
    text = "\n".join(line.text for line in record.lines)
    matches = list(_UNIT_PRICE.finditer(text))
    if any(_number(m.group(1) or m.group(2)) in unit_prices() for m in matches):
        return
    quoted = [m.group() for m in matches]
    found = (
        f"unit prices {', '.join(_quote(q) for q in quoted[:5])}, none in the table"
        if quoted
        else "no unit price"
    )
    raise _fail(
        outcome,
        found,
        'a price from patterns/lab/pricing.py (price_table()) written as "$<price> per <unit>", '
        'e.g. "$0.0000166667 per GB-s", "$0.40 per 1M requests", "$0.025 per 1,000 transitions"',
    )


def shows_a_calculation(outcome: Outcome) -> None:
    """Some line shows arithmetic: ``<number> <operator> <number> = <result>``."""
    record = _record(outcome)
    if any(_CALCULATION.search(line.text) for line in record.lines):
        return
    numbers = [_quote(line.text, 60) for line in record.lines if re.search(r"\d", line.text)]
    found = (
        f"no calculation; lines with numbers: {'; '.join(numbers[:3])}" if numbers else "no numbers at all"
    )
    raise _fail(
        outcome,
        found,
        'at least one line of arithmetic, "<number> × <number> = <result>" (× x * / + -), '
        'e.g. "2,000,000 records × 2 ms = 4,000 s"',
    )


def no_template_text(outcome: Outcome) -> None:
    """No line of the template's placeholder text is left anywhere in the document."""
    record = _record(outcome)
    template = _template_lines()
    left = [line for line in record.lines if line.text.strip() and _normal(line.text) in template]
    if left:
        shown = "; ".join(f"line {line.number}: {_quote(line.text, 70)}" for line in left[:4])
        more = f" and {len(left) - 4} more" if len(left) > 4 else ""
        raise _fail(
            outcome, f"the template's text is still there: {shown}{more}", "every hint replaced or deleted"
        )
