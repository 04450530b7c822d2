"""The handler variants against moto, in the local runtime and in fresh processes (the real cold starts)."""

import base64
import json

import boto3
import pytest

from patterns.cold_starts import demo
from patterns.cold_starts.exceptions import MeasurementError
from patterns.cold_starts.handlers import quote_event
from patterns.cold_starts.measure import VARIANTS, Variant, measure_cold_starts, run_fresh_process

pytestmark = pytest.mark.integration

BY_NAME = {variant.name: variant for variant in VARIANTS}


@pytest.mark.parametrize("variant", VARIANTS, ids=[variant.name for variant in VARIANTS])
def test_each_variant_prices_and_stores_the_same_quote(sandbox, variant):
    function = demo.deploy_variant(sandbox, variant)
    result = sandbox.lambdas.invoke(function, quote_event(4))
    assert result.ok, result.payload
    assert result.payload["statusCode"] == 200
    quote = json.loads(result.payload["body"])["quote"]
    assert (quote["subtotal"], quote["discount"], quote["total"]) == (115.0, 5.75, 109.25)
    item = sandbox.client("dynamodb").get_item(
        TableName=demo.QUOTES_TABLE, Key={"quote_id": {"S": quote["quote_id"]}}
    )["Item"]
    assert item["total"] == {"N": "109.25"}
    assert item["customer"] == {"S": "acme"}
    refused = sandbox.lambdas.invoke(function, {"customer": "acme", "lines": []})
    assert refused.payload["statusCode"] == 400


def test_the_rare_chart_request_answers_a_png(sandbox):
    function = demo.deploy_variant(sandbox, BY_NAME["narrow imports"])
    result = sandbox.lambdas.invoke(function, quote_event(2, chart=True))
    assert result.payload["statusCode"] == 200
    png = base64.b64decode(json.loads(result.payload["body"])["chart_png_base64"])
    assert png.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("name", "clients_for_three_requests"), [("narrow imports", 1), ("client per call", 3)]
)
def test_client_reuse_is_per_execution_environment(sandbox, name, clients_for_three_requests):
    function = demo.deploy_variant(sandbox, BY_NAME[name])
    created = []
    session = boto3.DEFAULT_SESSION
    assert session is not None  # the sandbox set it
    session.events.register("creating-client-class.dynamodb", lambda **_: created.append(1))
    for _ in range(3):
        assert sandbox.lambdas.invoke(function, quote_event()).payload["statusCode"] == 200
    assert len(created) == clients_for_three_requests


def test_the_local_runtime_reports_init_on_the_cold_request_only(sandbox):
    reports = demo.local_runtime_reports(sandbox, BY_NAME["narrow imports"], invocations=3)
    assert [report.cold_start for report in reports] == [True, False, False]
    assert reports[0].init_ms is not None
    assert "Init Duration" in reports[0].line()
    assert reports[1].init_ms is None
    assert "Init Duration" not in reports[1].line()
    assert reports[0].billed_ms >= reports[0].init_ms + reports[0].duration_ms


# --- fresh processes -------------------------------------------------------------------------
def test_the_lazy_variant_loads_matplotlib_only_when_a_chart_is_asked_for():
    chart = run_fresh_process(BY_NAME["narrow imports"], warm_invocations=0, event=quote_event(2, chart=True))
    assert "boto3" in chart.loaded_at_init
    assert not {"matplotlib", "numpy"} & set(chart.loaded_at_init)
    assert "matplotlib" in chart.loaded_after_first


def test_a_fresh_process_splits_the_cold_start_into_its_phases():
    run = measure_cold_starts([BY_NAME["eager imports"]], repetitions=1, warm_invocations=3)
    eager = run.variant("eager imports").samples[0]
    assert {"boto3", "matplotlib.pyplot", "numpy"} <= set(eager.loaded_at_init)
    assert len(eager.warm_ms) == 3
    assert eager.interpreter_ms > 0
    assert eager.imports_ms > 0
    assert eager.init_ms > 0
    assert eager.first_invocation_ms > 0
    assert eager.cold_start_ms < eager.wall_ms  # the harness's set-up belongs to no phase
    assert eager.modules_imported > 300  # boto3's tree alone is about 300 modules


def test_a_failing_child_names_the_variant_and_shows_its_stderr():
    missing = Variant("missing module", "patterns.cold_starts.variants.no_such_module.handler", "broken")
    with pytest.raises(MeasurementError, match=r"'missing module'.*exited with code 1") as caught:
        run_fresh_process(missing, warm_invocations=0)
    assert "ModuleNotFoundError" in caught.value.stderr_tail
    assert "import time:" not in caught.value.stderr_tail


def test_a_handler_that_does_not_answer_200_fails_the_measurement():
    with pytest.raises(MeasurementError, match="exited with code 3") as caught:
        run_fresh_process(BY_NAME["narrow imports"], warm_invocations=0, event={"customer": "acme"})
    assert "expected statusCode 200" in caught.value.stderr_tail
