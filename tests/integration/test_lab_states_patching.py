"""The lab patches moto's Step Functions interpreter lazily and undoes it (its own module: it starts a
sandbox of its own, which cannot run beside another test's)."""

import time

import pytest

from patterns.lab.sandbox import Backend, aws_sandbox
from patterns.step_functions.adapters import create_state_machine, run_execution

pytestmark = pytest.mark.integration


def test_moto_is_patched_from_the_first_execution_until_the_sandbox_stops():
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl

    definition = {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 60, "End": True}}}
    with aws_sandbox(backend=Backend()) as sandbox:
        machine = create_state_machine(sandbox, "lazy", definition)
        assert retrier_decl.__dict__["time"] is time, "patched before any execution started"
        assert run_execution(sandbox, machine, {}).status == "SUCCEEDED"
        assert retrier_decl.__dict__["time"] is not time
    assert retrier_decl.__dict__["time"] is time, "still patched after the sandbox stopped"
