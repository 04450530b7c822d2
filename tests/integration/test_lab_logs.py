"""The lab's CloudWatch Logs stand-in: each invocation's lines, attributed to its request, framed by the
platform's lines, put into moto's CloudWatch Logs."""

from concurrent.futures import ThreadPoolExecutor

from patterns.lab.logs import LogEvent, capture_logs
from patterns.lab.sandbox import Sandbox

HANDLER = "tests.handlers.log_lines.handler"


def _function_lines(events: list[LogEvent]) -> list[str]:
    return [event.message for event in events if event.kind == "function"]


def test_lines_belong_to_the_invocation_that_wrote_them_init_lines_to_the_cold_one(sandbox: Sandbox) -> None:
    sandbox.deploy("talker", HANDLER)
    with capture_logs(sandbox) as capture:
        first = sandbox.lambdas.invoke("talker", {"lines": 2})
        second = sandbox.lambdas.invoke("talker", {"lines": 1})
    one, two = first.payload["request_id"], second.payload["request_id"]
    assert _function_lines(capture.events(request_id=one)) == [
        "init line",
        f"line 0 {one}",
        f"line 1 {one}",
        f"via logging {one}",
        f"stderr {one}",
    ]
    assert _function_lines(capture.events(request_id=two)) == [
        f"line 0 {two}",
        f"via logging {two}",
        f"stderr {two}",
    ]
    platform = [e.message.split()[0] for e in capture.events(request_id=one) if e.kind == "platform"]
    assert platform == ["START", "END", "REPORT"]
    assert capture.bytes_by_request() == {
        rid: sum(e.size for e in capture.events(request_id=rid)) for rid in (one, two)
    }


def test_concurrent_environments_keep_their_own_lines(sandbox: Sandbox) -> None:
    sandbox.deploy("talker", HANDLER)
    with capture_logs(sandbox) as capture, ThreadPoolExecutor(4) as pool:
        results = list(
            pool.map(lambda n: sandbox.lambdas.invoke("talker", {"lines": 3, "tag": f"t{n}"}), range(8))
        )
    assert len({r.report.environment_id for r in results}) > 1
    for result in results:
        request_id = result.payload["request_id"]
        lines = [
            line for line in _function_lines(capture.events(request_id=request_id)) if line != "init line"
        ]
        assert len(lines) == 5
        assert all(line.endswith(request_id) for line in lines)
    cold = [r for r in results if r.report.cold_start]
    assert (
        _function_lines(capture.events()).count("init line")
        == len(cold)
        == len({r.report.environment_id for r in results})
    )


def test_writes_outside_environments_pass_through_and_nothing_is_kept_after_stop(
    sandbox: Sandbox, capsys
) -> None:
    sandbox.deploy("talker", HANDLER)
    with capture_logs(sandbox) as capture:
        print("from the test itself")
        sandbox.lambdas.invoke("talker", {"lines": 1})
    sandbox.lambdas.invoke("talker", {"lines": 1})  # after the capture: not kept, printed as usual
    out = capsys.readouterr().out
    assert "from the test itself" in out
    assert out.count("line 0") == 1
    assert len(capture.reports()) == 1


def test_publish_puts_the_events_into_cloudwatch_logs(sandbox: Sandbox) -> None:
    sandbox.deploy("talker", HANDLER)
    with capture_logs(sandbox) as capture:
        result = sandbox.lambdas.invoke("talker", {"lines": 2, "tag": "needle"})
    assert capture.publish() == len(capture.events())
    logs = sandbox.client("logs")
    found = logs.filter_log_events(logGroupName="/aws/lambda/talker", filterPattern='"needle"')["events"]
    assert [event["message"] for event in found] == [
        f"needle {n} {result.payload['request_id']}" for n in (0, 1)
    ]
    streams = logs.describe_log_streams(logGroupName="/aws/lambda/talker")["logStreams"]
    assert [s["logStreamName"].endswith(result.report.environment_id) for s in streams] == [True]
