"""The README's backend table says, for every demonstration, what runs on each backend."""

import re
from pathlib import Path

import pytest

from tests.endpoint.conftest import ROOT, declared_needs, demonstration_packages, readme_row

pytestmark = pytest.mark.endpoint

SECTION = "## Pointing the course at a real endpoint"


def _section() -> str:
    text = Path(ROOT / "README.md").read_text(encoding="utf-8")
    assert SECTION in text, f"README.md lost its section {SECTION!r}"
    after = text.split(SECTION, 1)[1]
    return after.split("\n## ", 1)[0]


def _rows(section: str) -> dict[str, str]:
    rows = {}
    for line in section.splitlines():
        found = re.match(r"\| `([a-z0-9_]+)` \|", line)
        if found:
            rows[found.group(1)] = line.strip()
    return rows


def test_every_demonstration_has_its_row_as_its_demo_needs_say():
    rows = _rows(_section())
    problems = []
    for package in demonstration_packages():
        try:
            expected = readme_row(package, declared_needs(package))
        except AssertionError as missing:
            problems.append(str(missing))
            continue
        if rows.get(package) != expected:
            problems.append(
                f"README.md, section {SECTION!r}: the backend table's row for patterns/{package} "
                f"{'is out of date' if package in rows else 'is missing'}; it must read exactly "
                f"(from DEMO_NEEDS in patterns/{package}/demo.py):\n{expected}"
            )
    assert not problems, "\n\n".join(problems)


def test_the_table_has_no_row_for_a_pattern_that_does_not_exist():
    stale = sorted(set(_rows(_section())) - set(demonstration_packages()))
    assert stale == [], f"README.md's backend table has rows for {stale}: no patterns/<package>/__main__.py"
