"""The tier's own helpers read the lines `sandbox.unavailable` prints and the demos' DEMO_NEEDS."""

import subprocess

import pytest

from patterns.lab.capabilities import Capability, skip_message
from tests.endpoint.conftest import declared_needs, readme_row, skipped_capabilities

pytestmark = pytest.mark.endpoint


def _printed(*lines: str) -> subprocess.CompletedProcess[str]:
    return subprocess.CompletedProcess(["demo"], 0, "\n".join(["1. a section", *lines, "done"]), "")


def test_the_skip_lines_sandbox_unavailable_prints_are_recognised():
    url = "http://127.0.0.1:5077"
    lines = [skip_message("endpoint", url, c, f"part {i}") for i, c in enumerate(Capability)]
    twice = skip_message("endpoint", url, Capability.PUSH_DELIVERIES, "another part")
    assert skipped_capabilities(_printed(*lines, twice)) == sorted(c.name for c in Capability)
    assert skipped_capabilities(_printed()) == []


def test_a_skip_line_that_names_no_capability_is_refused():
    with pytest.raises(AssertionError, match="names no capability"):
        skipped_capabilities(_printed("[endpoint http://127.0.0.1:1] skipped: something, somehow"))


def test_demo_needs_are_read_from_the_source_and_rendered_as_readme_rows():
    assert declared_needs("saga") == (Capability.PUSH_DELIVERIES,)
    assert declared_needs("faas") == ()
    assert readme_row("faas", ()) == "| `faas` | all of it | all of it | all of it |"
    row = readme_row("step_functions", (Capability.STATE_MACHINE_LAMBDA_TASKS,))
    assert row == (
        "| `step_functions` | all of it | all but Lambda tasks in state machines (it says so) "
        "| all but Lambda tasks in state machines (it says so) |"
    )
