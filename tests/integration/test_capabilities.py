"""``Sandbox.supports`` and ``Sandbox.unavailable``: one line when the backend lacks a capability."""

import pytest

from patterns.lab import Capability, aws_sandbox
from patterns.lab.sandbox import Backend

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("capability", list(Capability))
def test_moto_in_process_has_every_capability_and_prints_nothing(sandbox, capability, capsys):
    assert sandbox.supports(capability) is True
    assert sandbox.unavailable(capability, "the demonstration's last step") is False
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("capability", list(Capability))
def test_an_endpoint_lacks_them_and_says_so_in_one_line(capability, capsys):
    backend = Backend("endpoint", "http://127.0.0.1:5077")
    with aws_sandbox(backend=backend) as sandbox:  # nothing is sent until a client calls
        assert sandbox.supports(capability) is False
        assert sandbox.unavailable(capability, "the fan-out") is True
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    assert out.startswith("[endpoint http://127.0.0.1:5077] skipped: the fan-out needs ")
    assert capability.description in out
    assert "moto server or LocalStack" in out


def test_the_capability_api_is_exported_from_the_lab():
    import patterns.lab
    import patterns.lab.capabilities

    assert "Capability" in patterns.lab.__all__
    assert patterns.lab.Capability is patterns.lab.capabilities.Capability
