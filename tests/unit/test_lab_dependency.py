"""The lab's modelled dependency: outages on the virtual clock, timeouts accounted, a registry by name."""

import pytest

from patterns.lab.dependency import ModelledDependency, Outage, lookup, registered
from patterns.lab.exceptions import LabError

pytestmark = pytest.mark.unit


def test_the_modelled_dependency_waits_a_timeout_only_while_down() -> None:
    provider = ModelledDependency("p", latency_s=0.08, timeout_s=2.0, outages=[Outage(10.0, 20.0)])
    results = [provider.call(at_s=t) for t in (9.99, 10.0, 19.99, 20.0)]
    assert [(r.ok, r.waited_s) for r in results] == [(True, 0.08), (False, 2.0), (False, 2.0), (True, 0.08)]
    assert provider.calls_during_outages == 2
    assert provider.waited_on_timeouts_s == 4.0


def test_a_dependency_is_found_by_name_only_while_registered() -> None:
    provider = ModelledDependency("by-name")
    with registered(provider):
        assert lookup("by-name") is provider
        with pytest.raises(LabError, match="registered already"), registered(ModelledDependency("by-name")):
            pass
    with pytest.raises(LabError, match="no modelled dependency"):
        lookup("by-name")
    with pytest.raises(LabError):
        Outage(5.0, 1.0)
