"""The instructor's class-report notebook (``notebooks/instructor/``, outside the pattern notebooks'
glob) executes headless: it grades part of a generated class and shows the report's plots and figures."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tests.e2e.notebook_client import LabNotebookClient

pytestmark = [pytest.mark.e2e, pytest.mark.instructor, pytest.mark.xdist_group("grader-report")]

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "instructor" / "class-report.ipynb"


def test_the_class_report_notebook_runs_and_shows_the_report():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(
        c.get("execution_count") is None and not c.get("outputs")
        for c in notebook.cells
        if c.cell_type == "code"
    )
    LabNotebookClient(
        notebook, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    ).execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert re.search(r"graded 8 of them on cold-starts, faas in [\d.]+ s \(exit status 0\)", text)
    assert re.search(r"faas: mean [\d.]+ of 18; passed \d+, failed \d+", text)
    assert "most often" in text
    assert "report.html" in text
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 4  # two exercises, the tests, the timing
    widgets = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert widgets
