"""The adr exercise's markdown reader and rubric checks (exercises/adr/checks.py) on small documents."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from exercises.adr import checks
from exercises.grader.model import Outcome

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
EXERCISE = ROOT / "exercises" / "adr"
TEMPLATE = ROOT / "adr" / "template.md"
COURSE_ADRS = sorted((ROOT / "adr").glob("[0-9][0-9][0-9][0-9]-*.md"))

GOOD = """\
# 7. Queue the nightly export

- Status: accepted
- Date: 2026-11-22

## Context
The export covers 2 million records at 2 ms each; Lambda stops a function after 900 s.

## Considered options
1. **One long function**: simple, but 4,000 s is over the limit.
2. **A queue of workers**: one worker per chunk; the risk is a chunk delivered twice.

## Decision
Option 2, because each chunk takes 2 s.

## Consequences
- 6,000 requests × $0.40 per 1M requests = $0.0024 a night.
- Harder to see progress: there is no execution history.
"""

STRUCTURE = [
    checks.has_title,
    checks.has_status,
    checks.has_date,
    checks.has_context,
    checks.has_options,
    checks.has_decision,
    checks.has_consequences,
]
RUBRIC = [
    checks.status_is_valid,
    checks.date_is_iso,
    checks.context_states_the_forces,
    checks.every_option_has_a_downside,
    checks.decision_names_an_option,
    checks.consequences_name_a_downside,
    checks.consequences_are_quantified,
    checks.quotes_a_unit_price,
    checks.shows_a_calculation,
    checks.no_template_text,
]


def outcome(text):
    value = {"file": "decision.md", "size": len(text.encode()), "text": text, "truncated": False}
    return Outcome(value, "read(file='decision.md')")


def failure(check, text):
    """The message ``check`` fails with on ``text`` (the test fails if it passes)."""
    with pytest.raises(AssertionError) as raised:
        check(outcome(text))
    message = str(raised.value)
    assert message.startswith("called read(file='decision.md')\n  got:      ")
    assert "\n  expected: " in message
    return message


def replace_section(text, heading, body):
    """``text`` with the body under ``## heading`` replaced by ``body``."""
    pattern = rf"(## {heading}\n)(.*?)(?=\n## |\Z)"
    assert re.search(pattern, text, flags=re.S), heading
    return re.sub(pattern, lambda m: m.group(1) + body, text, count=1, flags=re.S)


# --- The reader ---------------------------------------------------------------------------------
def test_the_reader_finds_title_fields_sections_and_options():
    record = checks.parse_record(GOOD)
    assert record.title is not None
    assert str(record.title) == "# 7. Queue the nightly export"
    assert record.fields == {"status": ("accepted", 3), "date": ("2026-11-22", 4)}
    assert sorted(record.sections) == ["consequences", "context", "decision", "options"]
    assert record.sections["decision"].body == "Option 2, because each chunk takes 2 s."
    assert [(o.number, o.name) for o in record.options()] == [
        (1, "One long function"),
        (2, "A queue of workers"),
    ]


def test_the_reader_ignores_heading_levels_case_whitespace_and_emphasis():
    text = """

ADR-7: Queue the nightly export
===============================

   **Status:**   Accepted
*Date*: 2026-11-22

### CONTEXT
The 900 s limit.

#### considered options:
  1.   **One function**: but too slow.
  2.   **Workers**: more cost.
# Decision #
We take Option 2.
Consequences
------------
Slower by 80 s.
"""
    record = checks.parse_record(text)
    assert record.title is not None
    assert record.title.text == "ADR-7: Queue the nightly export"
    assert record.fields["status"][0] == "Accepted"
    assert record.fields["date"][0] == "2026-11-22"
    assert record.sections["context"].body == "The 900 s limit."
    assert [o.name for o in record.options()] == ["One function", "Workers"]
    assert record.sections["decision"].body == "We take Option 2."
    assert record.sections["consequences"].body == "Slower by 80 s."
    for check in STRUCTURE + RUBRIC[:7]:
        check(outcome(text))


def test_a_known_heading_ends_the_section_before_it_whatever_its_level():
    text = "# 1. T\n\n## Context\nWhy.\n### Decision\nOption 1.\n#### Notes\nkept in the decision\n"
    record = checks.parse_record(text)
    assert record.sections["context"].body == "Why."
    assert record.sections["decision"].body == "Option 1.\n#### Notes\nkept in the decision"


def test_headings_inside_code_blocks_and_html_comments_are_not_read():
    text = (
        "# 1. T\n\n- Status: accepted\n\n## Context\n```python\n# Decision\nx = 1\n```\n"
        "<!--\n## Consequences\n-->\n"
    )
    record = checks.parse_record(text)
    assert sorted(record.sections) == ["context"]
    assert "# Decision" in record.sections["context"].body
    assert "Consequences" not in record.sections["context"].body
    assert 'no section "## Decision"; the headings are: "# 1. T", "## Context"' in failure(
        checks.has_decision, text
    )


def test_status_and_date_may_be_sections_of_their_own():
    text = "# 1. T\n\n## Status\n\nSuperseded by ADR-9\n\n## Date\n2026-01-31\n\n## Context\nWhy.\n"
    record = checks.parse_record(text)
    assert record.fields["status"] == ("Superseded by ADR-9", 5)
    assert record.fields["date"] == ("2026-01-31", 8)
    checks.status_is_valid(outcome(text))
    checks.date_is_iso(outcome(text))


def test_options_may_be_bullets_or_subheadings_and_keep_their_nested_lines():
    bullets = "# 1. T\n## Options\nPreamble.\n- **Alpha** - fast\n  - con: cost\n- Beta, the other one\n"
    assert [(o.number, o.name, o.text) for o in checks.parse_record(bullets).options()] == [
        (1, "Alpha", "**Alpha** - fast\n- con: cost"),
        (2, "Beta", "Beta, the other one"),
    ]
    subheadings = "# 1. T\n## Considered options\n### Option A: one function\n1. simple\n2. slow\n### B\nok\n"
    assert [(o.number, o.name) for o in checks.parse_record(subheadings).options()] == [
        (1, "Option A"),
        (2, "B"),
    ]


def test_a_numbered_list_before_sub_headings_is_the_list_of_options():
    text = (
        "# 1. T\n## Considered options\n1. **Alpha**: slow.\n2. **Beta**: costly.\n"
        "### Comparison\n| a | b |\n### Prices\n$0.40 per 1M requests\n"
    )
    assert [(o.name, o.text) for o in checks.parse_record(text).options()] == [
        ("Alpha", "**Alpha**: slow."),
        ("Beta", "**Beta**: costly."),
    ]


def test_options_keep_their_written_numbers_and_names_stop_at_punctuation():
    text = "# 1. T\n## Considered options\n3. One function (the simplest). Slow.\n4. Two — cheap\n"
    assert [(o.number, o.name) for o in checks.parse_record(text).options()] == [
        (3, "One function"),
        (4, "Two"),
    ]


def test_template_hints_left_in_the_options_are_not_counted():
    text = replace_section(
        GOOD,
        "Considered options",
        "1. **Mine**: but slow.\n2. _Another option: what it is, and at least one downside._\n",
    )
    assert [o.name for o in checks.parse_record(text).options()] == ["Mine"]
    assert "1 option(s) under \"## Considered options\": 1. 'Mine'" in failure(checks.has_options, text)


# --- Every check, good and bad ------------------------------------------------------------------
@pytest.mark.parametrize("check", STRUCTURE + RUBRIC, ids=lambda check: check.__name__)
def test_a_good_record_passes_every_check(check):
    check(outcome(GOOD))


@pytest.mark.parametrize("check", STRUCTURE + RUBRIC, ids=lambda check: check.__name__)
def test_the_blank_template_fails_every_check_saying_so(check):
    message = failure(check, TEMPLATE.read_text())
    template_words = (
        "still the template's",
        "template's text is still there",
        "no unit price",
        "no calculation",
    )
    assert any(words in message for words in template_words), message


def test_the_template_says_which_hint_is_left():
    template = TEMPLATE.read_text()
    assert 'the title is still the template\'s: "# N. Imperative title"' in failure(
        checks.has_title, template
    )
    assert 'section "## Context" is still the template\'s hint: "_The situation' in failure(
        checks.has_context, template
    )
    assert "the Status line (line 3) is still the template's hint" in failure(checks.has_status, template)
    assert "the Date line (line 4) is still the template's hint" in failure(checks.has_date, template)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("", "no heading at all"),
        ("## Context\nWhy.\n", 'the first heading is "## Context"'),
        ("# Queue the export\n", 'the title "# Queue the export" has no number'),
    ],
)
def test_a_title_needs_a_number(text, found):
    assert found in failure(checks.has_title, text)


@pytest.mark.parametrize("title", ["# 3. Fan out", "## 12: Fan out", "# ADR-0003 - Fan out", "# 3 Fan out"])
def test_numbered_titles_pass(title):
    checks.has_title(outcome(title + "\n"))


def test_missing_or_empty_fields_and_sections_say_what_is_missing():
    assert 'no "Status:" line' in failure(checks.has_status, "# 1. T\n")
    assert '"Date:" on line 2 has no value' in failure(checks.has_date, "# 1. T\n- Date:\n## Context\nx\n")
    assert 'section "## Decision" is empty' in failure(
        checks.has_decision, "# 1. T\n## Decision\n\n## Consequences\nx"
    )
    assert 'no section "## Consequences"' in failure(checks.has_consequences, "# 1. T\n## Context\nx\n")


def test_status_must_be_one_of_five():
    text = GOOD.replace("Status: accepted", "Status: done")
    assert 'got:      "Status: done"' in failure(checks.status_is_valid, text)
    for status in ("ACCEPTED", "proposed", "Superseded by ADR-9", "rejected.", "deprecated"):
        checks.status_is_valid(outcome(GOOD.replace("Status: accepted", f"Status: {status}")))


@pytest.mark.parametrize(
    ("written", "found"), [("22/11/2026", '"Date: 22/11/2026"'), ("2026-02-30", "day is out of range")]
)
def test_dates_must_be_real_iso_dates(written, found):
    assert found in failure(checks.date_is_iso, GOOD.replace("2026-11-22", written))


def test_an_iso_date_may_carry_a_note():
    checks.date_is_iso(outcome(GOOD.replace("Date: 2026-11-22", "Date: 2026-11-22 (revised)")))


@pytest.mark.parametrize(
    "context",
    ["Lambda's 15 minutes.", "A 900-second limit.", "2,000,000 orders.", "Two million orders.", "2M rows."],
)
def test_the_context_may_state_the_limit_or_the_volume_in_several_ways(context):
    checks.context_states_the_forces(outcome(replace_section(GOOD, "Context", context + "\n")))


def test_a_context_without_the_numbers_fails():
    text = replace_section(GOOD, "Context", "The export is big and slow.\n")
    assert '"## Context" says "The export is big and slow."' in failure(
        checks.context_states_the_forces, text
    )


def test_an_option_without_a_downside_is_named():
    text = replace_section(
        GOOD, "Considered options", "1. **Alpha**: but slow.\n2. **Beta**: cost-effective.\n"
    )
    message = failure(checks.every_option_has_a_downside, text)
    assert 'no downside stated for: option 2 "**Beta**: cost-effective."' in message
    assert "option 1" not in message


@pytest.mark.parametrize(
    "decision", ["We take option #2.", "We choose a queue of workers.", "**A QUEUE of workers**."]
)
def test_the_decision_may_name_an_option_by_number_or_name(decision):
    checks.decision_names_an_option(outcome(replace_section(GOOD, "Decision", decision + "\n")))


@pytest.mark.parametrize("decision", ["Option 5.", "We go with queues."])
def test_a_decision_that_names_no_option_fails(decision):
    message = failure(checks.decision_names_an_option, replace_section(GOOD, "Decision", decision + "\n"))
    assert "which names none of the options (1. 'One long function'; 2. 'A queue of workers')" in message


def test_consequences_need_a_downside_and_a_number_with_a_unit():
    text = replace_section(GOOD, "Consequences", "Everything improves for 2,000 chunks.\n")
    assert '"## Consequences" says "Everything improves' in failure(checks.consequences_name_a_downside, text)
    assert "at least one number with a unit" in failure(checks.consequences_are_quantified, text)


@pytest.mark.parametrize(
    "quantity", ["$2", "80 s", "74%", "1 GB", "3.5 minutes", "120ms", "4,000 GB-s", "2 hours"]
)
def test_quantities_with_units_count(quantity):
    checks.consequences_are_quantified(outcome(replace_section(GOOD, "Consequences", f"About {quantity}.\n")))


@pytest.mark.parametrize(
    "price",
    ["$0.40 per 1M requests", "$0.0000166667/GB-s", "0.025 USD per 1,000 transitions", "$ 0.2 per million"],
)
def test_a_unit_price_of_the_table_counts(price):
    text = replace_section(GOOD, "Consequences", f"It costs {price}, which is harder to beat.\n")
    checks.quotes_a_unit_price(outcome(text))


@pytest.mark.parametrize(
    ("price", "found"), [("$0.41 per 1M", 'unit prices "$0.41 per", none'), ("$0.40", "no unit price")]
)
def test_other_prices_do_not_count(price, found):
    text = replace_section(GOOD, "Consequences", f"It costs {price}.\n")
    assert found in failure(checks.quotes_a_unit_price, text)


def test_the_unit_prices_come_from_the_price_table():
    assert {
        Decimal("0.40"),
        Decimal("0.025"),
        Decimal("0.0000166667"),
        Decimal("0.20"),
    } <= checks.unit_prices()
    assert Decimal("0.41") not in checks.unit_prices()


@pytest.mark.parametrize(
    "line",
    [
        "2,000,000 × 2 ms = 4,000 s",
        "6,000 * $0.40 / 1M ≈ $0.0024",
        "2000x2 = 4000",
        "$0.0667 + $0.0004 = $0.0671",
    ],
)
def test_calculations_count(line):
    checks.shows_a_calculation(outcome(f"# 1. T\n\n{line}\n"))


@pytest.mark.parametrize("line", ["It takes 4,000 s.", "2026-11-22", "GB-s = memory in GB times seconds"])
def test_numbers_without_arithmetic_are_not_a_calculation(line):
    assert "no calculation" in failure(checks.shows_a_calculation, f"# 1. T\n\n{line}\n")


def test_leftover_template_lines_are_reported_with_their_line_numbers():
    text = GOOD.replace(
        "## Decision\n",
        "## Decision\n_The option chosen, named as in the list above, and why it beats the others._\n",
    )
    checks.has_decision(outcome(text))
    assert 'line 14: "_The option chosen' in failure(checks.no_template_text, text)
    text = GOOD.replace("- Date: 2026-11-22", "-   Date:   _yyyy-mm-dd_")
    assert 'line 4: "- Date: _yyyy-mm-dd_"' in failure(checks.no_template_text, text)


def test_a_probe_result_that_is_not_a_document_fails_clearly():
    with pytest.raises(AssertionError, match="got:      None"):
        checks.has_title(Outcome(None, "read(file='decision.md')"))


# --- The course's own records and the template --------------------------------------------------
def test_the_course_has_adrs_to_check():
    assert len(COURSE_ADRS) >= 2


@pytest.mark.parametrize("path", COURSE_ADRS, ids=lambda path: path.name)
@pytest.mark.parametrize(
    "check",
    [
        *STRUCTURE,
        checks.status_is_valid,
        checks.date_is_iso,
        checks.decision_names_an_option,
        checks.no_template_text,
    ],
    ids=lambda check: check.__name__,
)
def test_the_course_adrs_pass_the_structural_checks(path, check):
    check(outcome(path.read_text()))


def test_the_stub_is_the_template():
    assert (EXERCISE / "decision.md").read_text() == TEMPLATE.read_text()


def test_the_checks_know_every_hint_of_the_template():
    template = TEMPLATE.read_text().splitlines()
    assert template[0] == f"# {checks.TEMPLATE_TITLE}"
    assert f"- Status: {checks.TEMPLATE_STATUS}" in template
    assert f"- Date: {checks.TEMPLATE_DATE}" in template
    hints = [line for hints in checks.TEMPLATE_HINTS.values() for line in hints]
    italic = [re.sub(r"^\d+\. ", "", line) for line in template if re.match(r"^(\d+\. )?_.*_$", line)]
    assert italic == hints
    record = checks.parse_record(TEMPLATE.read_text())
    assert [str(record.sections[key].heading) for key in checks.SECTION_TITLES] == [
        f"## {title}" for title in checks.SECTION_TITLES.values()
    ]
    assert len(checks.TEMPLATE_HINTS["options"]) >= 2


def test_the_readme_lists_the_downside_words():
    readme = " ".join((EXERCISE / "README.md").read_text().split())
    for word in checks.DOWNSIDE_WORDS:
        stem = word[:-1] if word.endswith("s") and word[:-1] in checks.DOWNSIDE_WORDS else word
        assert re.search(rf"(?<![\w-]){re.escape(stem)}(?:\(s\))?[,.]", readme), word
