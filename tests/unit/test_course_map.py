"""The README's course map tells the truth about what this copy of the course holds."""

import re
from pathlib import Path

import pytest

from patterns.lab.course import CAPSTONE, PATTERNS, course_map

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^\| (\d\d) \|(.*)\|\s*$")
LINK = re.compile(r"\]\(([^)]+)\)")


def readme_rows() -> dict[int, list[str]]:
    rows = {}
    for line in (ROOT / "README.md").read_text().splitlines():
        if match := ROW.match(line):
            rows[int(match.group(1))] = [cell.strip() for cell in match.group(2).split("|")]
    return rows


def test_the_map_lists_the_syllabus_in_order() -> None:
    rows = readme_rows()
    assert sorted(rows) == [p.number for p in PATTERNS]
    assert [rows[p.number][0] for p in PATTERNS] == [p.title for p in PATTERNS]


@pytest.mark.parametrize("parts", course_map(ROOT), ids=lambda parts: parts.pattern.slug)
def test_a_row_is_complete_exactly_when_all_five_parts_are_there(parts) -> None:
    title, module, notebook, exercise, adr, status = readme_rows()[parts.pattern.number]
    links = [target for cell in (module, notebook, exercise, adr) for target in LINK.findall(cell)]
    missing = [target for target in links if not (ROOT / target).exists()]
    assert not missing, f"{title}: the course map links to missing files {missing}"
    if parts.available:
        assert status == "complete", f"{title}: module, notebook and exercise exist; mark the row complete"
        assert f"patterns/{parts.pattern.package}" in module
        assert parts.pattern.notebook in notebook
        assert f"exercises/{parts.pattern.package}" in exercise
        assert re.search(r"adr/\d{4}-", adr), f"{title}: a complete pattern links its ADR"
    else:
        assert status == "planned", f"{title}: not all parts exist yet, so the row says planned"


def test_a_pattern_is_available_only_with_its_module_notebook_and_exercise(tmp_path: Path) -> None:
    assert not any(parts.available for parts in course_map(tmp_path))
    (tmp_path / "patterns" / "cold_starts").mkdir(parents=True)
    (tmp_path / "patterns" / "cold_starts" / "__main__.py").touch()
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "03-cold-starts.ipynb").touch()
    assert not course_map(tmp_path)[2].available
    (tmp_path / "exercises" / "cold_starts").mkdir(parents=True)
    (tmp_path / "exercises" / "cold_starts" / "exercise.toml").touch()
    assert [parts.pattern.slug for parts in course_map(tmp_path) if parts.available] == ["cold-starts"]


def test_the_capstone_has_its_line_below_the_table_and_its_links_resolve() -> None:
    lines = (ROOT / "README.md").read_text().splitlines()
    capstone = [line for line in lines if line.startswith("Capstone (")]
    assert len(capstone) == 1, "the README names the capstone in one line below the course map's table"
    assert not ROW.match(capstone[0]), "the capstone is no row of the table: it is no pattern of the syllabus"
    links = LINK.findall(capstone[0])
    assert f"notebooks/{CAPSTONE.notebook}" in links
    assert f"exercises/{CAPSTONE.package}" in links
    missing = [target for target in links if not (ROOT / target).exists()]
    assert not missing, f"the capstone's line links to missing files {missing}"
    table_end = max(i for i, line in enumerate(lines) if ROW.match(line))
    assert lines.index(capstone[0]) > table_end, "the capstone's line comes below the table"
