"""Every notebook runs top to bottom in a fresh kernel, is saved without outputs, and its widgets re-run.

The notebooks run with nbclient in the ``python3`` kernel of this environment, from ``notebooks/`` as
the working directory, exactly as a learner's *Run All* would. nbclient keeps the widgets' state, so
a cell added after the last one can move a slider and show that the widget's output was re-made.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from tests.e2e.notebook_client import LabNotebookClient

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CELL_TIMEOUT_S = 60
# Notebooks with an ipywidgets ``interactive``: the text its output prints for a value of its first control.
INTERACTIVE_NOTEBOOKS = {
    "01-faas.ipynb": "{value} concurrent requests",
    "02-api-crud.ipynb": "{value:g} million requests a month",
    "03-cold-starts.ipynb": "{value} requests per minute",
    "04-state.ipynb": "cache TTL {value:g} s over",
    "05-event-driven.ipynb": "{value},000 uploads a month: $",
    "06-choreography.ipynb": "{value} steps: ",
    "07-pubsub.ipynb": "order total {value} USD",
    "08-fan-out.ipynb": "on {value} workers:",
    "09-queue-batching.ipynb": "batch size {value}:",
    "10-streams.ipynb": "batch size {value}, ",
    "11-scheduled-webhook.ipynb": "lease {value:g} h:",
    "12-microservices.ipynb": "batching window {value} s:",
    "13-cqrs.ipynb": "batch size {value}, window",
    "14-saga.ipynb": "failing step {value} (",
    "15-step-functions.ipynb": "failing step {value}",
    "16-retries.ipynb": "{value} clients, base",
    "17-idempotency.ipynb": "{value} concurrent duplicates: ",
    "18-circuit-breaker.ipynb": "outage {value:g} s:",
    "20-security.ipynb": "TTL {value:g} s: seed's policy",
    "19-observability.ipynb": "sample rate {value:g}:",
    "21-secrets-config.ipynb": "max_age {value} s, ",
    "22-cost.ipynb": "{value} million requests a month: API Gateway $",
    "24-anti-patterns.ipynb": "{value} hops before it is stopped: $",
    "23-deploy-test.ipynb": "canary failure rate {value}%: ",
    "25-capstone.ipynb": "{value} thousand orders a month: $",
}

# Appended to a notebook: move the first control of its interactive by one step and say where to look.
MOVE_FIRST_CONTROL = """
import json

import ipywidgets

explorers = [value for value in list(globals().values()) if isinstance(value, ipywidgets.interactive)]
assert explorers, "the notebook displays no ipywidgets.interactive"
control = explorers[0].children[0]
old_value = control.value
step = control.step if old_value + control.step <= control.max else -control.step
control.value = old_value + step
print(json.dumps({"output_model": explorers[0].out.model_id, "old": old_value, "new": control.value}))
"""
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def client_for(notebook: nbformat.NotebookNode) -> LabNotebookClient:
    return LabNotebookClient(
        notebook,
        kernel_name="python3",
        timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )


def execute(client: LabNotebookClient, name: str) -> None:
    """Run the whole notebook; on failure, fail with the cell's source and its error."""
    failure = None
    try:
        client.execute()
    except CellExecutionError as error:
        failure = ANSI.sub("", str(error))
    if failure is not None:
        pytest.fail(f"{name}: a cell failed.\n{failure}", pytrace=False)


def output_widget_outputs(client: LabNotebookClient) -> dict[str, list[dict[str, Any]]]:
    """The outputs each Output widget holds now, by model id (a copy)."""
    return {
        model_id: copy.deepcopy(list(state.get("outputs", [])))
        for model_id, state in client.widget_state.items()
        if state.get("_model_name") == "OutputModel"
    }


def errors_in(outputs: list[dict[str, Any]]) -> list[str]:
    return [ANSI.sub("", "\n".join(o.get("traceback", []))) for o in outputs if o["output_type"] == "error"]


def text_of(outputs: list[dict[str, Any]]) -> str:
    return "".join(o["text"] for o in outputs if o["output_type"] == "stream")


def images_of(outputs: list[dict[str, Any]]) -> list[str]:
    return [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]


def committed_notebooks() -> dict[str, str]:
    """Each notebook as git has it staged or committed (the working copy if git does not track it)."""
    texts = {path.name: path.read_text() for path in NOTEBOOKS}
    listed = subprocess.run(
        ["git", "ls-files", "--", "notebooks/*.ipynb"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if listed.returncode == 0:
        for tracked in listed.stdout.split():
            staged = subprocess.run(
                ["git", "show", f":{tracked}"], cwd=ROOT, capture_output=True, text=True, check=True
            )
            texts[Path(tracked).name] = staged.stdout
    return texts


def test_the_course_notebooks_are_there() -> None:
    names = [path.name for path in NOTEBOOKS]
    assert {"00-start-here.ipynb", "01-faas.ipynb"} <= set(names), names
    assert set(INTERACTIVE_NOTEBOOKS) <= set(names)


@pytest.mark.parametrize("name", sorted(committed_notebooks()))
def test_notebook_is_saved_without_outputs(name: str) -> None:
    notebook = nbformat.reads(committed_notebooks()[name], as_version=4)
    nbformat.validate(notebook)
    dirty = [
        index
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, f"{name}: code cells {dirty} have saved outputs or execution counts; clear them"
    assert "widgets" not in notebook.metadata, f"{name}: saved widget state in its metadata; clear it"


def assert_ran_cleanly(name: str, notebook: nbformat.NotebookNode, client: LabNotebookClient) -> None:
    """Every code cell ran, the exercise check showed a result, and no widget output shows an error."""
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count is not None for cell in code_cells), f"{name}: a cell did not run"
    for cell in code_cells:
        if cell.source.startswith("from exercises import check"):
            shown = [output for output in cell.outputs if output["output_type"] != "error"]
            assert shown, f"{name}: the check cell showed nothing:\n{cell.source}"
            assert not errors_in(cell.outputs), f"{name}: the check cell failed:\n{errors_in(cell.outputs)}"
    for model_id, outputs in output_widget_outputs(client).items():
        assert not errors_in(outputs), (
            f"{name}: widget output {model_id} shows an error:\n{errors_in(outputs)}"
        )


# A notebook with an interactive runs top to bottom in the slider test below; the others run here.
STATIC_NOTEBOOKS = [path for path in NOTEBOOKS if path.name not in INTERACTIVE_NOTEBOOKS]


@pytest.mark.parametrize("path", STATIC_NOTEBOOKS, ids=[path.name for path in STATIC_NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = client_for(notebook)
    execute(client, path.name)
    assert_ran_cleanly(path.name, notebook, client)


@pytest.mark.parametrize(("name", "printed"), INTERACTIVE_NOTEBOOKS.items(), ids=list(INTERACTIVE_NOTEBOOKS))
def test_notebook_runs_top_to_bottom_and_moving_a_slider_remakes_its_output(name: str, printed: str) -> None:
    notebook = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(MOVE_FIRST_CONTROL))
    last = len(notebook.cells) - 1
    client = client_for(notebook)
    before: dict[str, list[dict[str, Any]]] = {}

    def snapshot_before_the_move(cell: nbformat.NotebookNode, cell_index: int) -> None:
        if cell_index == last:
            before.update(output_widget_outputs(client))

    client.on_cell_start = snapshot_before_the_move
    execute(client, name)
    assert_ran_cleanly(name, notebook, client)

    moved = json.loads(text_of(notebook.cells[last].outputs))
    old, new = before[moved["output_model"]], output_widget_outputs(client)[moved["output_model"]]
    for outputs in (old, new):
        assert not errors_in(outputs), f"the widget callback failed:\n{errors_in(outputs)}"
        assert text_of(outputs), f"the widget printed nothing: {outputs}"
        assert images_of(outputs), f"the widget showed no plot: {outputs}"
    assert printed.format(value=moved["old"]) in text_of(old), text_of(old)
    assert printed.format(value=moved["new"]) in text_of(new), text_of(new)
    assert images_of(new) != images_of(old), "the plot did not change when the slider moved"
